namespace Fleet.Core.Facts;

/// <summary>
/// A piece of host state: a read-only shell command plus a pure parser of its output.
/// Facts are records, so two tasks asking for the same fact share one read.
/// </summary>
public abstract record Fact
{
    /// <summary>The sh text that prints the state on stdout; it never changes the host.</summary>
    public abstract string Command { get; }

    /// <summary>Parses the command's stdout and exit status.</summary>
    public abstract object ParseOutput(string stdout, int exitCode);

    /// <summary>What the fact is about, for messages (a path, a package…).</summary>
    public virtual string Description => GetType().Name;

    /// <summary>
    /// The state the fact reads: a change touching one of these makes it stale. The default is everything (any change may make
    /// it stale); a fact that no change can alter (the OS release) returns none.
    /// </summary>
    public virtual IReadOnlyList<Subject> Subjects => [Facts.Subject.Everything];

    /// <summary>
    /// The state the fact read, once its <paramref name="value"/> is known: narrower than <see cref="Subjects"/> for a fact whose
    /// reach depends on what it found (a link's target). The default is <see cref="Subjects"/>.
    /// </summary>
    public virtual IReadOnlyList<Subject> SubjectsOf(object value) => Subjects;
}

/// <summary>A fact whose parsed value has type <typeparamref name="T"/>.</summary>
public abstract record Fact<T> : Fact
    where T : notnull
{
    /// <summary>Parses the command's stdout and exit status into the fact's value.</summary>
    public abstract T Parse(string stdout, int exitCode);

    /// <inheritdoc />
    public sealed override object ParseOutput(string stdout, int exitCode) => Parse(stdout, exitCode);
}

/// <summary>Read access to facts already gathered for a host.</summary>
public interface IFactSource
{
    /// <summary>The value of a fact; the engine guarantees every fact a planner declared is present.</summary>
    T Get<T>(Fact<T> fact)
        where T : notnull;
}
