using Fleet.Core.Yaml;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Templating;

namespace Fleet.Core.Playbooks;

/// <summary>
/// Checks loaded playbooks completely before any host is contacted: module parameters (known, required, typed, choices),
/// notified handlers, host patterns, and variables. With an inventory every task is rendered and bound for every host its
/// play targets (fact variables stand in as empty text). Without one, only play vars, extra vars, facts and magic variables
/// are known, so a variable that might come from an inventory is not reported.
/// </summary>
public static class PlaybookValidator
{
    private static readonly string[] MagicVariables = ["inventory_hostname", "inventory_hostname_short", "group_names", "groups"];

    /// <summary>
    /// What <c>fleet validate</c> does: loads the inventory (when named) and every playbook, then validates them together. Every
    /// problem of every file is thrown at once as a <see cref="FleetInputException"/>.
    /// </summary>
    public static (Inventory.Inventory? Inventory, IReadOnlyList<Playbook> Playbooks) LoadAndValidate(
        string? inventoryPath,
        IReadOnlyList<string> playbookPaths,
        IReadOnlyDictionary<string, object?> extraVars,
        IModuleCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(playbookPaths);
        if (playbookPaths.Count == 0)
        {
            throw new FleetInputException("at least one playbook is required");
        }

        var inventory = inventoryPath is null ? null : Inventory.InventoryLoader.Load(inventoryPath);
        var errors = new List<InputError>();
        var playbooks = new List<Playbook>();
        foreach (var path in playbookPaths)
        {
            try
            {
                playbooks.Add(PlaybookLoader.Load(path, catalog));
            }
            catch (FleetInputException ex)
            {
                errors.AddRange(ex.Errors);
            }
        }

        if (errors.Count == 0)
        {
            errors.AddRange(Validate(playbooks, inventory, extraVars, catalog));
        }

        return errors.Count > 0 ? throw new FleetInputException(errors) : (inventory, playbooks);
    }

    /// <summary>Every problem found, in file order.</summary>
    public static IReadOnlyList<InputError> Validate(
        IReadOnlyList<Playbook> playbooks,
        Inventory.Inventory? inventory,
        IReadOnlyDictionary<string, object?> extraVars,
        IModuleCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(playbooks);
        ArgumentNullException.ThrowIfNull(catalog);
        var errors = new List<InputError>();
        var facts = FactVariables.Placeholders;
        var groups = inventory?.GroupsVariable;
        var targeted = new List<Inventory.InventoryHost>();
        foreach (var play in playbooks.SelectMany(p => p.Plays))
        {
            var hosts = new List<Inventory.InventoryHost>();
            if (inventory is not null && play.Hosts.Length > 0)
            {
                try
                {
                    inventory.ValidatePattern(play.Hosts, play.Location);
                    hosts.AddRange(inventory.Select(play.Hosts));
                    targeted.AddRange(hosts);
                }
                catch (FleetInputException ex)
                {
                    errors.AddRange(ex.Errors.Select(e => e with { Location = e.Location ?? play.Location }));
                }
            }

            var handlerNames = play.Handlers.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var task in play.Tasks.Concat(play.Handlers))
            {
                foreach (var name in task.Notify.Where(n => !handlerNames.Contains(n)))
                {
                    errors.Add(new InputError(task.Location, $"task '{task.Name}' notifies unknown handler '{name}'{Yaml.YamlFile.DidYouMean(name, handlerNames)}"));
                }

                if (catalog.Find(task.Module) is not { } module)
                {
                    errors.Add(new InputError(task.Location, $"unknown module '{task.Module}'"));
                    continue;
                }

                var playFacts = FactVariables.WithPlaybookDir(facts, play.Directory);
                IEnumerable<IVariableLookup> scopes = hosts.Count > 0
                    ? hosts.Select(h => (IVariableLookup)HostScope.For(h, play.Vars, playFacts, extraVars, groups))
                    : [new PlayScope(VariableScope.Of(extraVars, play.Vars, playFacts))];

                // Without an inventory, a variable the play does not define may still come from one: its absence is no error.
                var unknownAllowed = hosts.Count == 0 && inventory is null;
                foreach (var scope in scopes)
                {
                    var before = errors.Count;
                    CheckTask(task, module, scope, play.Directory, errors, unknownAllowed);
                    if (errors.Count > before)
                    {
                        break; // one host's errors are enough; the others would repeat them
                    }
                }
            }
        }

