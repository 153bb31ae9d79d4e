using Fleet.Core.Inventory;
using Fleet.Core.Modules;

namespace Fleet.Core.Execution.Placement;

/// <summary>
/// The other places one host's tasks run (<c>delegate_to</c>, <c>local_action</c>, <c>connection: local</c>): one session per place,
/// opened when a task first goes there and kept for the host's run, as Ansible opens its own connection to the delegated host.
/// </summary>
internal sealed class DelegateSites(Inventory.Inventory inventory, IConnector connector, ModuleCatalog catalog, RunOptions options) : IAsyncDisposable
{
    /// <summary>The name under which <c>connection: local</c> tasks run (the controller, whatever the inventory says of localhost).</summary>
    private const string Controller = "\0controller";

    private readonly Dictionary<string, TaskSite> _sites = new(StringComparer.Ordinal);

    /// <summary>The place named by a rendered <c>delegate_to</c>: an inventory host, or the controller for a localhost name the inventory leaves out.</summary>
    public TaskSite For(string name, SourceLocation at)
    {
        if (_sites.TryGetValue(name, out var site))
        {
            return site;
        }

        var host = inventory.Find(name)
            ?? throw new FleetInputException(at, $"delegate_to: '{name}' is not a host of the inventory (nor localhost): add it to the inventory");
        return _sites[name] = Open(host, name);
    }

    /// <summary>The controller itself, for <c>connection: local</c> on a host reached over SSH.</summary>
    public TaskSite Local()
    {
        if (_sites.TryGetValue(Controller, out var site))
        {
            return site;
        }

        var vars = new Dictionary<string, object?>(StringComparer.Ordinal) { ["ansible_connection"] = "local", ["address"] = "localhost" };
        var host = new InventoryHost("localhost", vars, new Dictionary<string, SourceLocation>(), [], new SourceLocation(inventory.Path, 1, 1));
        return _sites[Controller] = Open(host, "localhost");
    }

    private TaskSite Open(InventoryHost host, string name)
    {
        var session = new HostSession(inventory, host, connector, catalog, options, NullRunObserver.Instance);
        return new TaskSite(session, session.Facts, connector, options, name);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var site in _sites.Values)
        {
            await site.Session.DisposeAsync().ConfigureAwait(false);
        }

        _sites.Clear();
    }
}
