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
    /// Checks the template <paramref name="file"/> of the task at <paramref name="at"/>, and the templates it includes, imports or
    /// looks up by a literal name. <paramref name="defined"/> says whether a variable exists for the host checked (null: only the
    /// run knows). An undefined variable is an error where nothing may skip it, a warning where the task's <c>when</c> or an if/for
    /// may (Ansible fails only when it renders the use); a file looked up by a literal path must exist.
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

        var walk = new Walk(directory, at, taskGuarded, defined, errors, warnings, new HashSet<string>(StringComparer.Ordinal) { file });
        CheckUses(template, new HashSet<string>(StringComparer.Ordinal), guarded: false, walk);
        Follow(template, [file], template.BoundNames, guarded: false, walk);
    }

    /// <summary>What one check carries down the templates it follows.</summary>
    private sealed record Walk(string Directory, SourceLocation At, bool TaskGuarded, Func<string, bool?> Defined, List<InputError> Errors, List<InputError> Warnings, HashSet<string> Visited);

    /// <summary>The variables <paramref name="template"/> reads that the host lacks; <paramref name="bound"/> are set by the templates including it.</summary>
    private static void CheckUses(JinjaTemplate template, IReadOnlySet<string> bound, bool guarded, Walk walk)
    {
        foreach (var use in template.VariableUses)
        {
            if (!ModuleVariables.Contains(use.Name) && !bound.Contains(use.Name) && walk.Defined(use.Name) is false)
            {
                var skippable = use.Guarded || guarded || walk.TaskGuarded;
                var unless = skippable ? $" (unless {(walk.TaskGuarded ? "the task's when" : "the template's if or for")} skips it)" : "";
                (skippable ? walk.Warnings : walk.Errors).Add(new InputError(use.Location, $"undefined variable '{use.Name}' in the template of the task at {walk.At}{unless}"));
            }
        }
    }

    /// <summary>
    /// Templates included, imported or looked up by literal name, parsed and checked; one that comes back into
    /// <paramref name="chain"/> with nothing to stop it is a cycle. <paramref name="guarded"/>: a statement may skip the way here.
    /// </summary>
    private void Follow(JinjaTemplate template, List<string> chain, IReadOnlySet<string> bound, bool guarded, Walk walk)
    {
        foreach (var reference in template.References)
        {
            if (Resolve(reference.Name, template.SearchPath) is not { } path)
            {
                continue; // a missing one is reported when it renders (ignore missing, a list of names, a guard may apply)
            }

            var skippable = guarded || reference.Guarded;
            if (Cycle(chain, path, skippable, reference.Location, "includes itself", walk) || walk.Visited.Count >= MaxFiles || !walk.Visited.Add(path))
            {
                continue;
            }

            var (included, problems) = Parse(path, template.SearchPath, reference.Location);
            walk.Errors.AddRange(problems);
            if (included is not null)
            {
                // An included template sees the variables its includer sets; an imported one (without context) sees none of them.
                var seen = reference.Imported ? included.BoundNames : new HashSet<string>(bound.Concat(included.BoundNames), StringComparer.Ordinal);
                CheckUses(included, seen, skippable || reference.Imported, walk);
                Follow(included, [.. chain, path], seen, skippable, walk);
            }
        }

        foreach (var lookup in template.FileLookups)
        {
            var skippable = guarded || lookup.Guarded || walk.TaskGuarded;
            var places = LookupPlaces(lookup.Path, lookup.Kind, walk.Directory, chain[^1]);
            if (places.FirstOrDefault(File.Exists) is not { } path)
            {
                (skippable ? walk.Warnings : walk.Errors).Add(new InputError(lookup.Location, $"lookup('{lookup.Kind}', '{lookup.Path}') in the template of the task at {walk.At}: the file is not found (looked in {string.Join(", ", places.Take(6))})"));
                continue;
            }

            if (InputFile.KindOf(path) != InputFileKind.Regular)
            {
                walk.Errors.Add(new InputError(lookup.Location, $"lookup('{lookup.Kind}', '{lookup.Path}') in the template of the task at {walk.At}: not a regular file (a FIFO, device, socket or broken link): {path}"));
                continue;
            }

            path = InputFile.FullPath(path);
            if (lookup.Kind != "template" || Cycle(chain, path, guarded || lookup.Guarded, lookup.Location, "looks itself up", walk) || walk.Visited.Count >= MaxFiles || !walk.Visited.Add(path))
            {
                continue;
            }

            var (looked, problems) = Parse(path, Modules.Templates.TemplateModule.SearchPath(walk.Directory, path), lookup.Location);
            walk.Errors.AddRange(problems);
            if (looked is not null)
            {
                // A looked-up template renders with the task's variables, not the looking template's own.
                CheckUses(looked, looked.BoundNames, guarded || lookup.Guarded, walk);
                Follow(looked, [.. chain, path], looked.BoundNames, guarded || lookup.Guarded, walk);
            }
        }
    }

    /// <summary>True when <paramref name="path"/> is already in <paramref name="chain"/>: an error unless a statement may stop the recursion.</summary>
    private static bool Cycle(List<string> chain, string path, bool skippable, SourceLocation at, string what, Walk walk)
    {
        if (!chain.Contains(path, StringComparer.Ordinal))
        {
            return false;
        }

        if (!skippable)
        {
            var names = chain.SkipWhile(c => c != path).Append(path).Select(Path.GetFileName);
            walk.Errors.Add(new InputError(at, $"template {what}: {string.Join(" → ", names)} (it would recurse until it fails; guard the {(what.StartsWith("includes", StringComparison.Ordinal) ? "include" : "lookup")} with an if)"));
        }

        return true;
    }

    /// <summary>
    /// Where a lookup's relative path may be found: the role's or task file's directory, the template's, and their parents (the
    /// playbook's), each with the kind's folder first, as Ansible's search path; wide, so that a file the run finds is never refused.
    /// </summary>
    private static List<string> LookupPlaces(string path, string kind, string directory, string templateFile)
    {
        if (Path.IsPathRooted(path))
        {
            return [path];
        }

        var folder = kind == "file" ? "files" : "templates";
        var roots = new List<string>();
        foreach (var start in new[] { directory, Path.GetDirectoryName(templateFile) ?? directory })
        {
            var dir = (string?)Path.GetFullPath(start);
            for (var up = 0; up < 4 && dir is not null; up++, dir = Path.GetDirectoryName(dir))
            {
                roots.Add(dir);
            }
        }

        return roots.Distinct(StringComparer.Ordinal).SelectMany(d => new[] { Path.Combine(d, folder, path), Path.Combine(d, path) }).Select(InputFile.FullPath).ToList();
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
