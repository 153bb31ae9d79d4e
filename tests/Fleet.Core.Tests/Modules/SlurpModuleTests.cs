using Fleet.Core.Modules;
using Fleet.Core.Modules.Slurp;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>slurp: a file's bytes in base64 read with the machine's own sh, and Ansible's messages when there are none.</summary>
public sealed class SlurpModuleTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Slurp_File_ReturnsBase64ContentSourceAndEncoding()
    {
        var path = _files.Write("fips_enabled", "0\n");

        var data = Assert.IsType<NoChange>(Apply(new SlurpModule(), Args(("src", path)))).Data;

        Assert.Equal("MAo=", data["content"]);
        Assert.Equal(path, data["source"]);
        Assert.Equal("base64", data["encoding"]);
    }

    [Fact]
    public void Slurp_ThroughALinkAndEmptyFile_ReadsTheTargetsBytes()
    {
        var target = _files.Write("empty", "");
        var link = Path.Combine(_files.Dir, "link");
        File.CreateSymbolicLink(link, target);

        var data = Assert.IsType<NoChange>(Apply(new SlurpModule(), Args(("src", link)))).Data;

        Assert.Equal("", data["content"]);
    }

    [Fact]
    public void Slurp_MissingFileOrDirectory_FailsWithAnsiblesMessage()
    {
        var missing = Path.Combine(_files.Dir, "system-fips");

        Assert.Equal($"file not found: {missing}", Assert.IsType<PlanFailure>(Apply(new SlurpModule(), Args(("src", missing)))).Message);
        Assert.Equal($"source is a directory and must be a file: {_files.Dir}", Assert.IsType<PlanFailure>(Apply(new SlurpModule(), Args(("src", _files.Dir)))).Message);
    }

    [Fact]
    public void Fact_QuotesThePath()
    {
        Assert.Contains("'/tmp/a b; rm -rf /'", new SlurpFact("/tmp/a b; rm -rf /").Command, StringComparison.Ordinal);
    }
}
