using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Fleet.Lab;

namespace Fleet.Integration.Tests.Lab;

/// <summary>The lab's delaying proxy on loopback (no root, no lab): a round trip costs twice the delay, a stream keeps its order and rate.</summary>
public sealed class DelayProxyTests : IAsyncLifetime
{
    private static readonly TimeSpan OneWay = TimeSpan.FromMilliseconds(200);
    private readonly TcpListener _echo = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task _echoing = Task.CompletedTask;
    private Task _proxying = Task.CompletedTask;
    private int _proxyPort;

    public async Task InitializeAsync()
    {
        _echo.Start();
        _echoing = EchoAsync();
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            _proxyPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var route = new ProxyRoute(new IPEndPoint(IPAddress.Loopback, _proxyPort), (IPEndPoint)_echo.LocalEndpoint);
        _proxying = DelayProxy.RunAsync([route], OneWay, _stop.Token);
        await Task.Yield();
    }

    [Fact]
    public async Task RoundTrip_TakesTwiceTheOneWayDelay()
    {
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        var reply = new byte[4];

        var clock = Stopwatch.StartNew();
        await stream.WriteAsync("ping"u8.ToArray());
        await stream.ReadExactlyAsync(reply);

        Assert.Equal("ping"u8.ToArray(), reply);
        Assert.InRange(clock.Elapsed, 2 * OneWay, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Stream_ArrivesInOrder_FlowingBehindTheDelay_ThenEndOfStream()
    {
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        var data = new byte[4 * 1024 * 1024];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i * 7 + (i >> 12));
        }

        var clock = Stopwatch.StartNew();
        var sending = Task.Run(async () =>
        {
            await stream.WriteAsync(data);
            client.Client.Shutdown(SocketShutdown.Send);
        });
        var received = new MemoryStream();
        await stream.CopyToAsync(received);
        await sending;

        Assert.Equal(data, received.ToArray());
        // At least 64 chunks of at most 64 KiB each way: held one after another they would take over 12 s; stamped ones overlap.
        Assert.InRange(clock.Elapsed, 2 * OneWay, TimeSpan.FromSeconds(6));
    }

    private async Task<TcpClient> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _proxyPort);
        return client;
    }

    /// <summary>Echoes every connection back until its end of stream, then closes it.</summary>
    private async Task EchoAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _echo.AcceptSocketAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using var connection = new NetworkStream(socket, ownsSocket: true);
                await connection.CopyToAsync(connection);
            });
        }
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _proxying;
        await _echoing;
        _echo.Dispose();
        _stop.Dispose();
    }
}
