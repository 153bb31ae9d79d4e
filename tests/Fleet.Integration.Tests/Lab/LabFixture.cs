using Fleet.Lab;

namespace Fleet.Integration.Tests.Lab;

/// <summary>
/// A lab of <paramref name="hostCount"/> hosts for a whole test run, in its own directory <c>/var/tmp/PREFIX-PID</c>; torn down at
/// the end, even after failures. Without root (and outside CI) it starts nothing: the lab tests skip with the reason.
/// </summary>
public abstract class TestLab(int hostCount, string prefix) : IAsyncLifetime
{
    private LabInfo? _info;
    private Exception? _failure;

    /// <summary>The running lab; a failed start fails every lab test with its reason.</summary>
    public LabInfo Info => _info ?? throw new InvalidOperationException("the test lab did not start: " + (_failure?.Message ?? RootRequirement.SkipReason), _failure);

    /// <summary>The lab directory.</summary>
    public string Dir { get; } = Path.Combine("/var/tmp", $"{prefix}-{Environment.ProcessId}");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (RootRequirement.SkipReason is not null)
        {
            return;
        }

        try
        {
            await RemoveLabsOfDeadRunsAsync();
            _info = await Fleet.Lab.Lab.UpAsync(new LabUpOptions { Hosts = hostCount, Dir = Dir }, _ => { }, CancellationToken.None);
        }
        catch (Exception ex)
        {
            _failure = ex;
        }
    }

    /// <summary>A test run that was killed (no DisposeAsync) leaves its lab: take down those whose process is gone.</summary>
    private async Task RemoveLabsOfDeadRunsAsync()
    {
        foreach (var dir in Directory.EnumerateDirectories("/var/tmp", $"{prefix}-*"))
        {
            if (int.TryParse(Path.GetFileName(dir)[(prefix.Length + 1)..], out var pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                await Fleet.Lab.Lab.DownAsync(dir, _ => { }, CancellationToken.None);
            }
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

/// <summary>One lab of four hosts shared by the lab tests.</summary>
public sealed class LabFixture() : TestLab(HostCount, "fleet-test-lab")
{
    /// <summary>Number of hosts.</summary>
    public const int HostCount = 4;
}

/// <summary>Every lab test shares one lab and runs one after another.</summary>
[CollectionDefinition("lab")]
public sealed class LabCollection : ICollectionFixture<LabFixture>;
