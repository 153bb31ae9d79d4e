using Fleet.Core.Facts;

namespace Fleet.Core.Execution;

/// <summary>What task placement uses of a session: its facts and variables, its delegated places, and a play's <c>connection</c>.</summary>
internal sealed partial class HostSession
{
    /// <summary>The other places this host's tasks run (delegate_to, local_action, connection: local).</summary>
    internal Placement.DelegateSites Delegates { get; }

    /// <summary>The facts read over this session's connection.</summary>
    internal FactCache Facts => _facts;

    /// <summary>This host's variables (delegate_facts sets facts here from another host's task).</summary>
    internal HostVariables Variables => _variables;

    /// <summary>
    /// Before a play: a play with <c>connection: local</c> runs this host's tasks (and reads its facts) on the controller, one
    /// without runs them over the host's own connection again; the connection changes only when the place does.
    /// </summary>
    internal async Task PlaceForPlayAsync(string? connection, CancellationToken cancellationToken)
    {
        var local = connection switch { "local" => true, "ssh" => false, _ => _inventoryLocal ??= Target.Local };
        _inventoryLocal ??= Target.Local;
        if (local == Target.Local)
        {
            return;
        }

        Target = Target with { Local = local };
        if (Connection is { } old)
        {
            Connection = null;
            await old.DisposeAsync().ConfigureAwait(false);
        }

        _facts.Invalidate(null);
    }

    private bool? _inventoryLocal;
}
