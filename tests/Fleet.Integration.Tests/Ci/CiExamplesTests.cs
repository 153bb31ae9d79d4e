using System.Text.RegularExpressions;
using Fleet.Integration.Tests.Cli;
using YamlDotNet.RepresentationModel;

namespace Fleet.Integration.Tests.Ci;

/// <summary>
/// The CI examples in examples/ci/ are what users copy: each parses as YAML, has the shape its system requires, shards as many
/// ways as it runs jobs, and uses only options fleet has.
/// </summary>
public sealed partial class CiExamplesTests
{
    private static readonly string Examples = Path.Combine(RepositoryRoot(), "examples", "ci");

    [Fact]
    public void GitHubActions_MatrixOfShards_MergeJobPublishesJUnitAndAnnotatesDrift()
    {
        var workflow = Single("github-actions.yml");
        var jobs = Map(workflow, "jobs");

        var check = Map(jobs, "check");
        var shards = Seq(Map(Map(check, "strategy"), "matrix"), "shard").Select(s => int.Parse(Text(s), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var run = Steps(check).Single(s => s.Contains("fleet check", StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, shards.Count), shards);
        Assert.Contains($"--shard ${{{{ matrix.shard }}}}/{shards.Count}", run, StringComparison.Ordinal);
        Assert.Contains("--junit", run, StringComparison.Ordinal);
        Assert.Contains("""if [ "$code" -eq 4 ]; then""", run, StringComparison.Ordinal);
        Assert.Contains("::warning title=drift::", run, StringComparison.Ordinal);
        Assert.Equal("false", Text(Map(check, "strategy").Children[new YamlScalarNode("fail-fast")]));

        var merge = Map(jobs, "merge");
        Assert.Contains("check", Seq(merge, "needs").Select(Text));
        Assert.Equal("always()", Text(merge.Children[new YamlScalarNode("if")]));
        var steps = Seq(merge, "steps").Cast<YamlMappingNode>().ToList();
        Assert.Contains(steps, s => s.Children.TryGetValue(new YamlScalarNode("uses"), out var uses) && Text(uses).StartsWith("mikepenz/action-junit-report@", StringComparison.Ordinal)
            && Text(Map(s, "with").Children[new YamlScalarNode("report_paths")]) == "fleet-junit.xml");
        var mergeRun = Steps(merge).Single(s => s.Contains("fleet report merge", StringComparison.Ordinal));
        Assert.Contains("--junit fleet-junit.xml", mergeRun, StringComparison.Ordinal);
        Assert.Contains("::warning title=drift::", mergeRun, StringComparison.Ordinal);
    }

    [Fact]
    public void GitLabCi_ParallelJobsShardByNodeIndex_DriftIsAWarningAndAMergeJob()
    {
        var pipeline = Single("gitlab-ci.yml");

        var check = Map(pipeline, "fleet-check");
        var script = string.Join("\n", Seq(check, "script").Select(Text));
        Assert.Equal("3", Text(check.Children[new YamlScalarNode("parallel")]));
        Assert.Contains("--shard \"$CI_NODE_INDEX/$CI_NODE_TOTAL\"", script, StringComparison.Ordinal);
        Assert.Contains("4", Seq(Map(check, "allow_failure"), "exit_codes").Select(Text));
        Assert.Equal("reports/junit-*.xml", Text(Map(Map(check, "artifacts"), "reports").Children[new YamlScalarNode("junit")]));

        var report = Map(pipeline, "fleet-report");
        Assert.Equal("always", Text(report.Children[new YamlScalarNode("when")]));
        Assert.Contains("fleet-check", Seq(report, "needs").Cast<YamlMappingNode>().Select(n => Text(n.Children[new YamlScalarNode("job")])));
        Assert.Contains("fleet report merge", string.Join("\n", Seq(report, "script").Select(Text)), StringComparison.Ordinal);
        Assert.Equal(
            Seq(pipeline, "stages").Select(Text).ToHashSet(),
            pipeline.Children.Where(p => p.Value is YamlMappingNode job && job.Children.ContainsKey(new YamlScalarNode("script"))).Select(p => Text(((YamlMappingNode)p.Value).Children[new YamlScalarNode("stage")])).ToHashSet());
    }

    [Fact]
    public void Kubernetes_IndexedJob_ShardsByCompletionIndexWithKeyFromSecretAndKnownHostsFromConfigMap()
    {
        var documents = Documents("kubernetes-job.yml");
        var job = documents.Single(d => Text(d.Children[new YamlScalarNode("kind")]) == "Job");
        CheckJob(job);

        var spec = Map(job, "spec");
        Assert.Equal("Indexed", Text(spec.Children[new YamlScalarNode("completionMode")]));
        var completions = int.Parse(Text(spec.Children[new YamlScalarNode("completions")]), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(completions.ToString(System.Globalization.CultureInfo.InvariantCulture), Text(spec.Children[new YamlScalarNode("parallelism")]));
        var pod = Map(Map(spec, "template"), "spec");
        var container = Seq(pod, "containers").Cast<YamlMappingNode>().Single();

        // JOB_COMPLETION_INDEX counts from 0, --shard from 1, and N is the Job's completions.
        var script = string.Join("\n", Seq(container, "args").Select(Text));
        Assert.Contains("shard=\"$((JOB_COMPLETION_INDEX + 1))\"", script, StringComparison.Ordinal);
        Assert.Contains($"--shard \"$shard/{completions}\"", script, StringComparison.Ordinal);
        Assert.Contains("[ \"$code\" -eq 4 ] && exit 0", script, StringComparison.Ordinal);
        var index = Seq(container, "env").Cast<YamlMappingNode>().Single(e => Text(e.Children[new YamlScalarNode("name")]) == "JOB_COMPLETION_INDEX");
        Assert.Equal("metadata.annotations['batch.kubernetes.io/job-completion-index']", Text(Map(Map(index, "valueFrom"), "fieldRef").Children[new YamlScalarNode("fieldPath")]));

        // The key from a Secret and known_hosts from a ConfigMap that the file defines, mounted where the command reads them.
        var volumes = Seq(pod, "volumes").Cast<YamlMappingNode>().ToDictionary(v => Text(v.Children[new YamlScalarNode("name")]));
        var mounts = Seq(container, "volumeMounts").Cast<YamlMappingNode>().ToDictionary(m => Text(m.Children[new YamlScalarNode("name")]), m => Text(m.Children[new YamlScalarNode("mountPath")]));
        var secret = Map(volumes["ssh-key"], "secret");
        Assert.Equal("0400", Text(secret.Children[new YamlScalarNode("defaultMode")]));
        Assert.Contains(documents, d => Text(d.Children[new YamlScalarNode("kind")]) == "Secret" && Text(Map(d, "metadata").Children[new YamlScalarNode("name")]) == Text(secret.Children[new YamlScalarNode("secretName")]) && Map(d, "stringData").Children.ContainsKey(new YamlScalarNode("id_ed25519")));
        Assert.Contains($"identity_file={mounts["ssh-key"]}/id_ed25519", script, StringComparison.Ordinal);
        var configMap = Map(volumes["known-hosts"], "configMap");
        Assert.Contains(documents, d => Text(d.Children[new YamlScalarNode("kind")]) == "ConfigMap" && Text(Map(d, "metadata").Children[new YamlScalarNode("name")]) == Text(configMap.Children[new YamlScalarNode("name")]) && Map(d, "data").Children.ContainsKey(new YamlScalarNode("known_hosts")));
        Assert.Contains($"--known-hosts {mounts["known-hosts"]}/known_hosts", script, StringComparison.Ordinal);
        Assert.Contains($"\"{mounts["reports"]}/fleet-$shard.json\"", script, StringComparison.Ordinal);

        // The merge Job reads exactly the reports the shards write.
        var merge = Documents("kubernetes-merge-job.yml").Single();
        CheckJob(merge);
        var mergeArgs = Seq(Seq(Map(Map(Map(merge, "spec"), "template"), "spec"), "containers").Cast<YamlMappingNode>().Single(), "args").Select(Text).ToList();
        Assert.Equal(Enumerable.Range(1, completions).Select(i => $"/reports/fleet-{i}.json"), mergeArgs.Where(a => a.StartsWith("/reports/fleet-", StringComparison.Ordinal) && a != "/reports/fleet-junit.xml"));
    }

    [Theory]
    [InlineData("github-actions.yml")]
    [InlineData("gitlab-ci.yml")]
    [InlineData("kubernetes-job.yml")]
    [InlineData("kubernetes-merge-job.yml")]
    public async Task Examples_UseOnlyOptionsFleetHas(string file)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Examples, file));
        var used = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (Match command in FleetCommand().Matches(ContinuedLine().Replace(text, " ")))
        {
            var name = command.Groups[1].Value;
            var options = used.TryGetValue(name, out var set) ? set : used[name] = [];
            options.UnionWith(Option().Matches(command.Value).Select(m => m.Value));
        }

        if (file == "kubernetes-merge-job.yml")
        {
            // A container's args list: the command is "fleet" with ["report", "merge", ...].
            used["report merge"] = Option().Matches(text).Select(m => m.Value).ToHashSet();
        }

        Assert.NotEmpty(used);
        foreach (var (command, options) in used)
        {
            var (exit, help, _) = await FleetProcess.RunAsync([.. command.Split(' '), "--help"]);
            Assert.Equal(0, exit);
            Assert.All(options, o => Assert.Matches($@"(?<![\w-]){Regex.Escape(o)}(?![\w-])", help));
        }
    }

