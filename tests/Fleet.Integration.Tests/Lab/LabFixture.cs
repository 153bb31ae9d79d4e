using Fleet.Lab;

namespace Fleet.Integration.Tests.Lab;

/// <summary>
/// A lab for one test category, in its own directory; torn down at the end, even after failures.
/// Without root (and outside CI) it starts nothing: the lab tests skip with the reason. A category may put some hosts behind the
/// lab's delaying proxy (<paramref name="rtt"/>, <paramref name="rttHosts"/>), as <c>fleet lab up --rtt</c> does.
/// </summary>
public abstract class LabFixtureBase(int hostCount, string category, TimeSpan rtt = default, IReadOnlyList<string>? rttHosts = null) : IAsyncLifetime
{
    private const string Prefix = "fleet-test-lab-";
    private LabInfo? _info;
    private Exception? _failure;

    /// <summary>Number of hosts.</summary>
    public int HostCount { get; } = hostCount;

    /// <summary>The running lab; a failed start fails every lab test with its reason.</summary>
    public LabInfo Info => _info ?? throw new InvalidOperationException("the test lab did not start: " + (_failure?.Message ?? RootRequirement.SkipReason), _failure);

    /// <summary>The lab directory: the category and the test run's process, so a later run can tell whether it is left over.</summary>
    public string Dir { get; } = Path.Combine("/var/tmp", $"{Prefix}{category}-{Environment.ProcessId}");

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
            _info = await Fleet.Lab.Lab.UpAsync(new LabUpOptions { Hosts = HostCount, Dir = Dir, Rtt = rtt, RttHosts = rttHosts }, _ => { }, CancellationToken.None);
        }
        catch (Exception ex)
        {
            _failure = ex;
        }
    }

    /// <summary>A test run that was killed (no DisposeAsync) leaves its labs: take down those whose process is gone.</summary>
    private static async Task RemoveLabsOfDeadRunsAsync()
    {
        foreach (var dir in Directory.EnumerateDirectories("/var/tmp", Prefix + "*"))
        {
            var name = Path.GetFileName(dir);
            if (int.TryParse(name[(name.LastIndexOf('-') + 1)..], out var pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
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

/// <summary>One lab of four hosts shared by the engine, module and transport tests, which run one after another.</summary>
public sealed class LabFixture() : LabFixtureBase(HostCountValue, "shared")
{
    private const int HostCountValue = 4;
}

/// <summary>Every lab test shares one lab and runs one after another.</summary>
[CollectionDefinition("lab")]
public sealed class LabCollection : ICollectionFixture<LabFixture>;
