namespace Fleet.Core;

/// <summary>A position in an input file, 1-based, printed as <c>file:line:column</c>.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>One problem found in an input file.</summary>
public sealed record InputError(SourceLocation? Location, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Location is { } at ? $"{at}: {Message}" : Message;
}

/// <summary>Invalid input (inventory, playbook, options): the run stops before any host is contacted, exit code 1.</summary>
public sealed class FleetInputException : Exception
{
    /// <summary>Creates the exception from every problem found.</summary>
    public FleetInputException(IReadOnlyList<InputError> errors)
        : base(string.Join(Environment.NewLine, errors.Select(e => e.ToString()))) => Errors = errors;

    /// <summary>Creates the exception from one problem.</summary>
    public FleetInputException(SourceLocation? location, string message) : this([new InputError(location, message)]) { }

    /// <summary>Creates the exception.</summary>
    public FleetInputException(string message) : this(null, message) { }

    /// <summary>Creates the exception.</summary>
    public FleetInputException() : this("invalid input") { }

    /// <summary>Creates the exception.</summary>
    public FleetInputException(string message, Exception inner) : base(message, inner) => Errors = [new InputError(null, message)];

    /// <summary>Every problem found, in file order.</summary>
    public IReadOnlyList<InputError> Errors { get; } = [];

    /// <summary>What the input does that Fleet accepts but cannot run everywhere, shown with the errors. The default is none.</summary>
    public IReadOnlyList<InputError> Warnings { get; init; } = [];
}
