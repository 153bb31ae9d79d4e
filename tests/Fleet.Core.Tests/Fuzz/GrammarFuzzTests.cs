using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace Fleet.Core.Tests.Fuzz;

/// <summary>
/// Grammar-based fuzzing of <c>fleet validate</c> and <c>fleet inventory</c>: seeded random projects (<see cref="ProjectGrammar"/>,
/// Jinja from <see cref="JinjaGrammar"/>) must each meet <see cref="FuzzContract"/>. The default run is bounded for CI; a failure
/// names its seed and case. Environment variables:
/// <list type="bullet">
/// <item><c>FLEET_FUZZ_SEED</c>: the run's seed (default <see cref="DefaultSeed"/>).</item>
/// <item><c>FLEET_FUZZ_CASES</c> and <c>FLEET_FUZZ_SECONDS</c>: how many cases, and the wall-clock cap (defaults 400 and 25);
/// a longer exploration is e.g. <c>FLEET_FUZZ_CASES=100000 FLEET_FUZZ_SECONDS=3600 FLEET_FUZZ_SEED=$RANDOM</c>.</item>
/// <item><c>FLEET_FUZZ_CASE</c>: replays that one case (whatever hazards it holds) and prints its files.</item>
/// <item><c>FLEET_FUZZ_OPEN_DEFECTS</c>: <c>all</c>, or hazard names, to run the cases of <see cref="OpenDefects"/> too.</item>
/// <item><c>FLEET_FUZZ_CLI_CASES</c>: how many cases also run through the built CLI (default 4).</item>
/// <item><c>FLEET_FUZZ_CASE_SECONDS</c>: the CPU time budget of one case (default 5; four times as long on the wall clock is a hang).</item>
/// </list>
/// A crash that ends the test process itself (a stack overflow in process) leaves the case it ran in
/// <c>$TMPDIR/fleet-fuzz-current-case.txt</c>; an open class is best explored first through the CLI, which survives it:
/// <c>FLEET_FUZZ_OPEN_DEFECTS=all FLEET_FUZZ_CLI_CASES=200</c> with a filter on <c>Cli_</c>.
/// </summary>
public sealed class GrammarFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int DefaultSeed = 22_2026;

    /// <summary>
    /// The hazard classes that still break the contract for the default seed, each with the defect and the cases that show it.
    /// Cases holding one are not run by default but counted and named in the output; <c>FLEET_FUZZ_OPEN_DEFECTS=all</c> (or the
    /// names) runs them. Remove a class here once it passes, in process and through the CLI.
    /// </summary>
    public static readonly IReadOnlyDictionary<Hazard, string> OpenDefects = new Dictionary<Hazard, string>
    {
        // None: every class meets the contract (the last ones, SlowRegex, LookupSelfReference, VariableChain, HugeValue,
        // IncludeRecursion and ManyIterations, were closed in issue 22's second round).
    };

    /// <summary>
    /// The open defect class a failure shows, whatever the case was drawn for: plain random input overflows, quotes control
    /// characters and meets filter messages too. Null for a failure of no open class.
    /// </summary>
    private static Hazard? ShownDefect(string problem) => problem switch
    {
        _ when problem.Contains("resulted in an overflow", StringComparison.Ordinal) || problem.Contains("OverflowException", StringComparison.Ordinal) => Hazard.IntegerOverflow,
        _ when problem.Contains("a raw control character", StringComparison.Ordinal) || problem.StartsWith("more than one line", StringComparison.Ordinal) => Hazard.ControlCharacters,
        _ when problem.Contains("Null character in path", StringComparison.Ordinal) => Hazard.ControlCharacters,
        _ when problem.Contains(".NET text", StringComparison.Ordinal) => Hazard.FilterArguments,
        _ => null,
    };

    private static bool Enabled(Hazard hazard) =>
        !OpenDefects.ContainsKey(hazard) || Settings.Words("FLEET_FUZZ_OPEN_DEFECTS") is var words && (words.Contains("all") || words.Contains(hazard.ToString()));

    private static readonly string CurrentCaseFile = Path.Combine(Path.GetTempPath(), "fleet-fuzz-current-case.txt");

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-fuzz-");

    private static int Seed => Settings.Number("FLEET_FUZZ_SEED", DefaultSeed);

    [Fact]
    public void Generator_SameSeedAndCase_SameProject()
    {
        for (var number = 0; number < 50; number++)
        {
            var first = ProjectGrammar.Generate(Seed, number);
            var again = ProjectGrammar.Generate(Seed, number);

            Assert.Equal(first.Files.AllText(), again.Files.AllText());
            Assert.Equal(first.Hazards.Order(), again.Hazards.Order());
        }
    }

    [Fact]
    public void Generator_DefaultRun_ReachesEveryHazardAndTheIssuesShapes()
    {
        var seen = new HashSet<Hazard>();
        var texts = new StringBuilder();
        // The default run's first 400 cases: what CI draws (the in-process run reaches the first of them within its time cap).
        for (var number = 0; number < 400; number++)
        {
            var fuzzCase = ProjectGrammar.Generate(Seed, number);
            seen.UnionWith(fuzzCase.Hazards);
            if (fuzzCase.Hazards.Count > 0)
            {
                texts.Append(fuzzCase.Files.AllText());
            }
        }

        Assert.Empty(Enum.GetValues<Hazard>().Except(seen));
        var all = texts.ToString();
        string[] shapes =
        [
            "{{ rec(n) }}", "{{ pong(n) }}", "{% if true %}{% if true %}", "'x' * 10**10", "9223372036854775807 + 1", "range(-9223372036854775808",
            "lookup('template', 'self.j2')", "{{ c1 }}", "fan1.yml", "1 ** 9223372036854775807", "'x' * 4294967296", "is divisibleby 0", "big.bin", "/proc/self/pagemap", "password_hash('sha512', rounds=999999999)", "{% for a in range(100000) %}{% for b in range(100000) %}",
        ];
        var missing = shapes.Where(shape => !all.Contains(shape, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "never generated: " + string.Join(" | ", missing));
    }

    [Fact]
    public void Validate_GeneratedProjects_MeetTheContract()
    {
        var cases = Settings.Number("FLEET_FUZZ_CASES", 400);
        var budget = TimeSpan.FromSeconds(Settings.Number("FLEET_FUZZ_SECONDS", 25));
        var replay = Settings.Number("FLEET_FUZZ_CASE", -1);
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        var skipped = new Dictionary<Hazard, int>();
        var seen = new Dictionary<Hazard, int>();
        int ran = 0, valid = 0, number = replay >= 0 ? replay : 0;
        for (; number < (replay >= 0 ? replay + 1 : cases) && clock.Elapsed < budget && failures.Count < 50; number++)
        {
            var fuzzCase = ProjectGrammar.Generate(Seed, number);
            var open = fuzzCase.Hazards.Where(h => !Enabled(h)).ToList();
            if (open.Count > 0 && replay < 0)
            {
                open.ForEach(h => skipped[h] = skipped.GetValueOrDefault(h) + 1);
                continue;
            }

            var root = Path.Combine(_dir.FullName, "case" + number);
            fuzzCase.Files.WriteTo(root);
            if (replay >= 0)
            {
                output.WriteLine(fuzzCase.Files.Describe(100_000));
            }

            // Written before the case runs: a crash that kills this process (a stack overflow) leaves the case to replay here.
            File.WriteAllText(CurrentCaseFile, fuzzCase.ToString());
            var outcome = FuzzContract.RunInProcess(fuzzCase, root);
            output.WriteLine($"{fuzzCase}: {outcome.Problem ?? (outcome.Valid ? "valid" : "refused: " + outcome.Said)}");
            ran++;
            valid += outcome.Valid ? 1 : 0;
            if (outcome.Problem is not null && replay < 0 && ShownDefect(outcome.Problem) is { } shown && !Enabled(shown))
            {
                seen[shown] = seen.GetValueOrDefault(shown) + 1;
            }
            else if (outcome.Problem is not null)
            {
                failures.Add($"{fuzzCase}: {outcome.Problem}");
            }

            if (outcome.Hung)
            {
                break;
            }

            Directory.Delete(root, recursive: true);
        }

        output.WriteLine($"seed {Seed}: ran {ran} case(s) in {clock.Elapsed.TotalSeconds:0.0} s, {valid} valid, {number} generated");
        foreach (var (hazard, count) in skipped.OrderBy(s => s.Key))
        {
            output.WriteLine($"not run: {count} case(s) holding {hazard} (open defect: {OpenDefects[hazard]}); FLEET_FUZZ_OPEN_DEFECTS={hazard} runs them");
        }

        foreach (var (hazard, count) in seen.OrderBy(s => s.Key))
        {
            output.WriteLine($"not counted as failures: {count} case(s) showing the open defect {hazard}; FLEET_FUZZ_OPEN_DEFECTS={hazard} fails on them");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // Both outcomes occur, so the run goes past the readers' first error and also meets their errors.
        Assert.True(replay >= 0 || (valid >= ran / 20 && valid < ran), $"{valid} of {ran} cases validated");
    }

    [Fact]
    public async Task Cli_GeneratedProjects_ExitZeroOrOneWithLocatedErrorsOnly()
    {
        var cli = FuzzContract.CliPath();
        Assert.True(cli is not null, "the CLI is not built beside this test build: build Fleet.sln first");
        var wanted = Settings.Number("FLEET_FUZZ_CLI_CASES", 4);
        var failures = new List<string>();
        var ran = 0;
        // Cases far from the in-process run's, hostile and plain, inventory and validate alike.
        for (var number = 1_000_000; ran < wanted && number < 1_000_000 + (wanted * 20); number++)
        {
            var fuzzCase = ProjectGrammar.Generate(Seed, number);
            if (!fuzzCase.Hazards.All(Enabled))
            {
                continue;
            }

            var root = Path.Combine(_dir.FullName, "cli" + number);
            fuzzCase.Files.WriteTo(root);
            var outcome = await FuzzContract.RunCliAsync(fuzzCase, root, cli!);
            output.WriteLine($"{fuzzCase}: {outcome.Problem ?? (outcome.Valid ? "valid" : "refused: " + outcome.Said)}");
            ran++;
            if (outcome.Problem is not null && !(ShownDefect(outcome.Problem) is { } shown && !Enabled(shown)))
            {
                failures.Add($"{fuzzCase}: {outcome.Problem}");
            }
        }

        output.WriteLine($"seed {Seed}: ran {ran} case(s) through {cli}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(wanted, ran);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