    /// <summary>The fields of a batch/v1 Job this project's manifests may use, by object: a misspelt key fails here, not in the cluster.</summary>
    private static readonly Dictionary<string, string[]> JobSchema = new()
    {
        ["Job"] = ["apiVersion", "kind", "metadata", "spec"],
        ["JobSpec"] = ["completionMode", "completions", "parallelism", "backoffLimit", "backoffLimitPerIndex", "podFailurePolicy", "activeDeadlineSeconds", "ttlSecondsAfterFinished", "template"],
        ["PodFailurePolicyRule"] = ["action", "onExitCodes", "onPodConditions"],
        ["PodFailurePolicyOnExitCodesRequirement"] = ["containerName", "operator", "values"],
        ["PodSpec"] = ["restartPolicy", "containers", "volumes", "securityContext", "serviceAccountName"],
        ["Container"] = ["name", "image", "command", "args", "env", "volumeMounts", "resources"],
        ["EnvVar"] = ["name", "value", "valueFrom"],
        ["EnvVarSource"] = ["fieldRef", "secretKeyRef", "configMapKeyRef"],
        ["VolumeMount"] = ["name", "mountPath", "readOnly", "subPath"],
        ["Volume"] = ["name", "secret", "configMap", "persistentVolumeClaim", "emptyDir"],
    };

