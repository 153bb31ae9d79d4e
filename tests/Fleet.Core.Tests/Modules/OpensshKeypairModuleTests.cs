using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.OpensshKeypair;
using Fleet.Core.Results;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>
/// openssh_keypair: the planner on fact fixtures (what ssh-keygen says about the key), community.crypto's decisions for each
/// regenerate policy, and a real ssh-keygen run on a temporary path.
/// </summary>
public sealed class OpensshKeypairModuleTests : IDisposable
{
    private const string Key = "/etc/ssh/ssh_host_rsa_key";
    private const string PublicLine = "ssh-rsa AAAAB3Nza root@host";

    private static readonly FileState Directory = new(FileType.Directory, "0755", "root", "root", 4096, null, null);
    private static readonly FileState PrivateFile = new(FileType.File, "0600", "root", "root", 3381, null, null);
    private static readonly FileState PublicFile = new(FileType.File, "0644", "root", "root", 100, null, System.Text.Encoding.UTF8.GetBytes(PublicLine + "\n"));
    private static readonly SshKeygenState Rsa4096 = new(true, true, 0, "4096 SHA256:abc root@host (RSA)", 0, PublicLine, "");

    private readonly TempFiles _files = new();

    private static TaskPlan Plan(SshKeygenState keygen, FileState? privateFile = null, FileState? publicFile = null, params (string Key, object? Value)[] args) =>
        OpensshKeypairModule.Plan(new KeypairRequest(Args([("path", Key), .. args])), Directory, privateFile ?? PrivateFile, publicFile ?? PublicFile, keygen);