        if (inventory is not null)
        {
            errors.AddRange(inventory.CheckTargets(targeted.Distinct(), extraVars, credentials: false));
        }

        return errors.Distinct().OrderBy(e => e.Location?.File, StringComparer.Ordinal).ThenBy(e => e.Location?.Line).ThenBy(e => e.Location?.Column).ToList();
    }

    private static void CheckTask(TaskDefinition task, IModuleSpec module, IVariableLookup scope, string directory, List<InputError> errors, bool unknownAllowed)
    {
        if (task.When is { } when)
        {
            foreach (var name in when.Variables.Distinct())
            {
                try
                {
                    if (!scope.TryGet(name, out _) && !unknownAllowed)
                    {
                        errors.Add(new InputError(task.Location, $"undefined variable '{name}' in when: {when.Text}"));
                    }
                }
                catch (UndefinedVariableException ex) when (!unknownAllowed)
                {
                    errors.Add(new InputError(task.Location, $"{ex.Message} (through variable '{name}') in when: {when.Text}"));
                }
                catch (FleetInputException ex)
                {
                    errors.AddRange(Template.WithLocation(ex, task.Location).Errors);
                }
            }
        }

        try
        {
            _ = ModuleArguments.Bind(module, task.Args, scope);
        }
        catch (FleetInputException ex)
        {
            // A parameter whose template needs a variable from an inventory is checked when there is one (at run time at the latest);
            // its value is unknown here, so its type cannot be judged ("{{ x | default(90) }}" is 90 only when x is undefined).
            // Under a when, the arguments are rendered only when it holds (as in Ansible): `when: x is defined` guards a use of x.
            var undefinedAllowed = unknownAllowed || task.When is not null;
            errors.AddRange(ex.Errors.Where(e => !(undefinedAllowed && e.Message.Contains("undefined variable", StringComparison.Ordinal))));
            return;
        }

        // A controller file named literally must exist now, not fail on every host later (a templated name is checked at run time).
        foreach (var parameter in module.Parameters.Where(p => p.ControllerFile))
        {
            if (task.Args[parameter.Name] is not ScalarArg { Value: { Length: > 0 } path } arg || Template.HasTemplate(path))
            {
                continue;
            }

            var places = Path.IsPathRooted(path) ? [path] : ControllerFiles.Places(path, directory, parameter.ControllerFolder).ToList();
            if (ControllerFiles.Find(path, directory, parameter.ControllerFolder) is { } found)
            {
                if (InputFile.KindOf(found) == InputFileKind.Special)
                {
                    errors.Add(new InputError(arg.Location, $"{parameter.Name}: not a regular file on the controller (a FIFO, device or socket): {found}"));
                }
            }
            else if (places.FirstOrDefault(Directory.Exists) is { } folder)
            {
                errors.Add(new InputError(arg.Location, $"{parameter.Name}: is a directory on the controller, not a file: {folder} (copying a directory is not supported)"));
            }
            else
            {
                errors.Add(new InputError(arg.Location, $"{parameter.Name}: file not found on the controller: {path} (looked in {string.Join(", ", places)})"));
            }
        }
    }

    /// <summary>A play's variables without a host: the magic variables a host would define read as empty text.</summary>
    private sealed class PlayScope(IVariableLookup inner) : IVariableLookup
    {
        public bool TryGet(string name, out object? value)
        {
            if (inner.TryGet(name, out value))
            {
                return true;
            }

            value = MagicVariables.Contains(name) ? "" : null;
            return MagicVariables.Contains(name);
        }
    }
}
