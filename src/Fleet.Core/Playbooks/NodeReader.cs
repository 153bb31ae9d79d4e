using System.Globalization;
using Fleet.Core.Templating;
using Fleet.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Playbooks;

/// <summary>
/// Reads the nodes of one YAML file into values, adding every problem to one error list at its file:line:column. The play,
/// task and role readers share it, so a file's errors are all reported at once.
/// </summary>
internal sealed class NodeReader(string path, List<InputError> errors)
{
    /// <summary>The longest delay or timeout: 30 days, far beyond any task and far below what <see cref="TimeSpan"/> holds.</summary>
    public const long MaxSeconds = 30L * 24 * 3600;

    /// <summary>The most retries of a task.</summary>
    public const long MaxRetries = 10_000;

    public string Path { get; } = path;

    public List<InputError> Errors { get; } = errors;

    /// <summary>The directory of the file: relative names start here.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) ?? ".";

    public SourceLocation At(YamlNode node) => YamlFile.At(Path, node);

    public void Error(YamlNode node, string message) => Errors.Add(new InputError(At(node), message));

    public static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.FirstOrDefault(e => YamlFile.KeyText(e.Key) == key).Value;

    public T Fail<T>(YamlNode node, string message, T fallback)
    {
        Error(node, message);
        return fallback;
    }

    public string? Text(YamlNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case YamlScalarNode scalar:
                return scalar.Value;
            default:
                Error(node, "expected text");
                return null;
        }
    }

    public List<string> Names(YamlNode? node, string what) => node switch
    {
        null => [],
        YamlScalarNode { Value: null or "" } => [],
        YamlScalarNode s => [s.Value!],
        YamlSequenceNode seq => seq.Children.Select(c => c is YamlScalarNode { Value: { } v } ? v : Fail(c, $"{what} takes names", "")).Where(t => t.Length > 0).ToList(),
        _ => Fail<List<string>>(node, $"{what} must be a name or a list of names", []),
    };

    public List<string> Tags(YamlNode? node) => node switch
    {
        null => [],
        YamlScalarNode s => (s.Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
        YamlSequenceNode seq => seq.Children.Select(c => (c as YamlScalarNode)?.Value ?? "").Where(t => t.Length > 0).ToList(),
        _ => Fail<List<string>>(node, "tags must be a name or a list of names", []),
    };

    public bool? Bool(YamlNode? node, string what)
    {
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode scalar && Values.ToBool(scalar.Value) is { } value)
        {
            return value;
        }

        Error(node, Template.HasTemplate((node as YamlScalarNode)?.Value) ? $"{what}: a template is not supported here, write true or false" : $"{what} must be true or false");
        return null;
    }

    /// <summary>A true/false keyword Ansible lets you template: a template is checked, kept in <paramref name="templates"/>, and null is returned.</summary>
    public bool? Bool(YamlNode? node, string what, List<KeywordTemplate> templates) => Templated(node, what, templates) ? null : Bool(node, what);

    /// <summary>A number keyword Ansible lets you template: a template is checked, kept in <paramref name="templates"/>, and null is returned.</summary>
    public long? Int(YamlNode? node, string what, List<KeywordTemplate> templates, long max = int.MaxValue) =>
        Templated(node, what, templates) ? null : Int(node, what, max);

    /// <summary>True when the value is a template (kept, or its syntax error added); its type is checked when it is rendered.</summary>
    public bool Templated(YamlNode? node, string what, List<KeywordTemplate> templates)
    {
        if (node is not YamlScalarNode { Value: { } text } || !Template.HasTemplate(text))
        {
            return false;
        }

        try
        {
            _ = Template.Variables(text, At(node));
            templates.Add(new KeywordTemplate(what, text, At(node)));
        }
        catch (FleetInputException ex)
        {
            Errors.AddRange(ex.Errors);
        }

        return true;
    }

    public long? Int(YamlNode? node, string what, long max = int.MaxValue)
    {
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode scalar && long.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= max)
        {
            return value;
        }

        var unit = what switch { "retries" => "attempts", "max_fail_percentage" => "percent", "throttle" => "hosts", _ => "seconds" };
        Error(node, $"{what} must be a whole number of {unit} from 0 to {max}");
        return null;
    }

    /// <summary>A mapping of variables (<c>vars</c>), merge keys resolved; an empty node is no variables.</summary>
    public IReadOnlyDictionary<string, object?> Vars(YamlNode? node, string what = "vars") => node switch
    {
        null or YamlScalarNode { Value: null or "" } => ModuleVars.None,
        YamlMappingNode m => (IReadOnlyDictionary<string, object?>)YamlFile.ToValue(m)!,
        _ => Fail(node, $"{what} must be a mapping", ModuleVars.None),
    };

    /// <summary>
    /// <c>environment</c>: a mapping, or (as Ansible allows, <c>environment: "{{ proxy_env }}"</c>) one template that renders to a
    /// mapping for each host, added to <paramref name="templates"/>.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Environment(YamlNode? node, List<KeywordTemplate> templates)
    {
        if (node is YamlScalarNode { Value: { } text } && Template.HasTemplate(text))
        {
            templates.Add(new KeywordTemplate("environment", text, At(node)));
            return ModuleVars.None;
        }

        return Vars(node, "environment");
    }

    /// <summary>A condition: text, a plain true/false/number, or a list of them that must all hold (<c>when</c>, <c>changed_when</c>…).</summary>
    public Expression? Condition(YamlNode? node, string what)
    {
        try
        {
            switch (node)
            {
                case null:
                    return null;
                case YamlScalarNode scalar when !YamlFile.IsPlain(scalar) || YamlFile.Scalar(scalar.Value) is string:
                    return ExpressionParser.Parse(Strip(scalar.Value ?? ""), At(node));
                case YamlScalarNode scalar:
                    return ExpressionParser.Parse(Values.ToText(YamlFile.Scalar(scalar.Value)) is { Length: > 0 } t ? t : "false", At(node));
                case YamlSequenceNode list:
                    var parts = list.Children.Select(c => c is YamlScalarNode s
                        ? ExpressionParser.Parse(Strip(YamlFile.IsPlain(s) && YamlFile.Scalar(s.Value) is not string and not null ? Values.ToText(YamlFile.Scalar(s.Value)) : s.Value ?? ""), At(c))
                        : throw new FleetInputException(At(c), $"{what} conditions are text")).ToList();
                    return parts.Count == 0 ? null : parts.Skip(1).Aggregate(parts[0], (a, b) => new LogicalExpression("and", a, b) { Text = string.Join(" and ", parts.Select(p => p.Text)) });
                default:
                    Error(node, $"{what} must be a condition or a list of conditions");
                    return null;
            }
        }
        catch (FleetInputException ex)
        {
            Errors.AddRange(ex.Errors);
            return null;
        }

        // Ansible allows "{{ x }}" in a condition (with a warning): take the inside.
        static string Strip(string text) => text.Trim() is var t && t.StartsWith("{{", StringComparison.Ordinal) && t.EndsWith("}}", StringComparison.Ordinal) && t.IndexOf("{{", 2, StringComparison.Ordinal) < 0 ? t[2..^2] : text;
    }

    /// <summary>A file name relative to this file's directory (an absolute name as written).</summary>
    public string Resolve(string name) => InputFile.FullPath(System.IO.Path.Combine(Directory, name));
}
