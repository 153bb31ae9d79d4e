namespace Fleet.Ssh;

/// <summary>Which key exchange a connection prefers.</summary>
public enum KeyExchangeMode
{
    /// <summary>
    /// Post-quantum hybrids first: mlkem768x25519 (OpenSSH ≥ 9.9), then sntrup761x25519 (OpenSSH 9.0–9.8), then curve25519 for
    /// older hosts (<see cref="KeyExchangePreference"/>). The default.
    /// </summary>
    PostQuantum,
    /// <summary>
    /// Classic key exchanges only (curve25519 first): handshakes cost about a third of the hybrid's CPU here, at the price of no
    /// protection against a future quantum computer decrypting recorded sessions.
    /// </summary>
    Classic,
}

/// <summary>Options of <see cref="SshConnector"/>, with documented defaults.</summary>
public sealed record SshOptions
{
    /// <summary>
    /// The OpenSSH known_hosts file of a host whose inventory names none (<see cref="HostTarget.KnownHostsPath"/>). The default value
    /// is null, meaning ~/.ssh/known_hosts.
    /// </summary>
    public string? KnownHostsPath { get; init; }

    /// <summary>
    /// How host keys are verified on a host whose inventory names no policy (<see cref="HostTarget.HostKeyPolicy"/>). The default
    /// value is <see cref="Core.HostKeyPolicy.AcceptNew"/>.
    /// </summary>
    public HostKeyPolicy HostKeyPolicy { get; init; } = HostKeyPolicy.AcceptNew;

    /// <summary>
    /// True when the operator named <see cref="KnownHostsPath"/> for the run (<c>--known-hosts</c>): it then wins over every host's
    /// own file. The default value is false.
    /// </summary>
    public bool KnownHostsPathForAll { get; init; }

    /// <summary>
    /// True when the operator named <see cref="HostKeyPolicy"/> for the run (<c>--host-key-policy</c>): it then wins over every
    /// host's own policy. The default value is false.
    /// </summary>
    public bool HostKeyPolicyForAll { get; init; }

    /// <summary>Time allowed for one connection attempt (TCP, handshake, authentication). The default value is 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; init; } = SshPipelines.DefaultConnectTimeout;

    /// <summary>Time a command may run when it sets no timeout of its own. The default value is <see cref="Timeout.InfiniteTimeSpan"/> (no limit, as in Ansible).</summary>
    public TimeSpan CommandTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Interval of SSH keep-alive messages on open connections. The default value is 15 seconds.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Connection attempts in all for transport errors (refused, reset, timeout, handshake). The default value is 4.</summary>
    public int ConnectAttempts { get; init; } = SshPipelines.DefaultConnectAttempts;

    /// <summary>
    /// The most time one host may spend connecting, all attempts and delays included. The default value is 25 seconds: a host
    /// that drops packets is reported unreachable after about 25 s instead of 4 × 10 s.
    /// </summary>
    public TimeSpan ConnectBudget { get; init; } = SshPipelines.DefaultConnectBudget;

    /// <summary>Delay before the first retry; later ones grow exponentially with jitter. The default value is 0.5 seconds.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = SshPipelines.DefaultRetryBaseDelay;

    /// <summary>Key exchange preference. The default value is <see cref="KeyExchangeMode.PostQuantum"/>.</summary>
    public KeyExchangeMode KeyExchange { get; init; } = KeyExchangeMode.PostQuantum;

    /// <summary>Where per-host connection and command events go. The default value is null (no logging).</summary>
    public Serilog.ILogger? Logger { get; init; }

    /// <summary>The clock of retry delays and timeouts (tests inject a fake). The default value is <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
