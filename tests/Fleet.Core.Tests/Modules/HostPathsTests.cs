using Fleet.Core.Modules;

namespace Fleet.Core.Tests.Modules;

public class HostPathsTests
{
    private static HostPathLookup Known()
    {
        var known = new HostPathLookup();
        known.Variables["HOME"] = "/home/alice/";
        known.Variables["APP"] = "/opt/app";
        known.Variables["EMPTY"] = "";
        known.Variables["NOPE"] = null;
        known.Variables["TILDE"] = "~bob/x";
        known.Homes["bob"] = "/srv/bob";
        known.Homes["nosuchuser"] = null;
        return known;
    }

    // Expected values are what Python 3's os.path.expanduser(os.path.expandvars(v)) gives with the same environment and passwd.
    [Theory]
    [InlineData("/etc/hosts", "/etc/hosts")]
    [InlineData("~", "/home/alice")]
    [InlineData("~/.ssh/authorized_keys", "/home/alice/.ssh/authorized_keys")]
    [InlineData("~bob/.ssh", "/srv/bob/.ssh")]
    [InlineData("~nosuchuser/x", "~nosuchuser/x")]
    [InlineData("$HOME/x", "/home/alice//x")]
    [InlineData("${APP}/conf", "/opt/app/conf")]
    [InlineData("$APP$APP", "/opt/app/opt/app")]
    [InlineData("$NOPE/x", "$NOPE/x")]
    [InlineData("${NOPE}/x", "${NOPE}/x")]
    [InlineData("$EMPTY/x", "/x")]
    [InlineData("${}/x", "${}/x")]
    [InlineData("${APP/x", "${APP/x")]
    [InlineData("/a/$/b", "/a/$/b")]
    [InlineData("/a~/b", "/a~/b")]
    [InlineData("$TILDE", "/srv/bob/x")]
    [InlineData("$(id)/x", "$(id)/x")]
    [InlineData("`id`/*", "`id`/*")]
    public void Expand_AsPythonExpandUserOfExpandVars(string value, string expected)
    {
        Assert.Equal(expected, HostPaths.Expand(value, Known()));
    }

    [Fact]
    public void Expand_HomeUnset_UsesTheUsersPasswdHome()
    {
        var known = new HostPathLookup { OwnHome = "/root", OwnHomeAsked = true };
        known.Variables["HOME"] = null;

        Assert.Equal("/root/x", HostPaths.Expand("~/x", known));
    }

    [Fact]
    public void Expand_RootHome_IsNotDoubled()
    {
        var known = new HostPathLookup();
        known.Variables["HOME"] = "/";

        Assert.Equal("/x", HostPaths.Expand("~/x", known));
        Assert.Equal("/", HostPaths.Expand("~", known));
    }

    [Theory]
    [InlineData("/etc/hosts", false)]
    [InlineData("", false)]
    [InlineData("~/x", true)]
    [InlineData("/a/$B", true)]
    [InlineData("/a~/b", false)]
    public void NeedsExpansion_OnlyForLeadingTildeOrDollar(string value, bool expected)
    {
        Assert.Equal(expected, HostPaths.NeedsExpansion(value));
    }

    [Fact]
    public void Missing_AsksForVariablesFirst_ThenTheUserTheyName()
    {
        var known = new HostPathLookup();

        var first = HostPaths.Missing(["$TILDE", "~/a", "~carol/b", "~0/c", "/plain"], known);

        Assert.Equal(["TILDE", "HOME"], first.Variables);
        Assert.Equal(["carol"], first.Users);
        Assert.True(first.OwnHome);

        known.Variables["TILDE"] = "~dave/x";
        known.Variables["HOME"] = "/root";
        known.Homes["carol"] = "/home/carol";
        known.OwnHomeAsked = true;
        var second = HostPaths.Missing(["$TILDE", "~/a", "~carol/b"], known);

        Assert.Empty(second.Variables);
        Assert.Equal(["dave"], second.Users);
        Assert.False(second.OwnHome);
    }

    [Fact]
    public void Script_QuotesNames_AndRunsNoUserText()
    {
        var script = HostPaths.Script(new HostPathQuery(["X'; rm -rf /; '"], ["$(reboot)"], false));

        Assert.Contains("printenv -- 'X'\\''; rm -rf /; '\\'''", script, StringComparison.Ordinal);
        Assert.Contains("getent passwd -- '$(reboot)'", script, StringComparison.Ordinal);
    }

    [Fact]
    public void ScriptAndParse_OnThisMachine_AnswerWhatTheShellSees()
    {
        var query = new HostPathQuery(["HOME", "FLEET_SURELY_UNSET_VAR", "a=b"], ["root", "fleet-no-such-user"], true);
        var (exit, stdout, _) = LocalHost.Sh("export HOME='/tmp/a b\n'\n" + HostPaths.Script(query));
        var known = new HostPathLookup();

        HostPaths.Parse(stdout, query, known);

        Assert.Equal(0, exit);
        Assert.Equal("/tmp/a b\n", known.Variables["HOME"]);
        Assert.Null(known.Variables["FLEET_SURELY_UNSET_VAR"]);
        Assert.Null(known.Variables["a=b"]);
        Assert.Equal("/root", known.Homes["root"]);
        Assert.Null(known.Homes["fleet-no-such-user"]);
        Assert.True(known.OwnHomeAsked);
        Assert.False(string.IsNullOrEmpty(known.OwnHome));
    }

    [Fact]
    public void Parse_WrongNumberOfAnswers_IsAnError()
    {
        Assert.Throws<FormatException>(() => HostPaths.Parse("-\n", new HostPathQuery(["A", "B"], [], false), new HostPathLookup()));
    }

    // Ansible's argument_spec types these as path (copy's and unarchive's src are controller files in Fleet, fetch's dest too).
    [Theory]
    [InlineData("stat", "path", true)]
    [InlineData("file", "src", true)]
    [InlineData("copy", "dest", true)]
    [InlineData("copy", "src", false)]
    [InlineData("template", "dest", true)]
    [InlineData("find", "paths", true)]
    [InlineData("command", "chdir", true)]
    [InlineData("shell", "creates", true)]
    [InlineData("fetch", "src", true)]
    [InlineData("fetch", "dest", false)]
    [InlineData("unarchive", "src", false)]
    [InlineData("lineinfile", "line", false)]
    public void HostPath_MarksAnsiblesPathParameters(string module, string parameter, bool expected)
    {
        var spec = BuiltInModules.All().Single(m => m.Name == module).Parameters.Single(p => p.Name == parameter);

        Assert.Equal(expected, spec.HostPath);
    }

    [Theory]
    [InlineData("copy", "remote_src", true, true)]
    [InlineData("copy", "remote_src", false, false)]
    [InlineData("unarchive", "remote_src", true, true)]
    [InlineData("unarchive", "copy", false, true)]
    [InlineData("unarchive", "copy", true, false)]
    public void HostPathParameters_SrcOnlyWhenItIsOnTheHost(string module, string flag, bool value, bool srcIsHostPath)
    {
        var args = new ModuleArguments(new Dictionary<string, object?> { ["src"] = "~/a.tar", ["dest"] = "~/out", [flag] = value });

        var names = BuiltInModules.All().Single(m => m.Name == module).HostPathParameters(args).ToList();

        Assert.Contains("dest", names);
        Assert.Equal(srcIsHostPath, names.Contains("src"));
    }
}
