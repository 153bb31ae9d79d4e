namespace Fleet.Core.Tests.Fuzz;

/// <summary>The random choices of one case (seeded: the same seed and case number draw the same input) and the hazards they produced.</summary>
public sealed class Draw(int seed, int caseNumber)
{
    // One stream per case, so a case replays alone without drawing the cases before it. Not HashCode.Combine: its seed is random
    // per process, so a case named by a failure would not replay in another run.
    private readonly Random _random = new(unchecked((seed * 1_000_003) ^ (caseNumber * 7_919) ^ 0x5eed));

    /// <summary>The hostile kinds of input this case holds.</summary>
    public HashSet<Hazard> Hazards { get; } = [];

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => _random.NextDouble() < p;

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public int Next(int min, int max) => _random.Next(min, max);

    /// <summary>One of the items.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>One of the items.</summary>
    public T Pick<T>(params T[] items) => items[_random.Next(items.Length)];

    /// <summary>True when the case holds an input that cannot work wherever it sits, so <c>validate</c> must refuse it (exit 1).</summary>
    public bool MustFail { get; private set; }

    /// <summary>Records that the case holds <paramref name="hazard"/> in a form validation must refuse, and returns <paramref name="text"/>.</summary>
    public string Refused(Hazard hazard, string text)
    {
        MustFail = true;
        return Mark(hazard, text);
    }

    /// <summary>Records that the case holds <paramref name="hazard"/> and returns <paramref name="text"/>.</summary>
    public string Mark(Hazard hazard, string text)
    {
        Hazards.Add(hazard);
        return text;
    }
}
