namespace Fleet.Core.Templating;

/// <summary>Where templates and conditions find variables.</summary>
public interface IVariableLookup
{
    /// <summary>The variable's value (string, long, double, bool, null, list or map), or false when it is undefined.</summary>
    bool TryGet(string name, out object? value);
}

/// <summary>A variable used in a template or condition is not defined for this host.</summary>
public sealed class UndefinedVariableException(string name, string message) : Exception(message)
{
    /// <summary>Creates the exception for the variable <paramref name="name"/>.</summary>
    public UndefinedVariableException(string name) : this(name, $"undefined variable '{name}'") { }

    /// <summary>The variable's name.</summary>
    public string Name { get; } = name;
}

/// <summary>The fact variables the engine defines at connect time, so validation does not call them undefined.</summary>
public static class FactVariables
{
    /// <summary>Every fact variable name (Ansible's names).</summary>
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "ansible_hostname", "ansible_fqdn", "ansible_distribution", "ansible_distribution_version",
        "ansible_distribution_release", "ansible_distribution_major_version", "ansible_os_family",
        "ansible_kernel", "ansible_architecture", "ansible_service_mgr", "ansible_user_id", "ansible_pkg_mgr",
    };
}
