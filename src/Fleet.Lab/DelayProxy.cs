using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Fleet.Lab;

/// <summary>One forwarded port of the <see cref="DelayProxy"/>: connections to <paramref name="Listen"/> reach <paramref name="Target"/>.</summary>
/// <param name="Listen">Where the proxy accepts connections.</param>
/// <param name="Target">Where it forwards them (a lab host's sshd).</param>
public sealed record ProxyRoute(IPEndPoint Listen, IPEndPoint Target)
{
    /// <summary>Reads <c>LISTEN_ADDRESS:PORT=TARGET_ADDRESS:PORT</c>, as <c>fleet lab rtt-proxy --route</c> takes it.</summary>
    public static ProxyRoute Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('=');
        return parts.Length == 2 && IPEndPoint.TryParse(parts[0], out var listen) && IPEndPoint.TryParse(parts[1], out var target)
            ? new ProxyRoute(listen, target)
            : throw new LabException($"a route is LISTEN_ADDRESS:PORT=TARGET_ADDRESS:PORT, not '{text}'");
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Listen}={Target}");
}

/// <summary>
/// A TCP forwarder that holds every chunk for a fixed time in each direction, so a connection through it sees a round trip of twice
/// that time: WAN latency for lab hosts on a kernel without <c>netem</c>. Each chunk is stamped when it arrives and written when its
/// time has come, in order, so a stream of chunks flows at full rate behind the delay instead of stopping for it chunk by chunk.
/// </summary>
public static class DelayProxy
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>Forwards every route until <paramref name="cancellationToken"/> is cancelled.</summary>
    public static async Task RunAsync(IReadOnlyList<ProxyRoute> routes, TimeSpan oneWayDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var listeners = new List<(TcpListener Listener, IPEndPoint Target)>();
        try
        {
            foreach (var route in routes)
            {
                var listener = new TcpListener(route.Listen);
                listener.Start(512);
                listeners.Add((listener, route.Target));
            }

            await Task.WhenAll(listeners.Select(l => AcceptAsync(l.Listener, l.Target, oneWayDelay, cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            foreach (var (listener, _) in listeners)
            {
                listener.Dispose();
            }
        }
    }

    private static async Task AcceptAsync(TcpListener listener, IPEndPoint target, TimeSpan delay, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = ForwardAsync(client, target, delay, cancellationToken);
        }
    }

    /// <summary>Connects to the target and pumps both directions until both ended, or either broke (then both are closed).</summary>
    private static async Task ForwardAsync(Socket client, IPEndPoint target, TimeSpan delay, CancellationToken cancellationToken)
    {
        using var clientSocket = client;
        using var server = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        using var broken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await server.ConnectAsync(target, broken.Token).ConfigureAwait(false);
            await Task.WhenAll(PumpAsync(client, server, delay, broken), PumpAsync(server, client, delay, broken)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // A reset or a refused connect: closing both sockets (the usings) passes it on.
        }
    }

    /// <summary>One direction: a reader stamps chunks with their due time, a writer sends each when it is due.</summary>
    private static async Task PumpAsync(Socket from, Socket to, TimeSpan delay, CancellationTokenSource broken)
    {
        // Bounded: a slow receiver holds the sender back through TCP, as a real link would.
        var queue = Channel.CreateBounded<(long Due, byte[]? Data)>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
        var delayTicks = (long)(delay.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(UntilBrokenAsync(ReadAsync), UntilBrokenAsync(WriteAsync)).ConfigureAwait(false);

        // Either half failing ends the whole connection at once: the other half may be waiting on a peer that sends nothing.
        async Task UntilBrokenAsync(Func<Task> half)
        {
            try
            {
                await half().ConfigureAwait(false);
            }
            catch
            {
                await broken.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

        async Task ReadAsync()
        {
            while (true)
            {
                var buffer = new byte[ChunkSize];
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, broken.Token).ConfigureAwait(false);
                var due = Stopwatch.GetTimestamp() + delayTicks;
                await queue.Writer.WriteAsync((due, read == 0 ? null : buffer[..read]), broken.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    queue.Writer.Complete();
                    return;
                }
            }
        }

        async Task WriteAsync()
        {
            await foreach (var (due, data) in queue.Reader.ReadAllAsync(broken.Token).ConfigureAwait(false))
            {
                // Never early: a timer may fire a little before the stopwatch says the time is up (seen: 399.95 ms for 400).
                for (var wait = due - Stopwatch.GetTimestamp(); wait > 0; wait = due - Stopwatch.GetTimestamp())
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait * 1000.0 / Stopwatch.Frequency)), broken.Token).ConfigureAwait(false);
                }

                if (data is null)
                {
                    // The sender closed its side: pass the end of stream on, the other direction may still carry data.
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                for (var sent = 0; sent < data.Length;)
                {
                    sent += await to.SendAsync(data.AsMemory(sent), SocketFlags.None, broken.Token).ConfigureAwait(false);
                }
            }
        }
    }
}
