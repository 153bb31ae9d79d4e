namespace Fleet.Core.Execution;

/// <summary>One open session to one host; the engine keeps it for the whole run and sends every command over it.</summary>
public interface IHostConnection : IAsyncDisposable
{
    /// <summary>The host this connection reaches.</summary>
    HostTarget Target { get; }

    /// <summary>The server's host key fingerprint (SHA256:…), as verified at connect.</summary>
    string HostKeyFingerprint { get; }

    /// <summary>The key exchange the transport negotiated (mlkem768x25519-sha256, sntrup761x25519-sha512, curve25519-sha256…), or null when it has none. The default value is null.</summary>
    string? KeyExchange => null;

    /// <summary>False once the transport knows the session is gone (keep-alive failed, server closed it). The default value is true.</summary>
    bool IsOpen => true;

    /// <summary>
    /// Host facts an earlier run read over this same connection (one kept open between runs), still fresh enough to use, or
    /// null. The default value is null.
    /// </summary>
    Facts.SystemInfo? KnownSystem(bool become) => null;

    /// <summary>Offers the host facts this run read to the next run over the same connection. The default keeps nothing.</summary>
    void KeepSystem(bool become, Facts.SystemInfo system)
    {
    }

    /// <summary>Runs a POSIX shell script on the host and returns its exit code and output.</summary>
    /// <remarks>Non-zero exit codes are results, not exceptions; only transport failures throw (<see cref="HostUnreachableException"/>).</remarks>
    Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken);
}

/// <summary>Opens connections; the SSH implementation lives in Fleet.Ssh, tests may substitute a fake.</summary>
public interface IConnector
{
    /// <summary>Connects (with the transport retry policy) or throws <see cref="HostUnreachableException"/>.</summary>
    Task<IHostConnection> ConnectAsync(HostTarget target, CancellationToken cancellationToken);
}

/// <summary>A script to run on a host.</summary>
/// <param name="Script">POSIX sh script text; it is sent as data, never re-parsed by another shell on the controller.</param>
/// <param name="Become">Run it through sudo: as root when the login user is not root, as <see cref="BecomeUser"/> when that is set.</param>
/// <param name="Timeout">How long it may run before it is cancelled, or null for no limit.</param>
public sealed record RemoteCommand(string Script, bool Become = false, TimeSpan? Timeout = null)
{
    /// <summary>The script may hold secrets (<c>no_log</c>): transports never log its text. The default value is false.</summary>
    public bool Sensitive { get; init; }

    /// <summary>The script only reads (a fact batch): it is safe to send again on a new connection. The default value is false.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>The user a <see cref="Become"/> script runs as (<c>sudo -u</c>), or null for root. The default value is null.</summary>
    public string? BecomeUser { get; init; }

    /// <summary>The <c>become_flags</c> words sudo gets instead of Ansible's defaults, or null for the defaults. The default value is null.</summary>
    public IReadOnlyList<string>? BecomeFlags { get; init; }

    /// <summary>The script's first line for logs, or a placeholder when it is <see cref="Sensitive"/>.</summary>
    public string Describe()
    {
        if (Sensitive)
        {
            return "(script hidden: no_log)";
        }

        var line = Script.AsSpan().TrimStart();
        var end = line.IndexOf('\n');
        var first = (end < 0 ? line : line[..end]).ToString();
        return first.Length > 80 ? first[..80] + "…" : first;
    }
}

/// <summary>The host could not be reached or the session broke (refused, timed out, auth failed, host key refused).</summary>
public sealed class HostUnreachableException : Exception
{
    /// <summary>Creates the exception with a user-facing reason.</summary>
    public HostUnreachableException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public HostUnreachableException() { }

    /// <summary>Creates the exception.</summary>
    public HostUnreachableException(string message) : base(message) { }
}

/// <summary>A remote command ran longer than its timeout.</summary>
public sealed class RemoteTimeoutException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RemoteTimeoutException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public RemoteTimeoutException() { }

    /// <summary>Creates the exception.</summary>
    public RemoteTimeoutException(string message, Exception inner) : base(message, inner) { }
}
