using System.Numerics;
using System.Text.Json;
using Fleet.Core.Templating;
using Fleet.Lab;

namespace Fleet.Integration.Tests.Templating;

/// <summary>
/// Integer arithmetic against python3-jinja2 (issue 22), both sides of Fleet's decision: integers are 64-bit, so where Jinja's
/// result fits Fleet gives the same digits, and where Jinja gives a Python big integer Fleet refuses with a located error in its
/// own words (big integers would reach every filter, comparison and serializer; no role needs one). Every intermediate result
/// counts: <c>4611686018427387904 * 2 - 1</c> is refused though Jinja's result fits, and the literal <c>9223372036854775808</c>
/// cannot be written, even negated.
/// </summary>
public sealed class IntegerArithmeticDifferentialTests
{
    private static readonly string[] Expressions =
    [
        "9223372036854775806 + 1", "-9223372036854775807 - 1", "4611686018427387903 * 2 + 1", "3 ** 39", "2 ** 62", "-7 // 2", "-7 % 3", "7 % -3",
        "(-9223372036854775807) // -1", "(-9223372036854775807 - 1) % -1", "1 ** 9223372036854775807", "(-1) ** 9223372036854775807", "'9223372036854775807' | int",
        "9223372036854775807 + 1", "-9223372036854775808 - 1", "9223372036854775807 * 2", "2 ** 64", "2 ** 63", "3 ** 40", "(-9223372036854775808) // -1",
        "-(-9223372036854775808)", "(-9223372036854775808) | abs", "10 ** 19", "99999999999999999999",
    ];

    private static readonly SourceLocation At = new("pb.yml", 7, 9);

    [LabFact]
    public async Task Arithmetic_LikeJinjaWithin64Bits_LocatedErrorPastThem()
    {
        await MachinePackages.EnsureAsync(MachinePackages.Oracles, Environment.UserName == "root", _ => { }, CancellationToken.None);
        const string Oracle = "import json, sys, jinja2\nenv = jinja2.Environment()\nprint(json.dumps([str(env.from_string('{{ ' + e + ' }}').render()) for e in json.loads(sys.argv[1])]))\n";
        var (exit, stdout, stderr) = await MachineProcess.RunAsync("/usr/bin/python3", "-c", Oracle, JsonSerializer.Serialize(Expressions));
        Assert.True(exit == 0, $"python3-jinja2 failed: {stderr}");
        var jinja = JsonSerializer.Deserialize<string[]>(stdout)!;

        var differences = new List<string>();
        var refused = 0;
        foreach (var (expression, expected) in Expressions.Zip(jinja))
        {
            var fits = BigInteger.TryParse(expected, out var value) && value >= long.MinValue && value <= long.MaxValue;
            try
            {
                var fleet = Template.RenderString("{{ " + expression + " }}", VariableScope.Of(), At);
                if (!fits || fleet != expected)
                {
                    differences.Add($"{expression}: Jinja {expected}, Fleet {fleet}");
                }
            }
            catch (FleetInputException ex)
            {
                refused++;
                var error = Assert.Single(ex.Errors);
                if (fits || error.Location != At || !error.Message.Contains("64-bit integer", StringComparison.Ordinal) || error.Message.Contains("Exception", StringComparison.Ordinal))
                {
                    differences.Add($"{expression}: Jinja {expected}, Fleet refuses: {error}");
                }
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));
        Assert.True(refused >= 10, $"only {refused} expressions past 64 bits were tried");
    }
}
