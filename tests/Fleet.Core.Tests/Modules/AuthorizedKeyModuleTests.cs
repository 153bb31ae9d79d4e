using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.AuthorizedKeys;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>authorized_key: the key-line parser and edits as data, fixtures for the home-based path, and real runs in a temp directory as this user.</summary>
public sealed class AuthorizedKeyModuleTests : IDisposable
{
    private const string Ed = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq0bWh3x0cN0u8Xb2m5x7A1fYbq1Yh0b1rB9cQ3d4e5 admin@laptop";
    private const string Rsa = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7x1 ops@box";
    private const string Other = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOther0000000000000000000000000000000000000 old@host";

    private readonly TempFiles _files = new();
    private readonly string _user = Environment.UserName;

    private string KeysPath => Path.Combine(_files.Dir, "ssh", "authorized_keys");

    [Theory]
    [InlineData(Ed, "", "ssh-ed25519", "admin@laptop")]
    [InlineData("no-pty,command=\"echo a b\" ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7x1 ops box", "no-pty,command=\"echo a b\"", "ssh-rsa", "ops box")]
    [InlineData("ssh-ed25519 AAAAC3Nz", "", "ssh-ed25519", "")]
    public void Parse_KeyLines(string line, string options, string type, string comment)
    {
        var key = AuthorizedKey.Parse(line)!;

        Assert.Equal((options, type, comment), (key.Options, key.Type, key.Comment));
        Assert.Equal(line, key.Line);
    }

    [Theory]
    [InlineData("# a comment")]
    [InlineData("")]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----")]
    [InlineData("ssh-foo AAAA")]
    [InlineData("ssh-ed25519 not;base64")]
    public void Parse_NotAKey_IsNull(string line) => Assert.Null(AuthorizedKey.Parse(line));

    [Fact]
    public void Present_KeyAlreadyThere_KeepsTheTextExactly()
    {
        var text = $"# mine\n{Other}\n{Ed}\n";

        var (after, changes) = AuthorizedKeysFile.Present(text, [AuthorizedKey.Parse(Ed)!], exclusive: false);

        Assert.Same(text, after);
        Assert.Empty(changes);
    }

    [Fact]
    public void Present_NewKeys_AppendedInOrderAfterTheOthers()
    {
        var (after, changes) = AuthorizedKeysFile.Present(Other, [AuthorizedKey.Parse(Ed)!, AuthorizedKey.Parse(Rsa)!], exclusive: false);

        Assert.Equal($"{Other}\n{Ed}\n{Rsa}\n", after);
        Assert.Equal(2, changes.Count);
    }

    [Fact]
    public void Present_SameKeyOtherOptions_IsReplacedInPlace_AndDuplicatesGo()
    {
        var text = $"{Ed}\n{Other}\n{Ed}\n";
        var key = AuthorizedKey.Parse(Ed)! with { Options = "no-pty" };

        var (after, changes) = AuthorizedKeysFile.Present(text, [key], exclusive: false);

        Assert.Equal($"no-pty {Ed}\n{Other}\n", after);
        Assert.Contains(changes, c => c.EndsWith("updated (options)", StringComparison.Ordinal));
        Assert.Contains(changes, c => c.StartsWith("duplicate", StringComparison.Ordinal));
    }

    [Fact]
    public void Present_SameBlobOtherType_IsAnotherKey()
    {
        var sameBlob = AuthorizedKey.Parse(Ed)! with { Type = "ssh-rsa" };

        var (after, _) = AuthorizedKeysFile.Present(Ed + "\n", [sameBlob], exclusive: false);

        Assert.Equal($"{Ed}\n{sameBlob.Line}\n", after);
    }

    [Fact]
    public void Present_Exclusive_LeavesOnlyTheTasksKeys()
    {
        var (after, changes) = AuthorizedKeysFile.Present($"# note\n{Other}\n{Ed}\n", [AuthorizedKey.Parse(Ed)!, AuthorizedKey.Parse(Rsa)!], exclusive: true);
        var (again, none) = AuthorizedKeysFile.Present(after, [AuthorizedKey.Parse(Ed)!, AuthorizedKey.Parse(Rsa)!], exclusive: true);

        Assert.Equal($"{Ed}\n{Rsa}\n", after);
        Assert.Contains(changes, c => c.Contains("removed (exclusive)", StringComparison.Ordinal));
        Assert.Equal(after, again);
        Assert.Empty(none);
    }

    [Fact]
    public void Absent_RemovesTheKeyWhateverItsOptions()
    {
        var (after, changes) = AuthorizedKeysFile.Absent($"from=\"10.0.0.1\" {Ed}\n{Other}\n", [AuthorizedKey.Parse(Ed)!]);

        Assert.Equal($"{Other}\n", after);
        Assert.Single(changes);
    }

