using Fleet.Core.Modules;

namespace Fleet.Core.Tests.Modules;

/// <summary>
/// What the apt tests that run the module's scripts share: the apply context, fake commands first on PATH and a folder of input
/// files, both removed after each test.
/// </summary>
public abstract class AptScriptTestBase : IDisposable
{
    private protected static readonly ModuleContext Apply = new("h", CheckMode: false, ".");

    private protected FakeCommands Fakes { get; } = new();

    private protected TempFiles Files { get; } = new();

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Fakes.Dispose();
            Files.Dispose();
        }
    }
}
