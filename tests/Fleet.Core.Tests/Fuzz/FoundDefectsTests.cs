using Fleet.Core.Inventory;

namespace Fleet.Core.Tests.Fuzz;

/// <summary>Defects the grammar fuzzer found, each fixed and kept fixed by its smallest reproducer.</summary>
public sealed class FoundDefectsTests : IDisposable
{
    private readonly TempFiles _files = new();

    [Theory]
    [InlineData("~")]
    [InlineData("null")]
    [InlineData("")]
    public void Load_HostWrittenAsNull_IsAHostWithoutVariablesAsInAnsible(string empty)
    {
        var inventory = InventoryLoader.Load(_files.Write("null.yml", $"all:\n  children:\n    web:\n      hosts:\n        h0: {empty}\n"));

        Assert.Equal(["h0"], inventory.Hosts.Select(h => h.Name));
    }

    [Fact]
    public void Load_PortThatIsAMapping_SaysItsTypeNotADotNetTypeName()
    {
        var error = Assert.Throws<FleetInputException>(() => InventoryLoader.Load(_files.Write("port.yml", "all:\n  hosts:\n    h0:\n      ansible_port: {a: 1}\n")));

        Assert.Contains("port.yml:4:21: host 'h0': port must be a number from 1 to 65535, not a dict", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();
}
