namespace Fleet.Core.Templating;

/// <summary>A lookup plugin, as <c>lookup('name', terms…)</c> and <c>query</c> call it; <see cref="Lookups"/> lists them.</summary>
internal interface ILookupPlugin
{
    /// <summary>The plugin's short name; <c>ansible.builtin.</c> followed by it names it too.</summary>
    string Name { get; }

    /// <summary>One value for each term.</summary>
    List<object?> Run(IReadOnlyList<string> terms, IReadOnlyDictionary<string, object?> keywords, IVariableLookup variables);
}
