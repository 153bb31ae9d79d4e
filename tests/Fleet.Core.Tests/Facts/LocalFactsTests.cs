using System.Text;
using Fleet.Core.Facts;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Facts;

public sealed class LocalFactsTests
{
    private static string Line(string name, string rc, string output) => $"{name}={rc}={Convert.ToBase64String(Encoding.UTF8.GetBytes(output))}";

    [Fact]
    public void Parse_JsonIniFailedAndNeither_AsAnsiblesLocalFacts()
    {
        var facts = LocalFacts.Parse([
            Line("cpuinfo", "0", "{ \"rdrand\" : true }"),
            Line("site", "-", "[Main]\nName = web\n# note\nPort: 80\n"),
            Line("broken", "3", "{}"),
            Line("junk", "-", "no sections here"),
        ]);

        Assert.Equal(true, ((IReadOnlyDictionary<string, object?>)facts["cpuinfo"]!)["rdrand"]);
        var main = (IReadOnlyDictionary<string, object?>)((IReadOnlyDictionary<string, object?>)facts["site"]!)["Main"]!;
        Assert.Equal(["name=web", "port=80"], main.Select(kv => $"{kv.Key}={kv.Value}"));
        Assert.Equal("Failure executing fact script (/etc/ansible/facts.d/broken.fact), rc: 3, err: ", facts["broken"]);
        Assert.Equal("error loading facts as JSON or ini - please check content: /etc/ansible/facts.d/junk.fact", facts["junk"]);
    }

    [Fact]
    public void Command_RunsExecutablesAndReadsTheRest()
    {
        var dir = Directory.CreateTempSubdirectory("fleet-local-facts-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "run.fact"), "#!/bin/sh\necho '{\"ran\": 1}'\n");
            File.WriteAllText(Path.Combine(dir, "read.fact"), "{\"read\": 2}\n");
            File.WriteAllText(Path.Combine(dir, "other.txt"), "{}\n");
            var output = Sh($"chmod 700 {dir}/run.fact\n" + LocalFacts.Command.Replace(LocalFacts.Directory, dir, StringComparison.Ordinal)).Stdout;

            var facts = LocalFacts.Parse(output.Split('\n').Where(l => l.StartsWith("local=", StringComparison.Ordinal)).Select(l => l[6..]));

            Assert.Equal(["read", "run"], facts.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(1L, ((IReadOnlyDictionary<string, object?>)facts["run"]!)["ran"]);
            Assert.Equal(2L, ((IReadOnlyDictionary<string, object?>)facts["read"]!)["read"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