    [Fact]
    public void Apply_CreatesDirAndFileWithModes_ThenNoOp()
    {
        var args = Args(("user", _user), ("key", Ed + "\n" + Rsa + "\n"), ("path", KeysPath));

        var first = Assert.IsType<Change>(Apply(new AuthorizedKeyModule(), args));
        var second = Apply(new AuthorizedKeyModule(), args);

        Assert.Equal($"{Ed}\n{Rsa}\n", File.ReadAllText(KeysPath));
        var state = State(args);
        Assert.Equal(("0700", "0600"), (state.Directory.Mode, state.File.Mode));
        Assert.Equal(state.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), state.File.Owner);
        Assert.Contains($"{KeysPath} created (0600, owner {state.Uid}:{state.Gid})", first.Changes);
        Assert.IsType<NoChange>(second);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(KeysPath)!, ".fleet.*"));
    }

    [Fact]
    public void Apply_WrongModeOnACorrectFile_IsAChange()
    {
        var args = Args(("user", _user), ("key", Ed), ("path", KeysPath));
        Apply(new AuthorizedKeyModule(), args);
        Chmod("0644", KeysPath);
        Chmod("0701", Path.GetDirectoryName(KeysPath)!);

        var repair = Assert.IsType<Change>(Apply(new AuthorizedKeyModule(), args));

        Assert.Equal([$"{Path.GetDirectoryName(KeysPath)} mode 0701 → 0700", $"{KeysPath} mode 0644 → 0600"], repair.Changes);
        Assert.Null(repair.Diff);
        Assert.Equal(("0700", "0600"), (State(args).Directory.Mode, State(args).File.Mode));
        Assert.IsType<NoChange>(Apply(new AuthorizedKeyModule(), args));
    }

    [Fact]
    public void Check_ShowsADiffAndChangesNothing()
    {
        _files.Write("ssh/authorized_keys", Other + "\n");
        Chmod("0600", KeysPath);
        Chmod("0700", Path.GetDirectoryName(KeysPath)!);

        var plan = Assert.IsType<Change>(Apply(new AuthorizedKeyModule(), Args(("user", _user), ("key", Ed), ("path", KeysPath)), checkMode: true));

        Assert.Equal($"--- {KeysPath} (before)\n+++ {KeysPath} (after)\n@@ -1,1 +1,2 @@\n {Other}\n+{Ed}\n", plan.Diff);
        Assert.Equal(Other + "\n", File.ReadAllText(KeysPath));
        Assert.Equal([$"key ssh-ed25519 …b1rB9cQ3d4e5 admin@laptop added in {KeysPath}"], plan.Changes);
    }

    [Fact]
    public void Apply_Absent_RemovesThenNoOp()
    {
        var args = Args(("user", _user), ("key", Ed + "\n" + Rsa), ("path", KeysPath));
        Apply(new AuthorizedKeyModule(), args);
        var absent = Args(("user", _user), ("key", Ed), ("path", KeysPath), ("state", "absent"));

        Assert.IsType<Change>(Apply(new AuthorizedKeyModule(), absent));

        Assert.Equal(Rsa + "\n", File.ReadAllText(KeysPath));
        Assert.IsType<NoChange>(Apply(new AuthorizedKeyModule(), absent));
        Assert.IsType<NoChange>(Apply(new AuthorizedKeyModule(), Args(("user", _user), ("key", Ed), ("path", KeysPath + ".none"), ("state", "absent"))));
    }

    [Fact]
    public void Apply_KeyOptionsAndComment_ReplaceTheLinesOwn()
    {
        var args = Args(("user", _user), ("key", Ed), ("path", KeysPath), ("key_options", "no-pty,from=\"10.0.0.0/8\""), ("comment", "deploy key"));

        Apply(new AuthorizedKeyModule(), args);

        Assert.Equal("no-pty,from=\"10.0.0.0/8\" " + Ed.Replace("admin@laptop", "deploy key", StringComparison.Ordinal) + "\n", File.ReadAllText(KeysPath));
        Assert.IsType<NoChange>(Apply(new AuthorizedKeyModule(), args));
    }

    [Fact]
    public void Apply_HostileCommentOptionsAndPath_AreWrittenLiterally()
    {
        var canary = Path.Combine(_files.Dir, "CANARY");
        var hostile = $"x'; touch {canary}; '$(touch {canary})`touch {canary}`";
        var path = Path.Combine(_files.Dir, "d $(touch CANARY) ';x", "authorized_keys");
        var args = Args(("user", _user), ("key", Ed), ("path", path), ("comment", hostile), ("key_options", $"command=\"{hostile}\""));

        Apply(new AuthorizedKeyModule(), args);

        Assert.Equal($"command=\"{hostile}\" {Ed[..Ed.LastIndexOf(' ')]} {hostile}\n", File.ReadAllText(path));
        Assert.False(File.Exists(canary), "an injected command ran");
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "CANARY")), "an injected command ran");
    }

    [Fact]
    public void Plan_SymbolicLinkInPlaceOfTheFile_IsPlanFailure()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(KeysPath)!);
        File.CreateSymbolicLink(KeysPath, "/etc/passwd");

        var failure = Assert.IsType<PlanFailure>(Apply(new AuthorizedKeyModule(), Args(("user", _user), ("key", Ed), ("path", KeysPath))));

        Assert.Contains("symbolic link", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PrivateKeyGivenAsKey_FailsWithoutShowingIt()
    {
        const string secret = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n";

        var failure = Assert.IsType<PlanFailure>(Apply(new AuthorizedKeyModule(), Args(("user", _user), ("key", secret), ("path", KeysPath))));

        Assert.StartsWith("line 1 of key is not an SSH public key", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("b3BlbnNz", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_KeyFile_ReadFromThePlaybooksFilesDirectory()
    {
        _files.Write("files/admin.pub", Ed + "\n");
        var args = Args(("user", _user), ("key_file", "admin.pub"), ("path", KeysPath));
        var context = new ModuleContext("local", CheckMode: true, _files.Dir);
        var module = new AuthorizedKeyModule();

        var plan = Assert.IsType<Change>(module.Plan(args, Gather(module.Facts(args, context)), context));
        var missing = module.Plan(Args(("user", _user), ("key_file", "nope.pub"), ("path", KeysPath)), Gather(module.Facts(args, context)), context);

        Assert.Contains($"+{Ed}", plan.Diff, StringComparison.Ordinal);
        Assert.StartsWith("key_file not found on the controller: nope.pub", Assert.IsType<PlanFailure>(missing).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("key", "key_file")]
    [InlineData()]
    public void Validate_ExactlyOneOfKeyAndKeyFile(params string[] present) =>
        Assert.Equal(["give exactly one of key or key_file"], new AuthorizedKeyModule().CheckCombination(present.ToHashSet()));

    [Fact]
    public void Plan_DefaultPath_FromTheHomeInPasswd_WithPrediction()
    {
        var fact = new AuthorizedKeysFact("deploy");
        var facts = new FactCache();
        facts.Set(fact, fact.Parse("passwd:deploy:x:1001:1001::/srv/deploy:/bin/bash\nfile:/srv/deploy/.ssh/authorized_keys\nstat:missing\nstat:missing\n", 0));

        var change = Assert.IsType<Change>(new AuthorizedKeyModule().Plan(Args(("user", "deploy"), ("key", Ed)), facts, new ModuleContext("h", false, "/")));

        Assert.Equal(["/srv/deploy/.ssh created (0700, owner 1001:1001)", "/srv/deploy/.ssh/authorized_keys created (0600, owner 1001:1001)", $"key {AuthorizedKey.Parse(Ed)!.Label} added in /srv/deploy/.ssh/authorized_keys"], change.Changes);
        Assert.Contains("mkdir -m 0700 -- /srv/deploy/.ssh\n", change.Script, StringComparison.Ordinal);
        Assert.Contains("chown -h 1001:1001 /srv/deploy/.ssh\n", change.Script, StringComparison.Ordinal);
        Assert.Contains(Subject.Path("/srv/deploy/.ssh"), change.Touches!);
        var predicted = (AuthorizedKeysState)change.Predicted![fact];
        Assert.IsType<NoChange>(new AuthorizedKeyModule().Plan(Args(("user", "deploy"), ("key", Ed)), Cache(fact, predicted), new ModuleContext("h", true, "/")));
    }

    [Fact]
    public void Plan_UnknownUser_IsPlanFailure()
    {
        var fact = new AuthorizedKeysFact("ghost");

        var plan = new AuthorizedKeyModule().Plan(Args(("user", "ghost"), ("key", Ed)), Cache(fact, fact.Parse("passwd:\n", 0)), new ModuleContext("h", false, "/"));

        Assert.Equal("user ghost does not exist", Assert.IsType<PlanFailure>(plan).Message);
    }

    [Fact]
    public void Fact_ReadsThisUsersHomeBasedPath()
    {
        var fact = new AuthorizedKeysFact(_user);

        var state = Gather([fact]).Get(fact);

        Assert.True(state.UserExists);
        Assert.Equal(state.Home.TrimEnd('/') + "/.ssh/authorized_keys", state.FilePath);
    }

    private static void Chmod(string mode, string path) => Assert.Equal(0, Sh($"chmod {mode} {Fleet.Core.Remote.Sh.Quote(path)}").Exit);

    private static FactCache Cache(Fact fact, object value)
    {
        var cache = new FactCache();
        cache.Set(fact, value);
        return cache;
    }

    private static AuthorizedKeysState State(ModuleArguments args)
    {
        var fact = new AuthorizedKeysFact(args.GetRequiredString("user"), args.GetString("path"));
        return Gather([fact]).Get(fact);
    }

    public void Dispose() => _files.Dispose();
}
