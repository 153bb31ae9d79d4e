using System.Security.Cryptography;
using Fleet.Core.Modules;
using Fleet.Core.Modules.GetUrl;
using Fleet.Core.Results;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>get_url on this machine as the host: file:// downloads, idempotence by existence or checksum, checksum and network failures.</summary>
public sealed class GetUrlModuleTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-get-url-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Source(string text)
    {
        var path = Path.Combine(_dir.FullName, "source.txt");
        File.WriteAllText(path, text);
        return "file://" + path;
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static (TaskPlan Plan, ChangeOutcome? Outcome) Run(ModuleArguments args)
    {
        var module = new GetUrlModule();
        var plan = module.Plan(args, Gather(module.Facts(args, new ModuleContext("local", false, "/tmp"))), new ModuleContext("local", false, "/tmp"));
        if (plan is not Change change)
        {
            return (plan, null);
        }

        var (exit, stdout, stderr) = Sh(change.Script);
        return (plan, module.Complete(change, new Fleet.Core.CommandResult(exit, stdout, stderr, TimeSpan.Zero), args));
    }

    [Fact]
    public void FileUrl_Downloads_ThenExistingDestIsOk_AndForceWithSameBytesIsOk()
    {
        var url = Source("payload\n");
        var dest = Path.Combine(_dir.FullName, "out.txt");

        var (_, first) = Run(Args(("url", url), ("dest", dest), ("mode", "0600")));
        var (second, _) = Run(Args(("url", url), ("dest", dest), ("mode", "0600")));
        var (_, forced) = Run(Args(("url", url), ("dest", dest), ("force", true)));

        Assert.Equal(TaskOutcome.Changed, first!.Status);
        Assert.Equal("payload\n", File.ReadAllText(dest));
        Assert.Equal("600\n", Sh($"stat -c %a '{dest}'").Stdout);
        Assert.IsType<NoChange>(second);
        Assert.Equal(TaskOutcome.Ok, forced!.Status);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void ValidateCertsFalse_FetchesWithoutTheCertificateCheck(bool validate, bool insecure)
    {
        var module = new GetUrlModule();
        var context = new ModuleContext("local", false, "/tmp");
        var args = Args(("url", "https://10.0.0.1/x.tgz"), ("dest", Path.Combine(_dir.FullName, "x.tgz")), ("validate_certs", validate));

        var change = Assert.IsType<Change>(module.Plan(args, Gather(module.Facts(args, context)), context));

        Assert.Equal(insecure, change.Script.Contains("curl -fsSL -k ", StringComparison.Ordinal));
        Assert.Equal(insecure, change.Script.Contains("wget -q --no-check-certificate ", StringComparison.Ordinal));
    }

    [Fact]
    public void Checksum_MatchingDest_IsNoChange_ButADifferentDestIsReplaced()
    {
        var url = Source("new\n");
        var dest = Path.Combine(_dir.FullName, "out.txt");
        File.WriteAllText(dest, "old\n");

        var (_, replaced) = Run(Args(("url", url), ("dest", dest), ("checksum", "sha256:" + Sha256("new\n"))));
        var (again, _) = Run(Args(("url", url), ("dest", dest), ("checksum", "sha256:" + Sha256("new\n").ToUpperInvariant())));

        Assert.Equal(TaskOutcome.Changed, replaced!.Status);
        Assert.Equal("new\n", File.ReadAllText(dest));
        Assert.IsType<NoChange>(again);
    }

    [Fact]
    public void Checksum_DownloadDiffers_Fails_AndLeavesDestAlone()
    {
        var dest = Path.Combine(_dir.FullName, "out.txt");

        var (_, outcome) = Run(Args(("url", Source("tampered\n")), ("dest", dest), ("checksum", "sha256:" + Sha256("expected\n"))));

        Assert.Equal(TaskOutcome.Failed, outcome!.Status);
        Assert.Contains("did not match " + Sha256("expected\n"), outcome.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(dest));
        Assert.Empty(_dir.GetFiles(".fleet.*"));
    }

    [Fact]
    public void UnreachableUrl_FailsNamingTheUrlAndTheReason()
    {
        var (_, outcome) = Run(Args(("url", "http://fleet-unreachable.invalid/file.tgz"), ("dest", Path.Combine(_dir.FullName, "x")), ("timeout", 3L)));

        Assert.Equal(TaskOutcome.Failed, outcome!.Status);
        Assert.Contains("Request failed: http://fleet-unreachable.invalid/file.tgz: ", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("resolve", outcome.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void DestEndingInSlash_TakesTheUrlsLastSegment()
    {
        var url = Source("x");
        var into = _dir.CreateSubdirectory("into").FullName;

        var (plan, outcome) = Run(Args(("url", url), ("dest", into + "/")));

        Assert.Equal(Path.Combine(into, "source.txt"), plan.Data["dest"]);
        Assert.Equal(TaskOutcome.Changed, outcome!.Status);
        Assert.Equal("x", File.ReadAllText(Path.Combine(into, "source.txt")));
    }

    [Theory]
    [InlineData("sha256:http://example.org/SHA256SUMS", "a URL of a checksum file is not supported")]
    [InlineData("crc32:abcd", "ALGORITHM:HEX")]
    public void Checksum_Unsupported_IsAnInputError(string checksum, string message) =>
        Assert.Contains(message, Assert.Throws<FleetInputException>(() => new GetUrlModule().Facts(Args(("url", "http://x/y"), ("dest", "/tmp/y"), ("checksum", checksum)), new ModuleContext("h", false, "/tmp"))).Message, StringComparison.Ordinal);

    [Fact]
    public void OtherScheme_IsPlanFailure() =>
        Assert.Contains("file:// URL", Assert.IsType<PlanFailure>(Run(Args(("url", "scp://host/x"), ("dest", "/tmp/x"))).Plan).Message, StringComparison.Ordinal);
}
