using Fleet.Tests;
using YamlDotNet.RepresentationModel;

namespace Fleet.Integration.Tests.Ci;

/// <summary>
/// The release workflow cannot run here, so its shape is checked: a v* tag builds both runtime identifiers through
/// scripts/release.sh (arm64 with the aarch64 cross toolchain), and the release gets exactly the files that script makes.
/// </summary>
public sealed class ReleaseWorkflowTests
{
    private static readonly string Root = Repository.Root;

    [Fact]
    public void ReleaseWorkflow_OnVTags_BuildsBothRidsWithReleaseScript_AndPublishesItsFiles()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Root, ".github", "workflows", "release.yml")))
        {
            stream.Load(reader);
        }

        var workflow = Assert.IsType<YamlMappingNode>(Assert.Single(stream.Documents).RootNode);
        Assert.Equal(["v*"], Seq(Map(Map(workflow, "on"), "push"), "tags").Select(Text));

        var build = Map(Map(workflow, "jobs"), "build");
        Assert.Equal(["linux-x64", "linux-arm64"], Seq(Map(Map(build, "strategy"), "matrix"), "rid").Select(Text));
        var runs = Runs(build);
        Assert.Contains(runs, r => r.Contains("scripts/release.sh \"${{ matrix.rid }}\"", StringComparison.Ordinal) && r.Contains("VERSION=\"${GITHUB_REF_NAME#v}\"", StringComparison.Ordinal));
        var toolchain = Assert.Single(runs, r => r.Contains("apt-get install", StringComparison.Ordinal));
        Assert.Contains("clang", toolchain, StringComparison.Ordinal);
        Assert.Contains("gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu", toolchain, StringComparison.Ordinal);

        // What the publish job attaches is what release.sh writes.
        var publish = Map(Map(workflow, "jobs"), "publish");
        Assert.Equal("build", Text(publish.Children[new YamlScalarNode("needs")]));
        var release = Assert.Single(Runs(publish));
        var script = File.ReadAllText(Path.Combine(Root, "scripts", "release.sh"));
        Assert.Contains("\"$out/fleet-$rid.tar.gz\"", script, StringComparison.Ordinal);
        Assert.Contains("\"$out/Fleet.Cli.$version.nupkg\"", script, StringComparison.Ordinal);
        foreach (var file in new[] { "release/fleet-linux-x64.tar.gz", "release/fleet-linux-arm64.tar.gz", "release/Fleet.Cli.*.nupkg" })
        {
            Assert.Contains(file, release, StringComparison.Ordinal);
        }
    }

    private static IReadOnlyList<string> Runs(YamlMappingNode job) =>
        Seq(job, "steps").Cast<YamlMappingNode>().Where(s => s.Children.ContainsKey(new YamlScalarNode("run"))).Select(s => Text(s.Children[new YamlScalarNode("run")])).ToList();

    private static YamlMappingNode Map(YamlMappingNode node, string key) => Assert.IsType<YamlMappingNode>(node.Children[new YamlScalarNode(key)]);

    private static IEnumerable<YamlNode> Seq(YamlMappingNode node, string key) => Assert.IsType<YamlSequenceNode>(node.Children[new YamlScalarNode(key)]).Children;

    private static string Text(YamlNode node) => Assert.IsType<YamlScalarNode>(node).Value ?? "";
}
