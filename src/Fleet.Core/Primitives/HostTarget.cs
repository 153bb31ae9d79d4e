namespace Fleet.Core;

/// <summary>Everything needed to open a session to one host, resolved from the inventory.</summary>
/// <param name="Name">Inventory name of the host.</param>
/// <param name="Address">DNS name or IP to connect to (inventory <c>address</c> / <c>ansible_host</c>; defaults to the name).</param>
/// <param name="Port">SSH port. The default value is 22.</param>
/// <param name="User">Login user. The default value is the controller's user.</param>
/// <param name="IdentityFile">Private key file on the controller, or null to try the default keys.</param>
/// <param name="Password">Login password (from <c>password_env</c>), or null.</param>
/// <param name="Become">Run tasks through <c>sudo -n</c> when the user is not root.</param>
/// <param name="BecomePassword">sudo password (from <c>become_password_env</c>), or null.</param>
/// <param name="Jump">A bastion to tunnel through, or null.</param>
/// <param name="IdentityPassphrase">The identity file's passphrase (from <c>identity_passphrase_env</c>), or null.</param>
/// <param name="HostKeyPort">The port under which known_hosts records the host's key (OpenSSH's HostKeyAlias, for a host whose sshd moved port during the run), or null for <paramref name="Port"/>.</param>
public sealed record HostTarget(
    string Name,
    string Address,
    int Port = 22,
    string User = "root",
    string? IdentityFile = null,
    Secret? Password = null,
    bool Become = false,
    Secret? BecomePassword = null,
    HostTarget? Jump = null,
    Secret? IdentityPassphrase = null,
    int? HostKeyPort = null)
{
    /// <summary>Runs on the controller through /bin/sh instead of SSH (<c>ansible_connection: local</c>). The default value is false.</summary>
    public bool Local { get; init; }

    /// <summary>
    /// This host's own host-key policy (inventory <c>host_key_policy</c>, ssh's <c>-o StrictHostKeyChecking</c>), or null for the
    /// run's. The default value is null.
    /// </summary>
    public HostKeyPolicy? HostKeyPolicy { get; init; }

    /// <summary>Where <see cref="HostKeyPolicy"/> was written, named when a key is refused under it. The default value is null.</summary>
    public SourceLocation? HostKeyPolicyAt { get; init; }

    /// <summary>
    /// This host's own known_hosts file (inventory <c>known_hosts</c>, ssh's <c>-o UserKnownHostsFile</c>), or null for the run's.
    /// The default value is null.
    /// </summary>
    public string? KnownHostsPath { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({User}@{Address}:{Port})";
}
