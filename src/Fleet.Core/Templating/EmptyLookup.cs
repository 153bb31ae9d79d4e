namespace Fleet.Core.Templating;

/// <summary>No variables at all.</summary>
internal sealed class EmptyLookup : IVariableLookup
{
    public static readonly EmptyLookup Instance = new();

    public bool TryGet(string name, out object? value)
    {
        value = null;
        return false;
    }
}
