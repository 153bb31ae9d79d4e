using Fleet.Core.Vault;

namespace Fleet.Core.Tests.Vault;

/// <summary>Where vault passwords come from: files, scripts, prompts and the environment, in Ansible's order and with its labels.</summary>
public sealed class VaultPasswordSourcesTests : IDisposable
{
    private readonly TempFiles _files = new();

    private string Script(string name, string body)
    {
        var path = _files.Write(name, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    private static FleetInputException Rejected(VaultPasswordSources sources, Func<string, string?>? prompt = null) =>
        Assert.Throws<FleetInputException>(() => sources.Load(prompt));

    [Fact]
    public void Load_EverySource_InAnsiblesOrderWithItsLabel()
    {
        var file = _files.Write("pw", "  from-file \n");
        var env = _files.Write("env-pw", "from-env\n");
        var script = Script("pw.sh", "echo from-script");

        var keyring = new VaultPasswordSources
        {
            VaultIds = [$"prod@{script}", "dev@prompt"],
            PasswordFiles = [file],
            EnvironmentFile = env,
            Ask = true,
        }.Load(prompt => prompt == "Vault password (dev): " ? "from-prompt" : "asked");

        Assert.Equal(
            [("prod", "from-script"), ("dev", "from-prompt"), ("default", "from-file"), ("default", "from-env"), ("default", "asked")],
            keyring.Identities.Select(i => (i.Label, i.Password.Reveal())).ToList());
    }

    [Fact]
    public void Load_ClientScript_IsToldTheLabel()
    {
        var script = Script("vault-client.sh", "echo \"$1=$2\"");

        var keyring = new VaultPasswordSources { VaultIds = [$"prod@{script}"] }.Load(null);

        Assert.Equal("--vault-id=prod", keyring.Identities.Single().Password.Reveal());
    }

    [Fact]
    public void Load_VaultIdWithoutLabel_IsDefault() =>
        Assert.Equal("default", new VaultPasswordSources { VaultIds = [_files.Write("pw", "x\n")] }.Load(null).Identities.Single().Label);

    [Fact]
    public void Load_NoSource_IsTheEmptyKeyring() => Assert.Same(VaultKeyring.None, new VaultPasswordSources().Load(null));

    [Fact]
    public void Load_MissingFile_NamesTheOption() =>
        Assert.Equal("--vault-password-file: vault password file not found: /nonexistent/pw", Rejected(new VaultPasswordSources { PasswordFiles = ["/nonexistent/pw"] }).Message);

    [Fact]
    public void Load_EmptyFile_IsRefused() =>
        Assert.Contains("gives an empty password", Rejected(new VaultPasswordSources { PasswordFiles = [_files.Write("pw", "\n")] }).Message, StringComparison.Ordinal);

    [Fact]
    public void Load_FailingScript_SaysItsStatus() =>
        Assert.Contains("exited with status 3", Rejected(new VaultPasswordSources { VaultIds = [Script("bad.sh", "exit 3")] }).Message, StringComparison.Ordinal);

    [Fact]
    public void Load_PromptWithoutTerminal_IsRefused() =>
        Assert.Contains("no terminal", Rejected(new VaultPasswordSources { Ask = true }).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("@file")]
    [InlineData("label@")]
    public void Load_MalformedVaultId_IsRefused(string slug) =>
        Assert.StartsWith("--vault-id expects [LABEL@]SOURCE", Rejected(new VaultPasswordSources { VaultIds = [slug] }).Message, StringComparison.Ordinal);

    [Fact]
    public void Load_PasswordFileThatIsAFifo_IsRefusedWithoutBlocking()
    {
        var fifo = Path.Combine(_files.Dir, "pw-fifo");
        Playbooks.BadInputTests.MakeFifo(fifo);

        Assert.Equal(
            $"--vault-password-file: vault password file is not a regular file (a FIFO, device or socket), refused: {fifo}",
            Rejected(new VaultPasswordSources { PasswordFiles = [fifo] }).Message);
    }

    [Theory]
    [InlineData("/dev/zero", "is not a regular file")]
    [InlineData("/tmp", "is a directory, not a file")]
    public void Load_PasswordFileThatIsNoFile_IsRefused(string path, string message) =>
        Assert.Contains(message, Rejected(new VaultPasswordSources { VaultIds = [$"dev@{path}"] }).Message, StringComparison.Ordinal);

    [Fact]
    public void Load_PasswordFilePastTheInputSize_IsRefused()
    {
        var big = _files.Write("big-pw", "");
        using (var stream = File.OpenWrite(big))
        {
            stream.SetLength(InputFile.MaxBytes + 1);
        }

        Assert.Contains("vault password file is larger than 16 MiB, refused", Rejected(new VaultPasswordSources { EnvironmentFile = big }).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExecutableThatCannotRun_SaysWhatToDo()
    {
        var path = _files.Write("pw-exec", "not a script\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var message = Rejected(new VaultPasswordSources { PasswordFiles = [path] }).Message;

        Assert.Equal($"--vault-password-file: vault password script cannot be run: {path} (it is executable but the system cannot start it: give it a #! line, or remove its executable bit to read it as a password file)", message);
    }

    [Fact]
    public void Load_ScriptWritingPastTheInputSize_IsRefused() =>
        Assert.Contains("vault password script wrote more than 16 MiB, refused", Rejected(new VaultPasswordSources { PasswordFiles = [Script("loud.sh", "head -c 17000000 /dev/zero")] }).Message, StringComparison.Ordinal);

    public void Dispose() => _files.Dispose();
}
