using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary><c>--shard I/N</c>: a stable partition of hosts by rendezvous hashing of their names.</summary>
public sealed class ShardTests
{
    private static readonly List<string> Hosts = Enumerable.Range(1, 1000).Select(i => $"web-{i:0000}").ToList();

    [Theory]
    [InlineData("1/1", 1, 1)]
    [InlineData("2/3", 2, 3)]
    [InlineData("1000/1000", 1000, 1000)]
    public void Parse_Valid_GivesIndexAndCount(string text, int index, int count) => Assert.Equal(new Shard(index, count), Shard.Parse(text));

    [Theory]
    [InlineData("0/3")]
    [InlineData("4/3")]
    [InlineData("1/0")]
    [InlineData("3")]
    [InlineData("/3")]
    [InlineData("1/")]
    [InlineData("-1/3")]
    [InlineData("1/3/5")]
    [InlineData(" 1/3")]
    [InlineData("a/b")]
    [InlineData("1/1001")]
    public void Parse_Invalid_IsInputErrorNamingTheOption(string text)
    {
        var error = Assert.Throws<FleetInputException>(() => Shard.Parse(text));

        Assert.Contains("--shard must be I/N", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void Shards_PartitionTheHosts_EachHostInExactlyOne(int count)
    {
        var shards = Enumerable.Range(1, count).Select(i => new Shard(i, count).Select(Hosts, h => h)).ToList();

        Assert.Equal(Hosts.Count, shards.Sum(s => s.Count));
        Assert.Equal(Hosts.Order(), shards.SelectMany(s => s).Order());
    }

    [Fact]
    public void Of_IsFixedByTheDocumentedHash_SameOnEveryMachineAndRun()
    {
        // SHA-256 of "NAME\nSHARD", highest first 8 bytes (big-endian) wins: docs/ci.md lets other tools compute the same split.
        Assert.Equal([2, 2, 2, 1, 1, 1, 2, 3, 1], Enumerable.Range(1, 9).Select(i => Shard.Of($"lab-{i:00}", 3)));
        Assert.Equal([4, 1, 3, 1, 3, 4, 2, 2], Enumerable.Range(1, 8).Select(i => Shard.Of($"web-{i}", 4)));
    }

    [Fact]
    public void Of_OneMoreShard_MovesOnlyHostsIntoTheNewShard()
    {
        var moved = Hosts.Where(h => Shard.Of(h, 4) != Shard.Of(h, 5)).ToList();

        // Rendezvous hashing: a host moves only when the new shard outscores its old one, so about 1/5 move, all into shard 5.
        Assert.All(moved, h => Assert.Equal(5, Shard.Of(h, 5)));
        Assert.InRange(moved.Count, 150, 250);
    }

    [Fact]
    public void Shards_OfManyHosts_AreRoughlyEven()
    {
        var sizes = Enumerable.Range(1, 4).Select(i => new Shard(i, 4).Select(Hosts, h => h).Count).ToList();

        Assert.All(sizes, size => Assert.InRange(size, 200, 300));
    }

    [Fact]
    public async Task Run_WithShard_RunsOnlyThatShardsHostsWithinTheLimit()
    {
        var dir = Directory.CreateTempSubdirectory("fleet-shard-test-");
        try
        {
            var names = Enumerable.Range(1, 9).Select(i => $"lab-{i:00}").ToList();
            var inventoryPath = Path.Combine(dir.FullName, "inventory.yml");
            await File.WriteAllTextAsync(inventoryPath, "all:\n  hosts:\n" + string.Concat(names.Select(h => $"    {h}: {{ address: 127.0.0.1 }}\n")));
            var playbookPath = Path.Combine(dir.FullName, "site.yml");
            await File.WriteAllTextAsync(playbookPath, "- hosts: all\n  tasks:\n    - shell: echo \"event ran $FLEET_HOST\"\n");
            var inventory = InventoryLoader.Load(inventoryPath);
            var playbook = PlaybookLoader.Load(playbookPath, ModuleCatalog.Default);
            var connector = new LocalShellConnector();

            var report = await new PlaybookRunner(connector, ModuleCatalog.Default).RunAsync(
                inventory, [playbook], new RunOptions { Shard = new Shard(2, 3), Limit = "all:!lab-07" }, CancellationToken.None);

            // Shard 2 of 3 is lab-01, 02, 03 and 07 (see above); the limit takes lab-07 out.
            Assert.Equal(["lab-01", "lab-02", "lab-03"], report.Hosts.Select(h => h.Name));
            Assert.Equal(["ran lab-01", "ran lab-02", "ran lab-03"], connector.Events.Where(e => e.StartsWith("ran", StringComparison.Ordinal)).Order());
            Assert.Equal(new Shard(2, 3), report.Shard);
            Assert.Equal([playbookPath], report.Playbooks);
            Assert.All(report.Hosts, h => Assert.Equal(HostStatus.Changed, h.Status));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Run_LocalhostPlayWithShards_RunsInOneShardOnly()
    {
        var dir = Directory.CreateTempSubdirectory("fleet-shard-test-");
        try
        {
            var inventoryPath = Path.Combine(dir.FullName, "inventory.yml");
            await File.WriteAllTextAsync(inventoryPath, "all:\n  hosts:\n" + string.Concat(Enumerable.Range(1, 6).Select(i => $"    lab-{i:00}: {{ address: 127.0.0.1 }}\n")));
            var playbookPath = Path.Combine(dir.FullName, "site.yml");
            await File.WriteAllTextAsync(playbookPath, "- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: { msg: once }\n");
            var inventory = InventoryLoader.Load(inventoryPath);
            var playbook = PlaybookLoader.Load(playbookPath, ModuleCatalog.Default);

            async Task<bool> RanLocalhost(RunOptions options) =>
                (await new PlaybookRunner(new LocalShellConnector(), ModuleCatalog.Default).RunAsync(inventory, [playbook], options, CancellationToken.None))
                .Hosts.Any(h => h.Name == "localhost" && h.Tasks.Count == 1);

            // Ansible runs a hosts: localhost play once; the shards of a run together do the same, in the shard "localhost" falls in.
            var shards = new List<int>();
            for (var i = 1; i <= 3; i++)
            {
                if (await RanLocalhost(new RunOptions { Shard = new Shard(i, 3) }))
                {
                    shards.Add(i);
                }
            }

            Assert.Equal([Shard.Of("localhost", 3)], shards);

            // As ansible-playbook's --limit: a limit that does not name localhost leaves its play with no host, in every shard.
            Assert.False(await RanLocalhost(new RunOptions { Shard = new Shard(Shard.Of("localhost", 3), 3), Limit = "lab-01" }));
            Assert.True(await RanLocalhost(new RunOptions { Shard = new Shard(Shard.Of("localhost", 3), 3), Limit = "lab-01:localhost" }));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
