namespace Fleet.Core.Templating;

/// <summary>A variable used in a template or condition is not defined for this host.</summary>
public sealed class UndefinedVariableException(string name, string message) : Exception(message)
{
    /// <summary>Creates the exception for the variable <paramref name="name"/>.</summary>
    public UndefinedVariableException(string name) : this(name, $"undefined variable '{name}'") { }

    /// <summary>The variable's name.</summary>
    public string Name { get; } = name;
}
