namespace Fleet.Core.Templating;

/// <summary>A Python tuple (what <c>dictsort</c>, <c>zip</c>, <c>splitext</c> return): a list that prints as <c>(a, b)</c>.</summary>
public sealed class TupleValue(IList<object?> items) : System.Collections.ObjectModel.ReadOnlyCollection<object?>(items);
