using Fleet.Core.Execution;
using Polly;
using Renci.SshNet;
using System.Collections.Concurrent;
using System.Net.Sockets;
using Renci.SshNet.Common;

namespace Fleet.Ssh;

/// <summary>Opens one SSH.NET connection per host (through a jump host when the target names one), with the connect pipeline of <see cref="SshPipelines"/>.</summary>
public sealed class SshConnector(SshOptions options) : IConnector
{
    private readonly SshOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private readonly ConcurrentDictionary<string, KnownHostsStore> _knownHosts = new(StringComparer.Ordinal);

    /// <summary>The known_hosts file of <paramref name="target"/>: the run's when the operator named it, else the host's own, else the run's default.</summary>
    private KnownHostsStore KnownHosts(HostTarget target)
    {
        var path = (_options.KnownHostsPathForAll ? null : target.KnownHostsPath) ?? _options.KnownHostsPath
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");
        return _knownHosts.GetOrAdd(path, p => new KnownHostsStore(p));
    }

    /// <summary>The host-key policy of <paramref name="target"/> and where it was written: the run's when the operator named it, else the host's own.</summary>
    private (HostKeyPolicy Policy, string Origin) Policy(HostTarget target) =>
        !_options.HostKeyPolicyForAll && target.HostKeyPolicy is { } own
            ? (own, target.HostKeyPolicyAt is { } at ? $" from {at}" : "")
            : (_options.HostKeyPolicy, "");

    /// <inheritdoc />
    public async Task<IHostConnection> ConnectAsync(HostTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var log = _options.Logger?.ForContext("Host", target.Name);
        SshClient? jump = null;
        ForwardedPortLocal? tunnel = null;
        try
        {
            string address = target.Address;
            var port = target.Port;
            if (target.Jump is { } bastion)
            {
                jump = await OpenAsync(bastion, bastion.Address, bastion.Port, log, cancellationToken).ConfigureAwait(false);
                tunnel = new ForwardedPortLocal("127.0.0.1", 0, target.Address, (uint)target.Port);
                jump.AddForwardedPort(tunnel);
                tunnel.Start();
                address = "127.0.0.1";
                port = (int)tunnel.BoundPort;
            }

            var (client, fingerprint) = await OpenWithFingerprintAsync(target, address, port, log, cancellationToken).ConfigureAwait(false);
            return new SshHostConnection(target, client, fingerprint, jump, tunnel, _options, log);
        }
        catch
        {
            tunnel?.Dispose();
            jump?.Dispose();
            throw;
        }
    }

    private async Task<SshClient> OpenAsync(HostTarget target, string address, int port, Serilog.ILogger? log, CancellationToken cancellationToken) =>
        (await OpenWithFingerprintAsync(target, address, port, log, cancellationToken).ConfigureAwait(false)).Client;

    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/> but verifies the host key as <paramref name="target"/>'s own address and port.</summary>
    private async Task<(SshClient Client, string Fingerprint)> OpenWithFingerprintAsync(HostTarget target, string address, int port, Serilog.ILogger? log, CancellationToken cancellationToken)
    {
        var pipeline = SshPipelines.Connect(_options, message => log?.Warning("connect to {Address}:{Port}: {Message}", target.Address, target.Port, message));
        var attempts = 0;
        try
        {
            return await pipeline.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    log?.Debug("connecting to {User}@{Address}:{Port} (attempt {Attempt})", target.User, target.Address, target.Port, attempts);
                    var info = new ConnectionInfo(address, port, target.User, Authentication(target)) { Timeout = _options.ConnectTimeout };
                    KeyExchangePreference.Apply(info.KeyExchangeAlgorithms, _options.KeyExchange);

                    var client = new SshClient(info) { KeepAliveInterval = _options.KeepAliveInterval };
                    string? fingerprint = null;
                    Exception? refusal = null;
                    client.HostKeyReceived += (_, e) =>
                    {
                        fingerprint = "SHA256:" + e.FingerPrintSHA256;
                        refusal = VerifyHostKey(target, e.HostKeyName, e.HostKey, fingerprint);
                        e.CanTrust = refusal is null;
                    };
                    try
                    {
                        await client.ConnectAsync(token).ConfigureAwait(false);
                    }
                    catch (Exception) when (refusal is not null)
                    {
                        client.Dispose();
                        throw refusal;
                    }
                    catch
                    {
                        client.Dispose();
                        throw;
                    }

                    log?.Debug("connected to {Address}:{Port}, host key {Fingerprint}, key exchange {KeyExchange}", target.Address, target.Port, fingerprint, client.ConnectionInfo.CurrentKeyExchangeAlgorithm);
                    return (client, fingerprint ?? "");
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not HostUnreachableException)
        {
            var reason = SshPipelines.Describe(ex);
            var tries = SshPipelines.IsTransient(ex) ? $" after {attempts} attempt{(attempts == 1 ? "" : "s")}" : "";
            log?.Warning("{Address}:{Port} unreachable: {Reason}", target.Address, target.Port, reason);
            throw new HostUnreachableException($"{reason} ({target.User}@{target.Address}:{target.Port}){tries}", ex);
        }
    }

