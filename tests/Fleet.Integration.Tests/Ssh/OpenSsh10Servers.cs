using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Ssh;

/// <summary>
/// Two real sshd of Debian 13's OpenSSH 10.0 on this machine's loopback (the lab's hosts run Debian 12's 9.2, which offers no
/// ML-KEM), built once by <c>scripts/openssh-build.sh</c> and cached: <see cref="MlKemHost"/> with OpenSSH's default key
/// exchanges (mlkem768x25519-sha256 first), <see cref="SntrupHost"/> with the same less ML-KEM (as OpenSSH 9.0–9.8 offer).
/// Each has its own host key, config and throw-away authorized_keys; root logs in with a key made for this run. Without root
/// (and outside CI) nothing starts and the tests skip, as the lab's do.
/// </summary>
public sealed class OpenSsh10Servers : IAsyncLifetime
{
    /// <summary>The inventory name of the server that offers ML-KEM.</summary>
    public const string MlKemHost = "openssh10-mlkem";

    /// <summary>The inventory name of the server that offers sntrup761 and no ML-KEM.</summary>
    public const string SntrupHost = "openssh10-sntrup";

    private readonly List<(string Name, Process Process, StringBuilder Log)> _servers = [];
    private DirectoryInfo? _dir;
    private Exception? _failure;

    /// <summary>The directory of the built binaries (sshd, ssh, …).</summary>
    public string BinDir { get; private set; } = "";

    /// <summary>An inventory of both servers (user root, this run's key).</summary>
    public string InventoryPath => Ready(Path.Combine(_dir!.FullName, "inventory.yml"));

    /// <summary>known_hosts with both servers' host keys, for <c>--host-key-policy strict</c>.</summary>
    public string KnownHostsPath => Ready(Path.Combine(_dir!.FullName, "known_hosts"));

    /// <summary>The private key authorized for root on both servers.</summary>
    public string IdentityPath => Ready(Path.Combine(_dir!.FullName, "id_ed25519"));

    /// <summary>Each server's loopback port, by inventory name.</summary>
    public Dictionary<string, int> Ports { get; } = [];

    /// <summary>Each server's identification line (SSH-2.0-OpenSSH_…), read from its port.</summary>
    public Dictionary<string, string> Banners { get; } = [];

    private string Ready(string path) => _failure is null && _dir is not null
        ? path
        : throw new InvalidOperationException("the OpenSSH 10 servers did not start: " + (_failure?.Message ?? RootRequirement.SkipReason), _failure);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (RootRequirement.SkipReason is not null)
        {
            return;
        }

        try
        {
            var (exit, stdout, stderr) = await MachineProcess.RunAsync(Path.Combine(Repository.Root, "scripts", "openssh-build.sh"));
            if (exit != 0)
            {
                throw new InvalidOperationException($"scripts/openssh-build.sh failed (exit {exit}): {stderr.Trim()}");
            }

            BinDir = stdout.Trim();
            _dir = Directory.CreateTempSubdirectory("fleet-openssh10-");
            var key = Path.Combine(_dir.FullName, "id_ed25519");
            await MustAsync(Path.Combine(BinDir, "ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C", "fleet-openssh10-test", "-f", key);
            File.Copy(key + ".pub", Path.Combine(_dir.FullName, "authorized_keys"));
            var inventory = new StringBuilder($"all:\n  vars:\n    user: root\n    identity_file: {key}\n  hosts:\n");
            var knownHosts = new StringBuilder();
            foreach (var (name, kex) in new[] { (MlKemHost, ""), (SntrupHost, "KexAlgorithms -mlkem768x25519-sha256\n") })
            {
                var port = await StartAsync(name, kex);
                Ports[name] = port;
                inventory.Append(CultureInfo.InvariantCulture, $"    {name}: {{ address: 127.0.0.1, port: {port} }}\n");
                var hostKey = (await File.ReadAllTextAsync(Path.Combine(_dir.FullName, name, "host_ed25519.pub"))).Split(' ');
                knownHosts.Append(CultureInfo.InvariantCulture, $"[127.0.0.1]:{port} {hostKey[0]} {hostKey[1]}\n");
            }

            await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "inventory.yml"), inventory.ToString());
            await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "known_hosts"), knownHosts.ToString());
        }
        catch (Exception ex)
        {
            _failure = ex;
        }
    }

    /// <summary>Starts one sshd on a free loopback port and waits until it sends its identification line; returns the port.</summary>
    private async Task<int> StartAsync(string name, string extraConfig)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir!.FullName, name)).FullName;
        await MustAsync(Path.Combine(BinDir, "ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", Path.Combine(dir, "host_ed25519"));
        var port = FreeLoopbackPort();
        var config = Path.Combine(dir, "sshd_config");
        // StrictModes no: the authorized_keys lives under /tmp (world-writable), not in root's home.
        await File.WriteAllTextAsync(config, $"""
            ListenAddress 127.0.0.1
            Port {port}
            HostKey {dir}/host_ed25519
            PidFile none
            AuthorizedKeysFile {_dir.FullName}/authorized_keys
            StrictModes no
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            SshdSessionPath {BinDir}/sshd-session
            SshdAuthPath {BinDir}/sshd-auth
            {extraConfig}
            """);
        var log = new StringBuilder();
        var start = new ProcessStartInfo(Path.Combine(BinDir, "sshd"), ["-D", "-e", "-f", config])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start sshd");
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _servers.Add((name, process, log));

        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
                Banners[name] = await reader.ReadLineAsync() ?? "";
                return port;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException ex)
            {
                string text;
                lock (log)
                {
                    text = log.ToString();
                }

                throw new InvalidOperationException($"sshd {name} did not listen on 127.0.0.1:{port}: {ex.Message}\n{text}", ex);
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task MustAsync(string file, params string[] args)
    {
        var (exit, _, stderr) = await MachineProcess.RunAsync(file, args);
        if (exit != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed (exit {exit}): {stderr.Trim()}");
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        // Only the sshd this fixture started, by their process: each listener and the sessions it forked.
        foreach (var (_, process, _) in _servers)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }

            process.Dispose();
        }

        _dir?.Delete(recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>The tests against OpenSSH 10 share its two servers and run one after another.</summary>
[CollectionDefinition("openssh10")]
public sealed class OpenSsh10Collection : ICollectionFixture<OpenSsh10Servers>;
