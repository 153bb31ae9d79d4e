using Fleet.Core.Execution;
using Fleet.Core.Modules;
using Fleet.Ssh;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Enforce;

/// <summary>
/// The engine's composition, shared by <c>fleet enforce</c> and the one-shot commands: the module catalog and the SSH connector.
/// Building it costs a one-shot command about 13 ms of start time (bench/README.md).
/// </summary>
public static class EngineServices
{
    /// <summary>Registers the module catalog and a factory of connectors for given SSH options.</summary>
    public static IServiceCollection AddFleetEngine(this IServiceCollection services)
    {
        services.AddSingleton(ModuleCatalog.Default);
        services.AddSingleton<Func<SshOptions, IConnector>>(_ => ssh => new SshConnector(ssh));
        return services;
    }
}
