using Fleet.Core.Templating;
using Fleet.Core.Yaml;

namespace Fleet.Core.Playbooks;

/// <summary>
/// Template source files (a <c>template</c> task's <c>src</c>) checked at validation, as Ansible would find them when it renders:
/// each parses (syntax, unknown filters), no chain of unconditional includes comes back to itself, and the variables it reads
/// exist. Each file is read and parsed once per validation.
/// </summary>
internal sealed class TemplateSources
{
    /// <summary>Files followed through includes from one source, so a wide tree of includes stays cheap.</summary>
    private const int MaxFiles = 200;

    /// <summary>Variables the template module itself gives every template (and <c>vars</c>, Ansible's view of them all).</summary>
    private static readonly HashSet<string> ModuleVariables = new(StringComparer.Ordinal)
    {
        "ansible_managed", "template_path", "template_fullpath", "template_destpath", "template_host", "template_uid", "template_run_date", "vars",
    };

    private readonly Dictionary<string, (JinjaTemplate? Template, IReadOnlyList<InputError> Errors)> _parsed = new(StringComparer.Ordinal);

    /// <summary>
    /// Checks the template <paramref name="file"/> of the task at <paramref name="at"/>. <paramref name="defined"/> says whether a
    /// variable exists for the host checked (null: only the run knows). An undefined variable is an error where nothing may skip
    /// it, a warning where the task's <c>when</c> or the template's own if/for may (Ansible fails only when it renders the use).
    /// </summary>
    public void Check(string file, string directory, SourceLocation at, bool taskGuarded, Func<string, bool?> defined, List<InputError> errors, List<InputError> warnings)
    {
        var searchPath = Modules.Templates.TemplateModule.SearchPath(directory, file);
        var (template, problems) = Parse(file, searchPath, at);
        errors.AddRange(problems);
        if (template is null)
        {
            return;
        }

        var visited = new HashSet<string>(StringComparer.Ordinal) { file };
        FollowIncludes(template, [file], visited, errors);
        foreach (var use in template.VariableUses)
        {
            if (!ModuleVariables.Contains(use.Name) && defined(use.Name) is false)
            {
                var unless = use.Guarded || taskGuarded ? $" (unless {(taskGuarded ? "the task's when" : "the template's if or for")} skips it)" : "";
                (use.Guarded || taskGuarded ? warnings : errors).Add(new InputError(use.Location, $"undefined variable '{use.Name}' in the template of the task at {at}{unless}"));
            }
        }
    }

    /// <summary>Templates included by literal name, parsed; an unconditional include back into <paramref name="chain"/> is a cycle.</summary>
    private void FollowIncludes(JinjaTemplate template, List<string> chain, HashSet<string> visited, List<InputError> errors)
    {
        foreach (var reference in template.References)
        {
            if (Resolve(reference.Name, template.SearchPath) is not { } path)
            {
                continue; // a missing one is reported when it renders (ignore missing, a list of names, a guard may apply)
            }

            if (chain.Contains(path, StringComparer.Ordinal))
            {
                if (!reference.Guarded)
                {
                    var names = chain.SkipWhile(c => c != path).Append(path).Select(Path.GetFileName);
                    errors.Add(new InputError(reference.Location, $"template includes itself: {string.Join(" → ", names)} (it would recurse until it fails; guard the include with an if)"));
                }

                continue;
            }

            if (visited.Count >= MaxFiles || !visited.Add(path))
            {
                continue;
            }

            var (included, problems) = Parse(path, template.SearchPath, reference.Location);
            errors.AddRange(problems);
            if (included is not null && !reference.Guarded)
            {
                FollowIncludes(included, [.. chain, path], visited, errors);
            }
        }
    }

    private (JinjaTemplate? Template, IReadOnlyList<InputError> Errors) Parse(string file, IReadOnlyList<string> searchPath, SourceLocation at)
    {
        if (!_parsed.TryGetValue(file, out var parsed))
        {
            try
            {
                parsed = (JinjaTemplate.Parse(InputFile.ReadText(file, "template"), file, TemplateOptions.Ansible, searchPath), []);
            }
            catch (FleetInputException ex)
            {
                parsed = (null, Template.WithLocation(ex, at).Errors);
            }

            _parsed[file] = parsed;
        }

        return parsed;
    }

    /// <summary>The file <paramref name="name"/> names on <paramref name="searchPath"/>, as the renderer finds it; null when absent.</summary>
    private static string? Resolve(string name, IReadOnlyList<string> searchPath) =>
        name.Split('/').Contains("..") ? null : searchPath.Select(d => InputFile.FullPath(Path.Combine(d, name))).FirstOrDefault(File.Exists);
}
