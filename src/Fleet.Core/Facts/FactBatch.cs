using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fleet.Core.Facts;

/// <summary>Reads many facts in one round trip: one script, each fact's output framed by a random marker.</summary>
public sealed class FactBatch
{
    private readonly List<Fact> _facts;
    private readonly string _marker;

    /// <summary>Creates a batch of distinct facts.</summary>
    public FactBatch(IEnumerable<Fact> facts)
    {
        _facts = facts.Distinct().ToList();
        _marker = "@@fleet-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
    }

    /// <summary>The facts in this batch.</summary>
    public IReadOnlyList<Fact> Facts => _facts;

    /// <summary>The sh script that prints every fact; each runs in a subshell so one cannot break another.</summary>
    public string Script()
    {
        var script = new StringBuilder();
        for (var i = 0; i < _facts.Count; i++)
        {
            script.Append(CultureInfo.InvariantCulture, $"printf '%s\\n' '{_marker} {i}'\n");
            script.Append("( ").Append(_facts[i].Command).Append("\n) 2>/dev/null\n");
            script.Append(CultureInfo.InvariantCulture, $"printf '\\n%s %s\\n' '{_marker}-end {i}' \"$?\"\n");
        }

        return script.ToString();
    }

    /// <summary>Splits the script's output and parses each fact into the cache.</summary>
    /// <exception cref="FormatException">The output was cut short or a parser rejected its fact's output.</exception>
    public void Parse(string stdout, FactCache cache)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(cache);
        var position = 0;
        for (var i = 0; i < _facts.Count; i++)
        {
            var begin = $"{_marker} {i}\n";
            var end = $"\n{_marker}-end {i} ";
            var start = stdout.IndexOf(begin, position, StringComparison.Ordinal);
            if (start < 0)
            {
                throw new FormatException($"fact output incomplete: {_facts[i]} missing");
            }

            start += begin.Length;
            var stop = stdout.IndexOf(end, start, StringComparison.Ordinal);
            if (stop < 0)
            {
                throw new FormatException($"fact output incomplete: {_facts[i]} not terminated");
            }

            var lineEnd = stdout.IndexOf('\n', stop + end.Length);
            var statusText = stdout[(stop + end.Length)..(lineEnd < 0 ? stdout.Length : lineEnd)];
            var exitCode = int.Parse(statusText, CultureInfo.InvariantCulture);
            cache.Set(_facts[i], _facts[i].ParseOutput(stdout[start..stop], exitCode));
            position = lineEnd < 0 ? stdout.Length : lineEnd;
        }
    }
}
