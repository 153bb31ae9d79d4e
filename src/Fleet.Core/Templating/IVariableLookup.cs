namespace Fleet.Core.Templating;

/// <summary>Where templates and conditions find variables.</summary>
public interface IVariableLookup
{
    /// <summary>The variable's value (string, long, double, bool, null, list or map), or false when it is undefined.</summary>
    bool TryGet(string name, out object? value);

    /// <summary>The names of the variables defined, for <c>lookup('varnames')</c>. The default is none known.</summary>
    IEnumerable<string> Names => [];
}
