namespace Fleet.Core.Modules.Files;

/// <summary>Ansible's common file arguments, declared once: every module that accepts one of them lists the same spec.</summary>
public static class FileParameters
{
    /// <summary>The <c>mode</c> parameter.</summary>
    public static ParameterSpec Mode { get; } = new("mode", ParameterType.Mode,
        "Permissions, octal (\"0644\") or symbolic (u=rw,g=r,o=r). The default keeps the current mode (a new file gets 0644).");

    /// <summary>The <c>owner</c> parameter.</summary>
    public static ParameterSpec Owner { get; } = new("owner", ParameterType.String,
        "Owner name. The default keeps the current owner (a new file belongs to the user the task runs as).");

    /// <summary>The <c>group</c> parameter.</summary>
    public static ParameterSpec Group { get; } = new("group", ParameterType.String,
        "Group name. The default keeps the current group (a new file gets the group of the user the task runs as).");

    /// <summary>The <c>backup</c> parameter.</summary>
    public static ParameterSpec Backup { get; } = new("backup", ParameterType.Bool,
        "Keep a timestamped copy (PATH.PID.YYYY-MM-DD@HH:MM:SS~) of the file before it is replaced. The default value is false.");

    /// <summary>Ansible's common file parameters that Fleet does not implement (chattr attributes, SELinux contexts, unsafe writes).</summary>
    public static IReadOnlyList<string> NotImplemented { get; } = ["attributes", "selevel", "serole", "setype", "seuser", "unsafe_writes"];

    /// <summary>Specs that accept the named parameters when a task is read, so that <see cref="Refusals"/> can name each one.</summary>
    public static IEnumerable<ParameterSpec> Refused(IEnumerable<string> names) =>
        names.Select(name => new ParameterSpec(name, ParameterType.String, "Not implemented by Fleet: a validation error."));

    /// <summary>"parameter 'X' is not implemented by Fleet" for each of <paramref name="names"/> the task gives.</summary>
    public static IEnumerable<string> Refusals(IEnumerable<string> names, IReadOnlySet<string> presentParameters) =>
        names.Where(presentParameters.Contains).Select(name => $"parameter '{name}' is not implemented by Fleet");

    /// <summary>The <c>validate</c> parameter.</summary>
    public static ParameterSpec Validate { get; } = new("validate", ParameterType.String,
        "A command that checks the new file before it replaces the old one, %s standing for its path (e.g. \"/usr/sbin/sshd -t -f %s\"). The default is no check.");
}