    private static void CheckJob(YamlMappingNode job)
    {
        Assert.Equal("batch/v1", Text(job.Children[new YamlScalarNode("apiVersion")]));
        Assert.Equal("Job", Text(job.Children[new YamlScalarNode("kind")]));
        Keys(job, "Job");
        var spec = Map(job, "spec");
        Keys(spec, "JobSpec");
        var pod = Map(Map(spec, "template"), "spec");
        Keys(pod, "PodSpec");

        // Jobs allow only Never or OnFailure, and a podFailurePolicy needs Never.
        var restart = Text(pod.Children[new YamlScalarNode("restartPolicy")]);
        Assert.Contains(restart, new[] { "Never", "OnFailure" });
        if (spec.Children.TryGetValue(new YamlScalarNode("podFailurePolicy"), out var policy))
        {
            Assert.Equal("Never", restart);
            foreach (var rule in Seq((YamlMappingNode)policy, "rules").Cast<YamlMappingNode>())
            {
                Keys(rule, "PodFailurePolicyRule");
                Assert.Contains(Text(rule.Children[new YamlScalarNode("action")]), new[] { "FailJob", "FailIndex", "Ignore", "Count" });
                var codes = Map(rule, "onExitCodes");
                Keys(codes, "PodFailurePolicyOnExitCodesRequirement");
                Assert.Contains(Text(codes.Children[new YamlScalarNode("operator")]), new[] { "In", "NotIn" });
                Assert.DoesNotContain("0", Seq(codes, "values").Select(Text)); // the API refuses 0 with In
            }
        }

        var volumes = pod.Children.ContainsKey(new YamlScalarNode("volumes")) ? Seq(pod, "volumes").Cast<YamlMappingNode>().ToList() : [];
        foreach (var volume in volumes)
        {
            Keys(volume, "Volume");
            Assert.Equal(2, volume.Children.Count); // a name and exactly one source
        }

        foreach (var container in Seq(pod, "containers").Cast<YamlMappingNode>())
        {
            Keys(container, "Container");
            Assert.False(string.IsNullOrEmpty(Text(container.Children[new YamlScalarNode("image")])));
            foreach (var env in container.Children.ContainsKey(new YamlScalarNode("env")) ? Seq(container, "env").Cast<YamlMappingNode>() : [])
            {
                Keys(env, "EnvVar");
                Assert.True(env.Children.ContainsKey(new YamlScalarNode("value")) ^ env.Children.ContainsKey(new YamlScalarNode("valueFrom")), "an env entry has a value or a valueFrom");
                if (env.Children.TryGetValue(new YamlScalarNode("valueFrom"), out var from))
                {
                    Keys((YamlMappingNode)from, "EnvVarSource");
                    Assert.Single(((YamlMappingNode)from).Children);
                }
            }

            foreach (var mount in Seq(container, "volumeMounts").Cast<YamlMappingNode>())
            {
                Keys(mount, "VolumeMount");
                Assert.Contains(Text(mount.Children[new YamlScalarNode("name")]), volumes.Select(v => Text(v.Children[new YamlScalarNode("name")])));
            }
        }
    }

