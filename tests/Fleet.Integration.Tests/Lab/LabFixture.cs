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
            await RemoveLabsOfDeadRunsAsync();

            // The differential tests' oracle (ansible-playbook) runs on this machine; hosts see the machine as it is when they start.
            await MachinePackages.EnsureAsync(MachinePackages.Oracles, isRoot: true, _ => { }, CancellationToken.None);
            _info = await Fleet.Lab.Lab.UpAsync(new LabUpOptions { Hosts = HostCount, Dir = Dir }, _ => { }, CancellationToken.None);
        }
        catch (Exception ex)
        {
            _failure = ex;
        }
    }

    /// <summary>A test run that was killed (no DisposeAsync) leaves its lab: take down those whose process is gone.</summary>
    private static async Task RemoveLabsOfDeadRunsAsync()
    {
        foreach (var dir in Directory.EnumerateDirectories("/var/tmp", "fleet-test-lab-*"))
        {
            if (int.TryParse(Path.GetFileName(dir)["fleet-test-lab-".Length..], out var pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
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

/// <summary>Every lab test shares one lab and runs one after another.</summary>
[CollectionDefinition("lab")]
public sealed class LabCollection : ICollectionFixture<LabFixture>;
