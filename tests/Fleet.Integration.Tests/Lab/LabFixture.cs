using Fleet.Lab;

namespace Fleet.Integration.Tests.Lab;

/// <summary>
/// One lab of four hosts for the whole test run, in its own directory; torn down at the end, even after failures.
/// Without root (and outside CI) it starts nothing: the lab tests skip with the reason.
/// </summary>
public sealed class LabFixture : IAsyncLifetime
{
    private LabInfo? _info;
    private Exception? _failure;

    /// <summary>Number of hosts.</summary>
    public const int HostCount = 4;

    /// <summary>The running lab; a failed start fails every lab test with its reason.</summary>
    public LabInfo Info => _info ?? throw new InvalidOperationException("the test lab did not start: " + (_failure?.Message ?? RootRequirement.SkipReason), _failure);

    /// <summary>The lab directory.</summary>
    public string Dir { get; } = Path.Combine("/var/tmp", $"fleet-test-lab-{Environment.ProcessId}");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (RootRequirement.SkipReason is not null)
        {
            return;
        }

        try
        {
            _info = await Fleet.Lab.Lab.UpAsync(new LabUpOptions { Hosts = HostCount, Dir = Dir }, _ => { }, CancellationToken.None);
        }
        catch (Exception ex)
        {
            _failure = ex;
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (RootRequirement.SkipReason is null)
        {
            await Fleet.Lab.Lab.DownAsync(Dir, _ => { }, CancellationToken.None);
        }
    }
}

/// <summary>Every lab test shares one lab and runs one after another.</summary>
[CollectionDefinition("lab")]
public sealed class LabCollection : ICollectionFixture<LabFixture>;
