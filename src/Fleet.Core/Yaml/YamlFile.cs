using System.Globalization;
using Fleet.Core.Templating;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Yaml;

/// <summary>Reads YAML files keeping every node's file:line:column, and converts nodes with YAML 1.1 scalar rules (Ansible's).</summary>
public static class YamlFile
{
    /// <summary>Loads the first document of a file; a syntax error is a <see cref="FleetInputException"/> at its position. Null for an empty file.</summary>
    public static YamlNode? Load(string path)
    {
        var text = File.ReadAllText(path);
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
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

    private static (int Line, int Column)? FirstTabIndent(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent)
            {
                return (i + 1, tab + 1);
            }
        }

        return null;
    }

    /// <summary>Re-reads the events up to the failure: the innermost flow collection still open then, or the last event read.</summary>
    private static SourceLocation UnclosedFlowCollection(string path, string text)
    {
        var parser = new Parser(new StringReader(text));
        var open = new Stack<Mark>();
        var last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                last = current.Start;
                switch (current)
                {
                    case SequenceStart { Style: SequenceStyle.Flow }:
                    case MappingStart { Style: MappingStyle.Flow }:
                        open.Push(current.Start);
                        break;
                    case SequenceEnd or MappingEnd when open.Count > 0 && current.Start.Index > open.Peek().Index:
                        open.Pop();
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or YamlException)
        {
            // expected: the same failure; what was read up to it is what we need
        }

        var at = open.Count > 0 ? open.Peek() : last;
        return new SourceLocation(path, Math.Max(1, (int)at.Line), Math.Max(1, (int)at.Column));
    }

    /// <summary>
    /// A file of variables (group_vars, host_vars, vars_files): its top-level mapping, or null when the file is empty. A syntax
    /// error, or a top level that is not a mapping (named <paramref name="what"/> in the message), is added to <paramref name="errors"/>.
    /// </summary>
    public static YamlMappingNode? LoadVariables(string file, string what, List<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        try
        {
            switch (Load(file))
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

    /// <summary>Closest name by edit distance, for "did you mean" (null when nothing is close).</summary>
    public static string? Suggest(string name, IEnumerable<string> candidates)
    {
        var best = candidates.Select(c => (c, d: Distance(name, c))).OrderBy(x => x.d).FirstOrDefault();
        return best.c is not null && best.d <= Math.Max(2, name.Length / 3) ? best.c : null;
    }

    /// <summary>" (did you mean 'x'?)" or empty.</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates) => Suggest(name, candidates) is { } s ? $" (did you mean '{s}'?)" : "";

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        return d[a.Length, b.Length];
    }
}
