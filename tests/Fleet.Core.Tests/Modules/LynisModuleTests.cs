using Fleet.Core.Execution;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Lynis;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Modules;

public sealed class LynisModuleTests
{
    private const string Report = """
        # Lynis Report
        report_version_major=1
        hardening_index=56
        warning[]=SSH-7408|SSH option PermitRootLogin is enabled|-|-|
        warning[]=FIRE-4512|iptables module(s) loaded, but no rules active|-|-|
        warning[]=PKGS-7392|Found one or more vulnerable packages.|-|-|
        suggestion[]=AUTH-9230|Configure password hashing rounds in /etc/login.defs|-|-|
        suggestion[]=AUTH-9286|Configure maximum password age in /etc/login.defs|-|-|
        suggestion[]=BANN-7126|Add a legal banner to /etc/issue|-|-|

        """;

    [Fact]
    public void ParseReport_IndexWarningsSuggestions()
    {
        var audit = LynisModule.ParseReport(Report)!;

        Assert.Equal(56, audit.HardeningIndex);
        Assert.Equal(["SSH-7408: SSH option PermitRootLogin is enabled", "FIRE-4512: iptables module(s) loaded, but no rules active", "PKGS-7392: Found one or more vulnerable packages."], audit.Warnings);
        Assert.Equal(3, audit.Suggestions);
    }

    [Fact]
    public void Complete_BelowMinIndex_Fails()
    {
        var args = LocalHost.Args(("min_index", 80L));

        var outcome = new LynisModule().Complete(new Change([], "") { ReadOnly = true }, new CommandResult(0, "noise\n@@fleet-lynis-report@@\n" + Report, "", TimeSpan.Zero), args);

        Assert.Equal(TaskOutcome.Failed, outcome.Status);
        Assert.Equal(56, outcome.Data!["hardening_index"]);
        Assert.Equal(56, AuditSummary.FromResult(outcome.Data)!.HardeningIndex);
        Assert.Contains("below min_index 80", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_IsReadOnlyAudit()
    {
        var facts = new Fleet.Core.Facts.FactCache();
        facts.Set(new CommandExistsFact("lynis"), true);

        var plan = new LynisModule().Plan(LocalHost.Args(), facts, new ModuleContext("h", CheckMode: true, "."));

        Assert.True(Assert.IsType<Change>(plan).ReadOnly);
    }
}
