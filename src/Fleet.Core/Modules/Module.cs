using Fleet.Core.Facts;
using Fleet.Core.Results;

namespace Fleet.Core.Modules;

/// <summary>What a planner may know besides facts and arguments.</summary>
/// <param name="HostName">Inventory name of the host.</param>
/// <param name="CheckMode">The run changes nothing (<c>fleet check</c>).</param>
/// <param name="PlaybookDirectory">Directory of the playbook the task came from (relative <c>src</c> paths resolve here).</param>
/// <param name="LoginUser">The user Fleet logs in as (the safety rails keep that login working). The default value is root.</param>
/// <param name="KeyLogin">Fleet offers a key when it logs in. The default value is true.</param>
/// <param name="PasswordLogin">Fleet offers a password when it logs in (<c>password_env</c>). The default value is false.</param>
/// <param name="LoginPort">The SSH port Fleet connects to. The default value is 22.</param>
public sealed record ModuleContext(string HostName, bool CheckMode, string PlaybookDirectory, string LoginUser = "root", bool KeyLogin = true, bool PasswordLogin = false, int LoginPort = 22)
{
    /// <summary>The host's variables (the <c>template</c> module renders with them). The default is none.</summary>
    public Templating.IVariableLookup Variables { get; init; } = Templating.VariableScope.Of();
}

/// <summary>The result of running a change script, as the module reads it.</summary>
/// <param name="Status">Changed, Ok (nothing changed after all) or Failed.</param>
/// <param name="Message">Output or error text for the report, or null.</param>
public sealed record ChangeOutcome(TaskOutcome Status, string? Message = null)
{
    /// <summary>Module data for the task's result (Ansible's result keys). The default is the plan's data.</summary>
    public IReadOnlyDictionary<string, object?>? Data { get; init; }

    /// <summary>Warnings to show with the task. The default is none beyond the plan's.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The result shows the script's <c>rc</c>, <c>stdout</c> and <c>stderr</c>; false when <see cref="Data"/> has the ones to show (a job's). The default value is true.</summary>
    public bool ShowsScriptOutput { get; init; } = true;
}

/// <summary>
/// A module: declares its parameters, names the facts it needs, and plans a change from facts (a pure function).
/// Only the engine talks to hosts.
/// </summary>
public abstract class Module : IModuleSpec
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <inheritdoc />
    public virtual string? FreeFormParameter => null;

    /// <inheritdoc />
    public virtual IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters) => [];

    /// <inheritdoc />
    public virtual IEnumerable<string> ReturnedFactNames(MapArg args) => [];

    /// <summary>
    /// The parameters that name paths on the host for these arguments (Ansible's <c>type='path'</c>, expanded in the module's process):
    /// the default is those declared <see cref="ParameterSpec.HostPath"/>; a module whose <c>src</c> is on the host only with
    /// <c>remote_src</c> adds it then.
    /// </summary>
    public virtual IEnumerable<string> HostPathParameters(ModuleArguments args) => Parameters.Where(p => p.HostPath).Select(p => p.Name);

    /// <summary>The facts <see cref="Plan"/> reads for these arguments.</summary>
    public abstract IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context);

    /// <summary>Compares facts with the desired state; returns the commands for the difference or a no-op.</summary>
    public abstract TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context);

    /// <summary>
    /// The least time a change of this module gets when the task sets no <c>timeout</c> of its own, or null for the run's
    /// <c>--task-timeout</c>. A package transaction cut short by a timeout leaves dpkg half-configured, so package modules ask for more.
    /// </summary>
    public virtual TimeSpan? MinimumTimeout => null;

    /// <summary>
    /// Why this module's change cannot run as an <c>async</c> job detached from the SSH session (a located validation error says
    /// it), or null when it can: its change is one script whose result <see cref="Complete"/> reads. The default value is null.
    /// </summary>
    public virtual string? AsyncRefusal => null;

    /// <summary>The result key that names the backup a <c>backup: true</c> write made. The default value is backup_file (Ansible's usual key).</summary>
    public virtual string BackupResultKey => Remote.BackupFile.ResultKey;

    /// <summary>Reads the result of the change script. The default: exit 0 is Changed, anything else Failed with stderr.</summary>
    public virtual ChangeOutcome Complete(Change change, CommandResult result, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Succeeded
            ? new ChangeOutcome(TaskOutcome.Changed)
            : new ChangeOutcome(TaskOutcome.Failed, FailureText(result));
    }

    /// <summary>The last lines of stderr (or stdout) and the exit code, for a failure message.</summary>
    protected static string FailureText(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = (string.IsNullOrWhiteSpace(result.Stderr) ? result.Stdout : result.Stderr).Trim();
        return text.Length == 0 ? $"exit {result.ExitCode} (no output)" : $"exit {result.ExitCode}: {Tail(text, 2000)}";
    }

    /// <summary>The end of a text, at most <paramref name="max"/> characters.</summary>
    protected static string Tail(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= max ? text : "…" + text[^max..];
    }
}
