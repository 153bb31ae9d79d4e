using Fleet.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Playbooks;

/// <summary>
/// A role's <c>meta/argument_specs.yml</c> (or <c>argument_specs</c> in <c>meta/main.yml</c>): as Ansible does, the entry point's spec
/// becomes a <c>validate_argument_spec</c> task at the start of the role.
/// </summary>
internal static class ArgumentSpecs
{
    /// <summary>The option keys Fleet checks as Ansible's validate_argument_spec does; the others are documentation that cannot change the result.</summary>
    private static readonly string[] Checked =
    [
        "type", "required", "choices", "elements", "default", "options", "aliases", "no_log", "apply_defaults", "mutually_exclusive",
        "required_together", "required_one_of", "required_if", "required_by",
    ];

    private static readonly string[] Documentation = ["description", "version_added", "version_added_collection", "author", "notes", "seealso", "example"];

    /// <summary>The types Ansible checks (its names; json is jsonarg).</summary>
    internal static readonly string[] Types = ["str", "list", "dict", "bool", "int", "float", "path", "raw", "jsonarg", "json", "bytes", "bits"];

    /// <summary>The validation task for <paramref name="entryPoint"/>, or null when the role has no spec for it.</summary>
    public static TaskDefinition? ValidationTask(RoleContext role, string entryPoint, IReadOnlyList<string> tags, List<InputError> errors)
    {
        var roleDirectory = role.Directory;
        var (path, root) = SpecFile(roleDirectory, errors);
        if (path is null || root is not YamlMappingNode map || NodeReader.Child(map, "argument_specs") is not YamlMappingNode specs
            || NodeReader.Child(specs, entryPoint) is not YamlMappingNode spec)
        {
            return null;
        }

        var reader = new NodeReader(path, errors);
        var options = NodeReader.Child(spec, "options");
        if (!CheckOptions(reader, options))
        {
            return null;
        }

        // Ansible's name, so that per-task results line up with ansible-playbook's.
        var name = $"Validating arguments against arg spec '{entryPoint}'"
            + (NodeReader.Child(spec, "short_description") is YamlScalarNode { Value: { } description } ? " - " + description : "");
        var at = reader.At(spec);
        var args = new MapArg(
        [
            new("argument_spec", options is YamlMappingNode ? YamlFile.ToArg(path, options) : new MapArg([], at)),
            .. (role.ProvidedArguments is { } provided ? new KeyValuePair<string, ArgValue>[] { new("provided_arguments", provided) } : []),
            new("validate_args_context", new MapArg([new("type", new ScalarArg("role", true, at)), new("name", new ScalarArg(role.Name, true, at)), new("argument_spec_name", new ScalarArg(entryPoint, true, at)), new("path", new ScalarArg(roleDirectory, true, at))], at)),
        ], at);
        return new TaskDefinition(name, ActionSpec.ValidateArgumentSpec.Name, args, tags.Append("always").Distinct().ToList(), null, [], 0, TimeSpan.Zero, null, false, null, null, at)
        {
            Keywords = new TaskKeywords { Role = role, Directory = roleDirectory },
        };
    }

    /// <summary>Checks a mapping of options (the entry point's or an option's nested <c>options</c>); false when it is not one.</summary>
    private static bool CheckOptions(NodeReader reader, YamlNode? options)
    {
        if (options is YamlMappingNode optionMap)
        {
            foreach (var (optionName, option) in optionMap.Children)
            {
                CheckOption(reader, YamlFile.KeyText(optionName), option);
            }
        }
        else if (options is not null and not YamlScalarNode { Value: null or "" })
        {
            reader.Error(options, "argument spec options must be a mapping of options");
            return false;
        }

        return true;
    }

    private static void CheckOption(NodeReader reader, string name, YamlNode option)
    {
        if (option is not YamlMappingNode map)
        {
            reader.Error(option, $"argument spec option '{name}' must be a mapping");
            return;
        }

        foreach (var (key, value) in map.Children)
        {
            var k = YamlFile.KeyText(key);
            if (!Checked.Contains(k) && !Documentation.Contains(k))
            {
                reader.Error(key, $"argument spec option '{name}': '{k}' is not supported by Fleet (it checks {string.Join(", ", Checked)}): remove it, or check the value with an assert task");
            }
            else if (k == "options")
            {
                CheckOptions(reader, value);
            }
            else if (k == "aliases" && value is not YamlSequenceNode)
            {
                reader.Error(value, $"argument spec option '{name}': aliases must be a list of names");
            }
            else if (k is "type" or "elements" && reader.Text(value) is { } type && !Types.Contains(type))
            {
                reader.Error(value, $"argument spec option '{name}': {k} '{type}' is not supported by Fleet (it checks {string.Join(", ", Types)})");
            }
        }
    }

    private static (string? Path, YamlNode? Root) SpecFile(string roleDirectory, List<InputError> errors)
    {
        // As Ansible: argument_specs.yml wins over main.yml, and the two are not merged.
        foreach (var file in new[] { "argument_specs.yml", "argument_specs.yaml", "main.yml", "main.yaml" })
        {
            var path = Path.Combine(roleDirectory, "meta", file);
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                return (path, YamlFile.Load(path, "role argument spec", new SourceLocation(path, 1, 1)));
            }
            catch (FleetInputException ex)
            {
                errors.AddRange(ex.Errors);
                return (null, null);
            }
        }

        return (null, null);
    }
}
