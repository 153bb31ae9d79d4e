namespace Fleet.Core.Templating;

/// <summary><c>lookup('pipe', command)</c>, known so that it is refused with a reason rather than called unsupported.</summary>
internal sealed class PipeLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "pipe";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<string> terms, IReadOnlyDictionary<string, object?> keywords, IVariableLookup variables) =>
        throw Filters.Error("lookup('pipe') is refused: Fleet does not run commands on the controller while templating (use a command task with register)");
}
