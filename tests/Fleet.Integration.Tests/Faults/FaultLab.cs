using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Faults;

/// <summary>
/// Three hosts for the fault tests: each test breaks one host for real and mends it before the next. lab-03 is behind the lab's
/// delaying proxy with a <see cref="Rtt"/> round trip for the whole category (a WAN host every fault test also meets).
/// </summary>
public sealed class FaultLab() : LabFixtureBase(Size, "faults", Rtt, [DelayedHost])
{
    /// <summary>Number of hosts.</summary>
    public const int Size = 3;

    /// <summary>The host behind the delaying proxy.</summary>
    public const string DelayedHost = "lab-03";

    /// <summary>Its round trip.</summary>
    public static readonly TimeSpan Rtt = TimeSpan.FromMilliseconds(200);
}

/// <summary>The fault tests share one lab and run one after another (each fault is undone in a finally).</summary>
[CollectionDefinition("faults")]
public sealed class FaultCollection : ICollectionFixture<FaultLab>;
