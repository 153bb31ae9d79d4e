using Fleet.Core.Facts;
using Fleet.Core.Modules;

namespace Fleet.Core.Execution;

/// <summary>
/// Check mode's memory of changes reported but not run: facts whose new value a planner predicted take that value, so later
/// tasks are planned on the state apply would reach; the other facts those changes touch are unknown.
/// </summary>
internal sealed class CheckModePredictor(FactCache facts)
{
    /// <summary>What changes reported but not run would have touched (facts about it are unknown)…</summary>
    private readonly List<Subject> _touches = [];

    /// <summary>…except the facts whose values those changes predicted.</summary>
    private readonly HashSet<Fact> _values = [];

    /// <summary>The changes with named touches, in order, to say which one made a fact unknown.</summary>
    private readonly List<Change> _changes = [];

    /// <summary>The first change that touched anything (no fact can be trusted after it), or null.</summary>
    private Change? _all;

    /// <summary>Records a change that did not run (null touches: any fact).</summary>
    public void Predict(Change change)
    {
        if (change.Touches is null)
        {
            _all ??= change;
            return;
        }

        _values.RemoveWhere(f => facts.IsStaleAfter(f, change.Touches));
        _touches.AddRange(change.Touches);
        _changes.Add(change);
        foreach (var (fact, value) in change.Predicted ?? new Dictionary<Fact, object>())
        {
            facts.Set(fact, value);
            _values.Add(fact);
        }
    }

    /// <summary>Whether an earlier change that did not run would have changed <paramref name="fact"/> in a way not predicted.</summary>
    public bool IsPredicted(Fact fact) => _all is not null || (!_values.Contains(fact) && facts.IsStaleAfter(fact, _touches));

    /// <summary>
    /// The earlier change that made <paramref name="fact"/> unknown, by its first line ("install sudo 1.2", "add user deploy"), for
    /// the report: the last one whose touches cover it, else the first that may touch anything; null when none did.
    /// </summary>
    public string? Cause(Fact fact) =>
        (_changes.LastOrDefault(c => facts.IsStaleAfter(fact, c.Touches!)) ?? _all)?.Changes.FirstOrDefault();
}