    private static void Keys(YamlMappingNode node, string type) =>
        Assert.All(node.Children.Keys.Select(Text), key => Assert.True(JobSchema[type].Contains(key), $"{type} has no field '{key}'"));

    private static YamlMappingNode Single(string file) => Assert.Single(Documents(file));

    private static List<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Examples, file));
        stream.Load(reader);
        return stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode)).ToList();
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => Assert.IsType<YamlMappingNode>(node.Children[new YamlScalarNode(key)]);

    private static IEnumerable<YamlNode> Seq(YamlMappingNode node, string key) => Assert.IsType<YamlSequenceNode>(node.Children[new YamlScalarNode(key)]).Children;

    private static string Text(YamlNode node) => Assert.IsType<YamlScalarNode>(node).Value ?? "";

    /// <summary>The run scripts of a GitHub Actions job's steps.</summary>
    private static IEnumerable<string> Steps(YamlMappingNode job) =>
        Seq(job, "steps").Cast<YamlMappingNode>().Where(s => s.Children.ContainsKey(new YamlScalarNode("run"))).Select(s => Text(s.Children[new YamlScalarNode("run")]));

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fleet.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Fleet.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A fleet command line in an example: "fleet check …" or "fleet report merge …", up to the end of the line.</summary>
    [GeneratedRegex(@"\bfleet ((?:check|apply|ping|audit|validate)|report merge)\b[^\n]*")]
    private static partial Regex FleetCommand();

    /// <summary>Where a command goes on on the next line: after a backslash, or a folded YAML line that starts with an option.</summary>
    [GeneratedRegex(@"\\\n\s*|\n\s+(?=--|-e )")]
    private static partial Regex ContinuedLine();

    [GeneratedRegex(@"(?<=\s|"")--[a-z][a-z-]+")]
    private static partial Regex Option();
}
