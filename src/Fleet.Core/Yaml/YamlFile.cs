using System.Globalization;
using Fleet.Core.Templating;
using Fleet.Core.Vault;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Yaml;

/// <summary>Reads YAML files keeping every node's file:line:column, and converts nodes with YAML 1.1 scalar rules (Ansible's).</summary>
public static partial class YamlFile
{
    /// <summary>Deepest nesting of collections accepted; real files stay under 20, and the node reader recurses once per level.</summary>
    public const int MaxDepth = 200;

    /// <summary>Most nodes that aliases may add by expansion in one file (a "billion laughs" file adds billions).</summary>
    public const long MaxAliasNodes = 1_000_000;

    /// <summary>
    /// Loads the one document of a file (see <see cref="InputFile"/> for what is refused before reading); a syntax error, or input
    /// Fleet refuses (see <see cref="Guard"/>), is a <see cref="FleetInputException"/> at its position. Null for an empty file.
    /// </summary>
    public static YamlNode? Load(string path, string what = "file", SourceLocation? namedAt = null) => Parse(path, InputFile.ReadText(path, what, namedAt));

    /// <summary>Parses YAML text read from <paramref name="path"/>, as <see cref="Load"/>.</summary>
    public static YamlNode? Parse(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vault = VaultKeyring.Current;
        var vaultedFile = VaultText.IsVaulted(text);
        if (vaultedFile)
        {
            text = vault.Decrypt(text, new SourceLocation(path, 1, 1), "this file");
        }

        try
        {
            Guard(path, text);
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0)
            {
                return null;
            }

            var root = stream.Documents[0].RootNode;
            Unvault(path, root, vault, vaultedFile, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance));
            MergeKeys(path, root, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance));
            return root;
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException?.Message ?? ex.Message;
            var location = new SourceLocation(path, (int)ex.Start.Line, (int)ex.Start.Column);
            if (message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstTabIndent(text) is var (line, column))
            {
                location = new SourceLocation(path, line, column); // YamlDotNet points at the enclosing mapping, not the tab
            }

            throw new FleetInputException(location, "YAML syntax error: " + message);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's parser fails this way (without a position) on some malformed flow collections, like an unclosed [.
            throw new FleetInputException(UnclosedFlowCollection(path, text), "YAML syntax error: a [ … ] or { … } that starts here is not closed where it should be");
        }
    }

    /// <summary>
    /// Replaces each <c>!vault</c> value by its plaintext (a string, as Ansible reads it: quoted, never a number) and marks it secret;
    /// in a file that was vaulted as a whole, every value is secret.
    /// </summary>
    private static void Unvault(string path, YamlNode node, VaultKeyring vault, bool allSecret, HashSet<YamlNode> done)
    {
        if (!done.Add(node))
        {
            return;
        }

        switch (node)
        {
            case YamlScalarNode scalar when !scalar.Tag.IsEmpty && scalar.Tag.Value == VaultTag:
                scalar.Value = vault.Decrypt(scalar.Value ?? "", At(path, scalar), "this !vault value");
                scalar.Style = ScalarStyle.DoubleQuoted;
                scalar.Tag = TagName.Empty;
                vault.Secrets.Add(scalar.Value);
                break;
            case YamlScalarNode scalar when allSecret:
                vault.Secrets.Add(scalar.Value);
                break;
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    Unvault(path, child, vault, allSecret, done);
                }

                break;
            case YamlMappingNode mapping:
                foreach (var child in mapping.Children.Values)
                {
                    Unvault(path, child, vault, allSecret, done);
                }

                break;
        }
    }

    /// <summary>
    /// YAML's merge keys as Ansible reads them: <c>&lt;&lt;: *anchor</c> (or a list of anchors) adds the anchored mapping's keys that the
    /// mapping does not set itself; the first mapping of a list wins. Shared (aliased) nodes are resolved once.
    /// </summary>
    private static void MergeKeys(string path, YamlNode node, HashSet<YamlNode> done)
    {
        if (!done.Add(node))
        {
            return;
        }

        switch (node)
        {
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    MergeKeys(path, child, done);
                }

                break;
            case YamlMappingNode mapping:
                foreach (var child in mapping.Children.Values)
                {
                    MergeKeys(path, child, done);
                }

                var merge = mapping.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: "<<" } key && IsPlain(key));
                if (merge is null)
                {
                    break;
                }

                var source = mapping.Children[merge];
                mapping.Children.Remove(merge);
                foreach (var from in source is YamlSequenceNode list ? list.Children : [source])
                {
                    if (from is not YamlMappingNode fromMap)
                    {
                        throw new FleetInputException(At(path, from), "a merge key (<<) takes a mapping or a list of mappings, like <<: *defaults");
                    }

                    foreach (var (key, value) in fromMap.Children)
                    {
                        if (!mapping.Children.ContainsKey(key))
                        {
                            mapping.Children.Add(key, value);
                        }
                    }
                }

                break;
        }
    }

    /// <summary>
    /// A file of variables (group_vars, host_vars, vars_files): its top-level mapping, or null when the file is empty. A syntax
    /// error, or a top level that is not a mapping (named <paramref name="what"/> in the message), is added to <paramref name="errors"/>.
    /// </summary>
    public static YamlMappingNode? LoadVariables(string file, string what, List<InputError> errors, SourceLocation? namedAt = null, string? shown = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        try
        {
            switch (Parse(file, InputFile.ReadText(file, what, namedAt ?? new SourceLocation(file, 1, 1), shown)))
            {
                case null or YamlScalarNode { Value: null or "" }:
                    return null;
                case YamlMappingNode mapping:
                    return mapping;
                case var other:
                    errors.Add(new InputError(At(file, other), $"{what} must be a mapping of variables"));
                    return null;
            }
        }
        catch (FleetInputException ex)
        {
            errors.AddRange(ex.Errors);
            return null;
        }
    }

    /// <summary>Where a node starts.</summary>
    public static SourceLocation At(string path, YamlNode node) => new(path, (int)node.Start.Line, (int)node.Start.Column);

    /// <summary>True for a plain (unquoted, non-block) scalar, whose text YAML 1.1 may read as a number, boolean or null.</summary>
    public static bool IsPlain(YamlScalarNode node) => node.Style is ScalarStyle.Plain or ScalarStyle.Any;

    /// <summary>
    /// A node as a plain value: string, long, double, bool, null, list or map. Plain scalars follow YAML 1.1
    /// (yes/no/on/off are booleans); numbers with a leading zero (modes like 0644) stay text.
    /// </summary>
    public static object? ToValue(YamlNode node) => node switch
    {
        YamlScalarNode scalar => IsPlain(scalar) ? Scalar(scalar.Value) : scalar.Value ?? "",
        YamlSequenceNode sequence => sequence.Children.Select(ToValue).ToList(),
        YamlMappingNode mapping => mapping.Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value ?? "", e => ToValue(e.Value), StringComparer.Ordinal),
        _ => null,
    };

    /// <summary>YAML 1.1 reading of a plain scalar.</summary>
    public static object? Scalar(string? text)
    {
        if (text is null or "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text.Length <= 5 && Values.ToBool(text) is { } flag && text is not ("1" or "0" or "y" or "n" or "Y" or "N"))
        {
            return flag;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && !(text.Length > 1 && text.TrimStart('-', '+')[0] == '0'))
        {
            return number;
        }

        if (text.Contains('.', StringComparison.Ordinal) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && char.IsDigit(text[^1]))
        {
            return real;
        }

        return text;
    }

    /// <summary>A node as a module argument with locations.</summary>
    public static ArgValue ToArg(string path, YamlNode node) => node switch
    {
        YamlScalarNode scalar => new ScalarArg(scalar.Value, !IsPlain(scalar), At(path, node)),
        YamlSequenceNode sequence => new ListArg(sequence.Children.Select(c => ToArg(path, c)).ToList(), At(path, node)),
        YamlMappingNode mapping => new MapArg(mapping.Children.Select(e => new KeyValuePair<string, ArgValue>(KeyText(e.Key), ToArg(path, e.Value))).ToList(), At(path, node)),
        _ => new ScalarArg(null, false, At(path, node)),
    };

    /// <summary>The text of a mapping key.</summary>
    public static string KeyText(YamlNode key) => key is YamlScalarNode { Value: { } text } ? text : key.ToString();

    /// <summary>" (did you mean 'x'?)" or empty: see <see cref="NameSuggestion"/>.</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates) => NameSuggestion.DidYouMean(name, candidates);
}
