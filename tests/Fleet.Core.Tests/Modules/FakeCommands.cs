using Fleet.Core.Execution;

namespace Fleet.Core.Tests.Modules;

/// <summary>
/// A directory of fake commands (apt-get, systemctl, service…) put first on PATH, so a module's real change script runs with
/// /bin/sh and the test reads exactly which arguments each command received, without touching this machine.
/// </summary>
internal sealed class FakeCommands : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-fake-bin-");

    public string Dir => _dir.FullName;

    /// <summary>A fake command: <paramref name="body"/> runs with $FAKE_DIR set to this directory.</summary>
    public void Add(string command, string body)
    {
        var path = Path.Combine(Dir, command);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>A fake command that appends its arguments, one line per call, to <c>calls</c>, and succeeds.</summary>
    public void Record(string command) => Add(command, $"printf '%s\\n' \"{command} $*\" >> \"$FAKE_DIR/calls\"");

    /// <summary>Every recorded call, one per line.</summary>
    public string Calls => File.Exists(Path.Combine(Dir, "calls")) ? File.ReadAllText(Path.Combine(Dir, "calls")) : "";

    /// <summary>A file the fakes wrote.</summary>
    public string Read(string name) => File.ReadAllText(Path.Combine(Dir, name));

    /// <summary>Runs a script with the fakes first on PATH; <c>sleep</c> returns at once.</summary>
    public CommandResult Run(string script)
    {
        var (exit, stdout, stderr) = LocalHost.Sh($"export FAKE_DIR='{Dir}'; PATH='{Dir}':\"$PATH\"; sleep() {{ :; }}\n{script}");
        return new CommandResult(exit, stdout, stderr, TimeSpan.Zero);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
