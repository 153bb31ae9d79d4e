namespace Fleet.Core.Facts;

/// <summary>The kinds of host state a fact reads and a change touches.</summary>
public enum SubjectKind
{
    /// <summary>Everything: a change that may have touched anything (a command without creates/removes).</summary>
    Everything,
    /// <summary>A path (with <see cref="Subject.Recursive"/>, everything under it too).</summary>
    Path,
    /// <summary>An installed package (dpkg's state).</summary>
    Package,
    /// <summary>A service or unit: its running and enabled state.</summary>
    Service,
    /// <summary>A user account (passwd, shadow, home).</summary>
    User,
    /// <summary>A group.</summary>
    Group,
    /// <summary>The firewall (ufw's state and rules).</summary>
    Firewall,
    /// <summary>The listening sockets.</summary>
    Ports,
    /// <summary>A kernel parameter's running value.</summary>
    Sysctl,
}

/// <summary>
/// What a fact is about, and what a change touches: the engine forgets exactly the facts whose subjects a change touched, so a
/// package install does not make a file's fact stale unless it declares it touched paths. A null name means every subject of that
/// kind; a recursive path also covers everything under it (a tree removed, modes set recursively, a fact that reads a tree).
/// </summary>
/// <param name="Kind">The kind of state.</param>
/// <param name="Name">Which one (a path, a package, a unit, a user…), or null for all of the kind.</param>
/// <param name="Recursive">For a path: everything under it too.</param>
public sealed record Subject(SubjectKind Kind, string? Name = null, bool Recursive = false)
{
    /// <summary>Any state at all.</summary>
    public static Subject Everything { get; } = new(SubjectKind.Everything);

    /// <summary>The firewall.</summary>
    public static Subject Firewall { get; } = new(SubjectKind.Firewall);

    /// <summary>The listening sockets.</summary>
    public static Subject Ports { get; } = new(SubjectKind.Ports);

    /// <summary>One path: creating a directory does not touch what a later task will put under it.</summary>
    public static Subject Path(string path) => new(SubjectKind.Path, path);

    /// <summary>A path and everything under it.</summary>
    public static Subject Tree(string path) => new(SubjectKind.Path, path, Recursive: true);

    /// <summary>A package, or every package (null).</summary>
    public static Subject Package(string? name) => new(SubjectKind.Package, name);

    /// <summary>A service, or every service (null).</summary>
    public static Subject Service(string? name) => new(SubjectKind.Service, name);

    /// <summary>A user, or every user (null).</summary>
    public static Subject User(string? name) => new(SubjectKind.User, name);

    /// <summary>A group, or every group (null).</summary>
    public static Subject Group(string? name) => new(SubjectKind.Group, name);

    /// <summary>A kernel parameter, or every one (null).</summary>
    public static Subject Sysctl(string? name) => new(SubjectKind.Sysctl, name);

    /// <summary>Every path: what a package install or a service start may have written.</summary>
    public static Subject AnyPath { get; } = new(SubjectKind.Path);

    /// <summary>What installing or removing packages may change: the packages, files, services, ports, users and groups, the firewall.</summary>
    public static IReadOnlyList<Subject> PackageChange(IEnumerable<string> names) =>
        [.. names.Select(n => Package(n)), AnyPath, Service(null), Ports, User(null), Group(null), Firewall];

    /// <summary>True when a change touching this subject makes a fact about <paramref name="other"/> stale (and the reverse).</summary>
    public bool Overlaps(Subject other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Kind == SubjectKind.Everything || other.Kind == SubjectKind.Everything)
        {
            return true;
        }

        if (Kind != other.Kind)
        {
            return false;
        }

        if (Name is null || other.Name is null || Name == other.Name)
        {
            return true;
        }

        return Kind == SubjectKind.Path && ((Recursive && IsUnder(other.Name, Name)) || (other.Recursive && IsUnder(Name, other.Name)));
    }

    private static bool IsUnder(string path, string directory) =>
        path.StartsWith(directory.EndsWith('/') ? directory : directory + "/", StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => Name is null ? Kind.ToString().ToLowerInvariant() : Name;
}