    [Fact]
    public void Plan_NoKey_GeneratesWithSshKeygen()
    {
        var plan = Assert.IsType<Change>(Plan(new SshKeygenState(true, false, 0, "", 0, "", ""), FileState.Missing, FileState.Missing));

        Assert.Equal([$"{Key} generated (rsa 4096)"], plan.Changes);
        Assert.Contains("ssh-keygen -q -N '' -b 4096 -t rsa -f \"$t/key\" -C ''", plan.Script, StringComparison.Ordinal);
        Assert.Contains($"mv -f \"$t/key.pub\" {Key}.pub", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_KeyOfTheRightTypeAndSize_IsNoOp_WithAnsiblesResult()
    {
        var plan = Assert.IsType<NoChange>(Plan(Rsa4096));

        Assert.Equal("SHA256:abc", plan.Data["fingerprint"]);
        Assert.Equal("ssh-rsa AAAAB3Nza", plan.Data["public_key"]);
        Assert.Equal("root@host", plan.Data["comment"]);
        Assert.Equal(4096, plan.Data["size"]);
        Assert.Equal(Key, plan.Data["filename"]);
    }

    [Theory]
    [InlineData("partial_idempotence", "change")]
    [InlineData("full_idempotence", "change")]
    [InlineData("always", "change")]
    [InlineData("never", "none")]
    [InlineData("fail", "failure")]
    public void Plan_KeyTooSmall_FollowsRegenerate(string regenerate, string expected)
    {
        var small = Rsa4096 with { List = "2048 SHA256:abc root@host (RSA)" };

        var plan = Plan(small, null, null, ("regenerate", regenerate));

        Assert.Equal(expected, plan switch { Change => "change", NoChange => "none", PlanFailure => "failure", _ => "?" });
    }

    [Fact]
    public void Plan_Force_RegeneratesAGoodKey()
    {
        var plan = Assert.IsType<Change>(Plan(Rsa4096, null, null, ("force", true)));

        Assert.Equal([$"{Key} regenerated (rsa 4096 → rsa 4096)"], plan.Changes);
    }

    [Fact]
    public void Plan_PassphraseProtectedKey_FailsUnlessFullIdempotence()
    {
        var locked = new SshKeygenState(true, true, 255, "", 255, "", "Load key: incorrect passphrase supplied to decrypt private key");

        Assert.StartsWith("Unable to read the key.", Assert.IsType<PlanFailure>(Plan(locked)).Message, StringComparison.Ordinal);
        Assert.IsType<Change>(Plan(locked, null, null, ("regenerate", "full_idempotence")));
    }

    [Fact]
    public void Plan_PublicKeyMissing_IsRewrittenFromThePrivateKey()
    {
        var plan = Assert.IsType<Change>(Plan(Rsa4096, null, FileState.Missing));

        Assert.Equal([$"{Key}.pub restored from the private key"], plan.Changes);
        Assert.DoesNotContain("-t rsa", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_KeygenCannotDeriveThePublicKey_FailsAsCommunityCryptoDoes()
    {
        var plan = Plan(Rsa4096 with { Public = "" }, null, FileState.Missing);

        Assert.StartsWith("The public key is missing", Assert.IsType<PlanFailure>(plan).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_OtherComment_RewritesPublicKeyAndSetsTheComment()
    {
        var plan = Assert.IsType<Change>(Plan(Rsa4096, null, null, ("comment", "fleet")));

        Assert.Contains("ssh-keygen -q -o -c -C fleet -f /etc/ssh/ssh_host_rsa_key", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ModeDiffers_OnlyChmods()
    {
        var plan = Assert.IsType<Change>(Plan(Rsa4096, null, null, ("mode", "0640")));

        Assert.Contains($"{Key} mode 0600 → 0640", plan.Changes);
        Assert.Contains($"{Key}.pub mode 0644 → 0640", plan.Changes);
        Assert.DoesNotContain("ssh-keygen -q", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Absent_RemovesBothFiles_QuotingThePath()
    {
        var path = "/tmp/k'; rm -rf / #";
        var plan = OpensshKeypairModule.Plan(new KeypairRequest(Args(("path", path), ("state", "absent"))), Directory, PrivateFile, FileState.Missing, Rsa4096);

        Assert.Equal("rm -f '/tmp/k'\\''; rm -rf / #' '/tmp/k'\\''; rm -rf / #.pub'\n", Assert.IsType<Change>(plan).Script);
    }

    [Theory]
    [InlineData("rsa", 512)]
    [InlineData("dsa", 2048)]
    [InlineData("ecdsa", 300)]
    public void Plan_BadSize_FailsInAnsiblesWords(string type, int size)
    {
        Assert.IsType<PlanFailure>(Plan(Rsa4096, null, null, ("type", type), ("size", size)));
    }

    [Fact]
    public void Plan_NoDirectory_Fails()
    {
        var plan = OpensshKeypairModule.Plan(new KeypairRequest(Args(("path", "/nope/key"))), FileState.Missing, FileState.Missing, FileState.Missing, Rsa4096);

        Assert.Equal("The directory /nope does not exist or the file is not a directory", Assert.IsType<PlanFailure>(plan).Message);
    }

    [Fact]
    public void Passphrase_IsAValidationErrorNamingIt()
    {
        var problem = Assert.Single(new OpensshKeypairModule().CheckCombination(new HashSet<string> { "path", "passphrase" }));

        Assert.Contains("passphrase", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_GeneratesEd25519WithSshKeygen_ThenIsNoOp()
    {
        var path = Path.Combine(_files.Dir, "id_test");
        var module = new OpensshKeypairModule();
        var args = Args(("path", path), ("type", "ed25519"), ("comment", "fleet test"));

        Assert.IsType<Change>(Apply(module, args, checkMode: true));
        Assert.False(File.Exists(path));
        Assert.IsType<Change>(Apply(module, args));
        var second = Apply(module, args);

        Assert.IsType<NoChange>(second);
        Assert.Equal("ed25519", second.Data["type"]);
        Assert.Equal("fleet test", second.Data["comment"]);
        Assert.StartsWith("ssh-ed25519 ", File.ReadAllText(path + ".pub"), StringComparison.Ordinal);
        Assert.Equal("600\n", Sh($"stat -c %a {path}").Stdout);
    }

    public void Dispose() => _files.Dispose();
}
