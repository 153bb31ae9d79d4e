using System.Net;
using System.Net.Sockets;
using Fleet.Enforce;

namespace Fleet.Core.Tests.Enforce;

/// <summary>The HTTP side of the metrics: /metrics, /healthz's 503 when stale, 404 elsewhere, 405 for other methods.</summary>
public sealed class MetricsEndpointTests
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task Endpoint_ServesMetricsAndHealth_OnLoopback()
    {
        try
        {
            await ServesMetricsAndHealthAsync();
        }
        catch (HttpRequestException)
        {
            // HttpListener cannot take port 0: the free port picked can be taken by another process before it listens. A second
            // port, picked afresh; a real fault fails both.
            await ServesMetricsAndHealthAsync();
        }
    }

    private static async Task ServesMetricsAndHealthAsync()
    {
        var t0 = DateTimeOffset.UtcNow;
        var clock = new Clock(t0);
        var metrics = new EnforceMetrics(TimeSpan.FromSeconds(5), clock);
        var address = new IPEndPoint(IPAddress.Loopback, FreePort());
        using var endpoint = new MetricsEndpoint(address, metrics, Serilog.Core.Logger.None);
        await endpoint.StartAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{address}/"), Timeout = TimeSpan.FromSeconds(10) };

        // One connection per request: a POST is not retried on a kept-alive connection the listener closed meanwhile (under
        // load it failed with "response ended prematurely"), and the endpoint's answers are what this test is about.
        http.DefaultRequestHeaders.ConnectionClose = true;
        try
        {
            var fresh = await http.GetAsync("healthz");
            clock.Now = t0.AddSeconds(11);
            var stale = await http.GetAsync("healthz");
            var scrape = await http.GetAsync("metrics");
            var missing = await http.GetAsync("nothing");
            var post = await http.PostAsync("metrics", new StringContent(""));

            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, stale.StatusCode);
            Assert.StartsWith("stale: no cycle ended yet", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", scrape.Content.Headers.ContentType!.ToString());
            Assert.Contains("fleet_hosts{status=\"ok\"} 0", await scrape.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        }
        finally
        {
            await endpoint.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Endpoint_PortTaken_IsInvalidInput()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var address = (IPEndPoint)taken.LocalEndpoint;
        using var endpoint = new MetricsEndpoint(address, new EnforceMetrics(TimeSpan.FromSeconds(5)), Serilog.Core.Logger.None);

        var ex = await Assert.ThrowsAsync<FleetInputException>(() => endpoint.StartAsync(CancellationToken.None));

        Assert.StartsWith($"--metrics-listen {address}: cannot listen there", ex.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
