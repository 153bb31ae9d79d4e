using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Ci;

/// <summary>Nine hosts, enough for three shards of several hosts each; one lab for the whole CI category.</summary>
public sealed class CiLab() : LabFixtureBase(Size, "ci")
{
    /// <summary>Number of hosts.</summary>
    public const int Size = 9;
}

/// <summary>
/// The CI tests (shards, the published builds) share the nine-host lab and run alone, after the other collections: they start
/// several fleet processes and two builds at once, which would otherwise skew the timing of other lab tests on two cores.
/// </summary>
[CollectionDefinition("ci-lab", DisableParallelization = true)]
public sealed class CiLabCollection : ICollectionFixture<CiLab>;
