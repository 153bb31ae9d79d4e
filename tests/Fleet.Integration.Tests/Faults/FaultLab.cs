using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Faults;

/// <summary>Three hosts for the fault tests: each test breaks one host for real and mends it before the next.</summary>
public sealed class FaultLab() : LabFixtureBase(Size, "faults")
{
    /// <summary>Number of hosts.</summary>
    public const int Size = 3;
}

/// <summary>The fault tests share one lab and run one after another (each fault is undone in a finally).</summary>
[CollectionDefinition("faults")]
public sealed class FaultCollection : ICollectionFixture<FaultLab>;
