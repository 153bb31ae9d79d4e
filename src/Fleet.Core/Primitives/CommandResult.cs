namespace Fleet.Core;

/// <summary>What a remote script returned.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr, TimeSpan Duration)
{
    /// <summary>True when the script exited with status 0.</summary>
    public bool Succeeded => ExitCode == 0;
}
