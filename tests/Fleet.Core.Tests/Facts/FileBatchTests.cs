using System.Text;
using Fleet.Core.Facts;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Facts;

/// <summary>
/// Several file facts in one batch are read with one stat, one find and one tar: each must come out exactly as the fact read on
/// its own (its own command, processes per path) says, for every kind of path.
/// </summary>
public sealed class FileBatchTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-filebatch-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Put(string name, byte[]? content = null)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(path, content ?? []);
        return path;
    }

    [Fact]
    public void BatchedFileFacts_SameStateAsEachReadAlone()
    {
        var text = Put("plain.conf", Encoding.UTF8.GetBytes("a = 1\nb = 2\n"));
        var binary = Put("odd name 'with' |pipe| and $dollar", [0, 1, 2, 255, 10, 13, 0]);
        var empty = Put("empty");
        var large = Put("large", new byte[FileFact.MaxContentBytes + 1]);
        Sh($"chmod 640 {Fleet.Core.Remote.Sh.Quote(text)}");
        var link = Path.Combine(_dir.FullName, "link");
        File.CreateSymbolicLink(link, text);
        var dangling = Path.Combine(_dir.FullName, "dangling");
        File.CreateSymbolicLink(dangling, Path.Combine(_dir.FullName, "nowhere"));
        var directory = Directory.CreateDirectory(Path.Combine(_dir.FullName, "sub dir")).FullName;
        var missing = Path.Combine(_dir.FullName, "missing");
        var facts = new[] { text, binary, empty, large, link, dangling, directory, missing }
            .SelectMany(p => new[] { new FileFact(p, WithContent: true), new FileFact(p) })
            .ToList();

        var batched = Gather(facts);

        Assert.All(facts, fact =>
        {
            var alone = Gather([fact]).Get(fact);
            var together = batched.Get(fact);
            Assert.Equal(alone with { Content = null }, together with { Content = null });
            Assert.Equal(alone.Content, together.Content);
        });
        Assert.Equal("a = 1\nb = 2\n", batched.Get(new FileFact(text, WithContent: true)).Text);
        Assert.Equal([0, 1, 2, 255, 10, 13, 0], batched.Get(new FileFact(binary, WithContent: true)).Content);
        Assert.Equal(text, batched.Get(new FileFact(link)).LinkTarget);
        Assert.Null(batched.Get(new FileFact(large, WithContent: true)).Content);
        Assert.False(batched.Get(new FileFact(missing)).Exists);
    }

    [Fact]
    public void BatchedContent_TravelsCompressed()
    {
        var paths = Enumerable.Range(0, 4).Select(i => Put($"conf{i}", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"# setting {i}\nkey = value\n", 2000))))).ToList();
        var facts = paths.Select(p => new FileFact(p, WithContent: true)).ToList();
        var batch = new FactBatch(facts);

        var stdout = Sh(batch.Script()).Stdout;

        // 4 files of 46 KB: about 250 KB in plain base64, a few KB gzipped.
        Assert.True(stdout.Length < 20_000, $"batch output is {stdout.Length} characters");
        var cache = new FactCache();
        batch.Parse(stdout, cache);
        Assert.All(paths, p => Assert.Equal(File.ReadAllBytes(p), cache.Get(new FileFact(p, WithContent: true)).Content));
    }

    [Fact]
    public void BatchedContent_HostWithoutGzip_SameState()
    {
        var text = Put("plain.conf", Encoding.UTF8.GetBytes("a = 1\nb = 2\n"));
        var binary = Put("binary", [0, 1, 2, 255, 10, 13, 0]);
        var missing = Path.Combine(_dir.FullName, "missing");
        var facts = new[] { text, binary, missing }.Select(p => new FileFact(p, WithContent: true)).ToList();
        // A PATH with the tools the batch uses, but no gzip.
        var bin = Directory.CreateDirectory(Path.Combine(_dir.FullName, "bin")).FullName;
        foreach (var tool in new[] { "stat", "readlink", "find", "tar", "base64", "cat" })
        {
            File.CreateSymbolicLink(Path.Combine(bin, tool), Sh($"command -v {tool}").Stdout.Trim());
        }

        var batch = new FactBatch(facts);
        var cache = new FactCache();
        batch.Parse(Sh($"PATH={Fleet.Core.Remote.Sh.Quote(bin)}\n" + batch.Script()).Stdout, cache);

        Assert.Equal("a = 1\nb = 2\n", cache.Get(facts[0]).Text);
        Assert.Equal([0, 1, 2, 255, 10, 13, 0], cache.Get(facts[1]).Content);
        Assert.False(cache.Get(facts[2]).Exists);
    }
}
