using System.Net.Sockets;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Renci.SshNet.Common;

namespace Fleet.Ssh;

/// <summary>Every resilience policy of Fleet's SSH layer, built in this one place.</summary>
public static class SshPipelines
{
    /// <summary>Default connection attempts in all. The value is 4.</summary>
    public const int DefaultConnectAttempts = 4;

    /// <summary>Default time for one connection attempt. The value is 10 seconds.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default delay before the first retry. The value is 0.5 seconds.</summary>
    public static readonly TimeSpan DefaultRetryBaseDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>Default time one host may spend connecting, every attempt and delay included: 25 seconds.</summary>
    public static readonly TimeSpan DefaultConnectBudget = TimeSpan.FromSeconds(25);

    /// <summary>
    /// The connect pipeline: each attempt bounded by <see cref="SshOptions.ConnectTimeout"/>; transport errors retried with exponential
    /// backoff and jitter up to <see cref="SshOptions.ConnectAttempts"/> attempts, all of them within <see cref="SshOptions.ConnectBudget"/>
    /// (a host that drops packets would otherwise cost every attempt's full timeout). Authentication failures and refused host
    /// keys are never retried.
    /// </summary>
    public static ResiliencePipeline Connect(SshOptions options, Action<string>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider };
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.ConnectBudget });
        if (options.ConnectAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.ConnectAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                OnRetry = args =>
                {
                    onRetry?.Invoke($"attempt {args.AttemptNumber + 1} failed ({Describe(args.Outcome.Exception)}); retrying in {args.RetryDelay.TotalMilliseconds:0} ms");
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.ConnectTimeout });
        return builder.Build();
    }

    /// <summary>True for transport errors worth another attempt: refused, reset, timed out, handshake failure.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        HostKeyRefusedException => false,
        SshAuthenticationException => false,
        SocketException socket => socket.SocketErrorCode is not (SocketError.HostNotFound or SocketError.NoData),
        SshConnectionException connection => connection.DisconnectReason is not Renci.SshNet.Messages.Transport.DisconnectReason.HostKeyNotVerifiable,
        SshOperationTimeoutException or TimeoutRejectedException or TimeoutException or ProxyException or IOException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsTransient),
        _ => false,
    };

    /// <summary>A short reason for a connection failure, for the report.</summary>
    public static string Describe(Exception? exception) => exception switch
    {
        null => "unknown error",
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.TimedOut } => "connection timed out",
        SocketException { SocketErrorCode: SocketError.HostUnreachable or SocketError.NetworkUnreachable } => "no route to host",
        SocketException { SocketErrorCode: SocketError.ConnectionReset } => "connection reset",
        SocketException { SocketErrorCode: SocketError.Shutdown or SocketError.ConnectionAborted } => "the server closed the connection",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => "host name not found",
        SocketException socket => socket.Message,
        TimeoutRejectedException or SshOperationTimeoutException or TimeoutException => "connection timed out",
        SshAuthenticationException auth => "authentication failed: " + auth.Message,
        HostKeyRefusedException refused => refused.Message,
        // SSH.NET's own sentence for this is "An established connection was aborted by the server".
        SshConnectionException { DisconnectReason: Renci.SshNet.Messages.Transport.DisconnectReason.ConnectionLost } => "the server closed the connection",
        SshConnectionException connection => "SSH handshake failed: " + connection.Message,
        IOException { InnerException: SocketException socket } => Describe(socket),
        ObjectDisposedException => "the connection was closed", // the runtime's text names the disposed SSH.NET type
        _ => exception.Message,
    };
}

/// <summary>The server's host key was refused by the known_hosts policy.</summary>
public sealed class HostKeyRefusedException : Exception
{
    /// <summary>Creates the exception with the reason.</summary>
    public HostKeyRefusedException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public HostKeyRefusedException() { }

    /// <summary>Creates the exception.</summary>
    public HostKeyRefusedException(string message, Exception inner) : base(message, inner) { }
}