    private HostKeyRefusedException? VerifyHostKey(HostTarget target, string keyType, byte[] key, string fingerprint)
    {
        var (policy, origin) = Policy(target);
        if (policy == HostKeyPolicy.Off)
        {
            return null;
        }

        var knownHosts = KnownHosts(target);

        // A host whose sshd moved port during the run keeps the key it proved on the old port.
        var keyPort = target.HostKeyPort ?? target.Port;

        var match = knownHosts.Check(target.Address, keyPort, keyType, key, out var line);
        if (match == HostKeyMatch.Unknown && policy == HostKeyPolicy.AcceptNew)
        {
            match = knownHosts.AddIfUnknownAsync(target.Address, keyPort, keyType, key, CancellationToken.None).GetAwaiter().GetResult();
            if (match == HostKeyMatch.Unknown)
            {
                _options.Logger?.ForContext("Host", target.Name).Information("recorded new host key {Fingerprint} in {File}", fingerprint, knownHosts.Path);
                return null;
            }

            _ = knownHosts.Check(target.Address, keyPort, keyType, key, out line);
        }

        return match switch
        {
            HostKeyMatch.Known => null,
            HostKeyMatch.Changed => new HostKeyRefusedException($"host key CHANGED for {KnownHostsStore.HostToken(target.Address, keyPort)}: the server offers {keyType} {fingerprint}, {knownHosts.Path}:{line} records another key; refusing (remove that line if the change is expected)"),
            HostKeyMatch.Revoked => new HostKeyRefusedException($"host key {fingerprint} is revoked in {knownHosts.Path}:{line}"),
            HostKeyMatch.CertificateAuthority => new HostKeyRefusedException($"{KnownHostsStore.HostToken(target.Address, keyPort)} is trusted only through @cert-authority in {knownHosts.Path}:{line}: host certificates are not supported by Fleet; add the host's own key (ssh-keyscan) to known_hosts"),
            _ => new HostKeyRefusedException($"unknown host key {keyType} {fingerprint} for {KnownHostsStore.HostToken(target.Address, keyPort)} (policy strict{origin}; known_hosts {knownHosts.Path})"),
        };
    }

    /// <summary>An identity file, decrypted with its passphrase when it has one; a clear error when the passphrase is missing or wrong.</summary>
    private static PrivateKeyFile OpenIdentity(string path, Secret? passphrase)
    {
        try
        {
            return new PrivateKeyFile(path, passphrase?.Reveal());
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            throw new HostUnreachableException($"identity file {path} is encrypted: name the environment variable holding its passphrase with identity_passphrase_env");
        }
        catch (SshException ex) when (passphrase is not null)
        {
            throw new HostUnreachableException($"identity file {path} could not be decrypted with the passphrase from identity_passphrase_env (wrong passphrase?): {ex.Message}");
        }
    }

    private static AuthenticationMethod[] Authentication(HostTarget target)
    {
        var methods = new List<AuthenticationMethod>();
        var keys = new List<IPrivateKeySource>();
        if (target.IdentityFile is { } identity)
        {
            if (!File.Exists(identity))
            {
                throw new HostUnreachableException($"identity file not found: {identity}");
            }

            keys.Add(OpenIdentity(identity, target.IdentityPassphrase));
        }
        else
        {
            // Keys as operators hold them: the agent's first (SSH_AUTH_SOCK), then the default key files when there is no password.
            if (SshAgent.FromEnvironment() is { } agent)
            {
                try
                {
                    keys.AddRange(agent.KeySources());
                }
                catch (Exception ex) when (ex is IOException or SocketException)
                {
                    // An agent that does not answer is like no agent: ssh itself goes on with the other keys.
                }
            }
        }

        if (target.IdentityFile is null && target.Password is null)
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            foreach (var name in new[] { "id_ed25519", "id_ecdsa", "id_rsa" })
            {
                var file = Path.Combine(home, ".ssh", name);
                if (File.Exists(file))
                {
                    try
                    {
                        keys.Add(new PrivateKeyFile(file));
                    }
                    catch (SshException)
                    {
                        // An encrypted default key cannot be used without its passphrase: skip it like ssh -o BatchMode=yes.
                    }
                }
            }
        }

        if (keys.Count > 0)
        {
            methods.Add(new PrivateKeyAuthenticationMethod(target.User, [.. keys]));
        }

        if (target.Password is { } password)
        {
            methods.Add(new PasswordAuthenticationMethod(target.User, password.Reveal()));
        }

        return methods.Count > 0 ? [.. methods] : throw new HostUnreachableException($"no identity file, default key or password for {target.User}@{target.Address}");
    }
}
