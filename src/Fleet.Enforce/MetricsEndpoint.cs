using System.Net;
using System.Text;
using Microsoft.Extensions.Hosting;

namespace Fleet.Enforce;

/// <summary>
/// Serves <c>GET /metrics</c> (Prometheus text format 0.0.4) and <c>GET /healthz</c> (200, or 503 when the last cycle is older
/// than two intervals) on the configured address, loopback unless told otherwise. A small HttpListener: the service needs
/// two fixed paths, not a web framework.
/// </summary>
internal sealed class MetricsEndpoint(IPEndPoint address, EnforceMetrics metrics, Serilog.ILogger log) : BackgroundService
{
    private HttpListener? _listener;

    /// <summary>The URL prefix served.</summary>
    public string Prefix => $"http://{(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address.Address}]" : address.Address.ToString())}:{address.Port}/";

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Bound before the host reports started, so a taken port stops the service at once instead of a silent endpoint.
        _listener = new HttpListener();
        _listener.Prefixes.Add(Prefix);
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException ex)
        {
            throw new FleetInputException($"--metrics-listen {address}: cannot listen there: {ex.Message}");
        }

        if (!IPAddress.IsLoopback(address.Address))
        {
            log.Warning("metrics endpoint {Prefix} is reachable from other machines: it has no authentication", Prefix);
        }

        log.Information("metrics on {Prefix}metrics, health on {Prefix}healthz", Prefix, Prefix);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = _listener!;
        using var stop = stoppingToken.Register(listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await AnswerAsync(context, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                log.Debug("metrics request ended early: {Reason}", ex.Message);
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        using var response = context.Response;
        var path = context.Request.Url?.AbsolutePath ?? "/";
        const string Text = "text/plain; charset=utf-8";
        (int Status, string Type, string Body) answer;
        if (context.Request.HttpMethod is not ("GET" or "HEAD"))
        {
            answer = (405, Text, "only GET\n");
        }
        else if (path == "/metrics")
        {
            answer = (200, "text/plain; version=0.0.4; charset=utf-8", await metrics.ExportAsync(cancellationToken).ConfigureAwait(false));
        }
        else if (path == "/healthz")
        {
            var (healthy, reason) = metrics.Health();
            answer = (healthy ? 200 : 503, Text, reason + "\n");
        }
        else
        {
            answer = (404, Text, "not found: /metrics and /healthz are served\n");
        }

        var (status, type, body) = answer;
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = type;
        response.ContentLength64 = bytes.Length;
        if (context.Request.HttpMethod != "HEAD")
        {
            await response.OutputStream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
    }

    public override void Dispose()
    {
        (_listener as IDisposable)?.Dispose();
        base.Dispose();
    }
}
