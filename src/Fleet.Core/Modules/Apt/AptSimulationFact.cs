using Fleet.Core.Facts;

namespace Fleet.Core.Modules.Apt;

/// <summary>
/// What an apt upgrade or autoclean would do, from its own simulated run (<c>--simulate</c>, as Ansible's check mode): the
/// output, and whether it changes anything by Ansible's test on that output.
/// </summary>
/// <param name="Shell">The shell command of the simulated run, built by <see cref="AptModule"/>.</param>
/// <param name="Operation">upgrade or autoclean: which of Ansible's changed tests reads the output.</param>
public sealed record AptSimulationFact(string Shell, string Operation) : Fact<AptSimulation>
{
    /// <inheritdoc />
    public override string Description => $"apt {Operation} simulation";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Package(null)];

    /// <inheritdoc />
    public override string Command => Shell;

    /// <inheritdoc />
    public override AptSimulation Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        return exitCode == 0
            ? new AptSimulation(AptModule.Changes(Operation, stdout), stdout)
            : throw new FormatException($"the simulated apt {Operation} failed: {stdout.Trim()}");
    }
}

/// <summary>A simulated apt run.</summary>
/// <param name="Changes">True when the real run would change the host (Ansible's test on the output).</param>
/// <param name="Output">What it printed.</param>
public sealed record AptSimulation(bool Changes, string Output);
