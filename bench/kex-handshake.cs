#:project ../src/Fleet.Ssh/Fleet.Ssh.csproj
// One SSH handshake at a time (TCP connect, key exchange, ed25519 login, close) through Fleet's SshConnector, per key exchange:
// mean wall and this process's CPU per handshake, after warm-up connects (JIT). Started by bench/kex.sh, which serves the ports:
//   dotnet run bench/kex-handshake.cs -- MLKEM_PORT SNTRUP_PORT KNOWN_HOSTS IDENTITY [COUNT]
using System.Diagnostics;
using System.Globalization;
using Fleet.Ssh;

var mlkemPort = int.Parse(args[0], CultureInfo.InvariantCulture);
var sntrupPort = int.Parse(args[1], CultureInfo.InvariantCulture);
var knownHosts = args[2];
var identity = args[3];
var count = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 50;

foreach (var (label, port, mode) in new[]
{
    ("mlkem768x25519-sha256 (pq)", mlkemPort, KeyExchangeMode.PostQuantum),
    ("sntrup761x25519-sha512 (pq, server without ML-KEM)", sntrupPort, KeyExchangeMode.PostQuantum),
    ("curve25519-sha256 (classic)", mlkemPort, KeyExchangeMode.Classic),
})
{
    var connector = new SshConnector(new SshOptions { KnownHostsPath = knownHosts, HostKeyPolicy = HostKeyPolicy.Strict, KeyExchange = mode, ConnectAttempts = 1 });
    var target = new HostTarget("bench", "127.0.0.1", port, "root", identity);
    string? negotiated = null;
    for (var i = 0; i < 5; i++)
    {
        await using var warm = await connector.ConnectAsync(target, CancellationToken.None);
        negotiated = warm.KeyExchange;
    }

    var walls = new List<double>();
    using var self = Process.GetCurrentProcess();
    self.Refresh();
    var cpu0 = self.TotalProcessorTime;
    for (var i = 0; i < count; i++)
    {
        var clock = Stopwatch.StartNew();
        await using (await connector.ConnectAsync(target, CancellationToken.None))
        {
        }

        walls.Add(clock.Elapsed.TotalMilliseconds);
    }

    self.Refresh();
    var cpu = (self.TotalProcessorTime - cpu0).TotalMilliseconds / count;
    walls.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {label,-52} negotiated {negotiated,-24} wall median {walls[count / 2],5:F1} ms (mean {walls.Average(),5:F1})  client CPU {cpu,5:F1} ms  ({count} handshakes)"));
}
