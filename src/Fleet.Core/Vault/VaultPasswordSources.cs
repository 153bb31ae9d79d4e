using System.Diagnostics;
using System.Text;

namespace Fleet.Core.Vault;

/// <summary>
/// The vault passwords a command names, read as Ansible reads them: each <c>--vault-id [LABEL@]SOURCE</c> (a file, an executable
/// script whose stdout is the password, or <c>prompt</c>), then each <c>--vault-password-file</c>, then
/// <c>ANSIBLE_VAULT_PASSWORD_FILE</c>, then <c>--ask-vault-pass</c>. A source that cannot be read is an error naming it.
/// </summary>
public sealed record VaultPasswordSources
{
    /// <summary>The environment variable naming a default password file, as in Ansible.</summary>
    public const string EnvironmentVariable = "ANSIBLE_VAULT_PASSWORD_FILE";

    /// <summary>How long a password script may run. The default value is 30 seconds.</summary>
    public static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(30);

    /// <summary><c>--vault-id</c> values, in order. The default value is none.</summary>
    public IReadOnlyList<string> VaultIds { get; init; } = [];

    /// <summary><c>--vault-password-file</c> values, in order. The default value is none.</summary>
    public IReadOnlyList<string> PasswordFiles { get; init; } = [];

    /// <summary><c>--ask-vault-pass</c>: prompt for the default password. The default value is false.</summary>
    public bool Ask { get; init; }

    /// <summary>The value of <see cref="EnvironmentVariable"/>, or null. The default value is null.</summary>
    public string? EnvironmentFile { get; init; }

    /// <summary>True when no source is named: the run has no vault password.</summary>
    public bool IsEmpty => VaultIds.Count == 0 && PasswordFiles.Count == 0 && !Ask && string.IsNullOrEmpty(EnvironmentFile);

    /// <summary>
    /// Reads every source into a keyring; <paramref name="prompt"/> asks the terminal for a password without echo (given the
    /// prompt text) and is null where there is no terminal, which makes a prompt source an error.
    /// </summary>
    public VaultKeyring Load(Func<string, string?>? prompt)
    {
        var identities = new List<VaultIdentity>();
        foreach (var slug in VaultIds)
        {
            var at = slug.IndexOf('@', StringComparison.Ordinal);
            var (label, source) = at < 0 ? (VaultIdentity.DefaultLabel, slug) : (slug[..at], slug[(at + 1)..]);
            if (label.Length == 0 || source.Length == 0)
            {
                throw new FleetInputException($"--vault-id expects [LABEL@]SOURCE (SOURCE a file, a script or prompt), got '{slug}'");
            }

            identities.Add(new VaultIdentity(label, source == "prompt" ? Prompt(prompt, $"Vault password ({label}): ", "--vault-id " + slug) : FromFile(source, label, "--vault-id")));
        }

        foreach (var file in PasswordFiles)
        {
            identities.Add(new VaultIdentity(VaultIdentity.DefaultLabel, FromFile(file, VaultIdentity.DefaultLabel, "--vault-password-file")));
        }

        if (!string.IsNullOrEmpty(EnvironmentFile))
        {
            identities.Add(new VaultIdentity(VaultIdentity.DefaultLabel, FromFile(EnvironmentFile, VaultIdentity.DefaultLabel, EnvironmentVariable)));
        }

        if (Ask)
        {
            identities.Add(new VaultIdentity(VaultIdentity.DefaultLabel, Prompt(prompt, "Vault password: ", "--ask-vault-pass")));
        }

        return identities.Count == 0 ? VaultKeyring.None : new VaultKeyring(identities);
    }

    private static Secret Prompt(Func<string, string?>? prompt, string text, string option)
    {
        if (prompt is null)
        {
            throw new FleetInputException($"{option} prompts for the vault password, but there is no terminal to ask on: use --vault-password-file FILE");
        }

        var password = prompt(text)?.Trim();
        return string.IsNullOrEmpty(password) ? throw new FleetInputException($"{option}: an empty vault password is not accepted") : new Secret(password);
    }

    /// <summary>A password file's text, or an executable's stdout (a <c>*-client</c> script is told the label with <c>--vault-id</c>), stripped as Ansible strips it.</summary>
    private static Secret FromFile(string path, string label, string option)
    {
        var full = Path.GetFullPath(path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]) : path);
        if (!File.Exists(full))
        {
            throw new FleetInputException($"{option}: vault password file not found: {path}");
        }

        string text;
        string what;
        if (IsExecutable(full))
        {
            what = "script";
            text = RunScript(full, label, option, path);
        }
        else
        {
            what = "file";
            try
            {
                text = File.ReadAllText(full, new UTF8Encoding(false));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new FleetInputException($"{option}: vault password file cannot be read: {path}: {FileErrors.Reason(ex)}");
            }
        }

        // As Ansible: a file's password is stripped of whitespace, a script's output of its line ends only.
        var password = what == "file" ? text.Trim() : text.Trim('\r', '\n');
        return password.Length == 0 ? throw new FleetInputException($"{option}: the vault password {what} gives an empty password: {path}") : new Secret(password);
    }

    private static bool IsExecutable(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    private static string RunScript(string path, string label, string option, string shown)
    {
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(path).EndsWith("-client", StringComparison.Ordinal))
        {
            start.ArgumentList.Add("--vault-id");
            start.ArgumentList.Add(label);
        }

        try
        {
            using var process = Process.Start(start) ?? throw new FleetInputException($"{option}: vault password script did not start: {shown}");
            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(ScriptTimeout))
            {
                process.Kill(entireProcessTree: true);
                throw new FleetInputException($"{option}: vault password script did not finish within {ScriptTimeout.TotalSeconds:0} seconds: {shown}");
            }

            return process.ExitCode == 0
                ? output.GetAwaiter().GetResult()
                : throw new FleetInputException($"{option}: vault password script exited with status {process.ExitCode}: {shown}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new FleetInputException($"{option}: vault password script cannot be run: {shown}: {ex.Message} (if it is not a script, remove its executable bit)");
        }
    }
}
