namespace Fleet.Core.Templating;

/// <summary>A lookup plugin, as <c>with_&lt;name&gt;</c>, <c>lookup('name', terms…)</c> and <c>query</c> call it; <see cref="Lookups"/> lists them.</summary>
internal interface ILookupPlugin
{
    /// <summary>The plugin's short name; <see cref="Collection"/>, a dot and it name it too.</summary>
    string Name { get; }

    /// <summary>The collection the plugin belongs to in Ansible. The default value is <c>ansible.builtin</c>.</summary>
    string Collection => "ansible.builtin";

    /// <summary>The plugin's values for <paramref name="terms"/> (a <c>with_</c> value made a list as Ansible does, or a lookup's arguments).</summary>
    List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context);
}
