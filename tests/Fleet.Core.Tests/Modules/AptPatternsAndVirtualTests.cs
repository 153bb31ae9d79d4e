using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Apt;
using Fleet.Core.Results;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>
/// apt names as Ansible's apt reads them: a pattern (<c>apport*</c>) expands over apt's real package names, and a virtual package
/// (<c>rng-tools</c>, which only rng-tools-debian provides) is installed through its provider. The fact's script runs with fake
/// dpkg-query and apt-cache on PATH; the planner from its parsed output.
/// </summary>
public sealed class AptPatternsAndVirtualTests : IDisposable
{
    private static readonly ModuleContext Apply = new("h", CheckMode: false, ".");
    private readonly FakeCommands _fakes = new();

    public void Dispose() => _fakes.Dispose();

    private static DpkgPackage Installed(string name, string version) => new(name, "amd64", "installed", version);

    private static TaskPlan Plan(ModuleArguments args, AptPackages packages)
    {
        var facts = new FactCache();
        foreach (var fact in new AptModule().Facts(args, Apply))
        {
            facts.Set(fact, fact is AptPackagesFact ? packages : throw new InvalidOperationException(fact.ToString()));
        }

        return new AptModule().Plan(args, facts, Apply);
    }

    private static AptPackages Provided(IReadOnlyList<DpkgPackage> packages, params (string Virtual, string[] Providers)[] providers) =>
        new(packages, new Dictionary<string, AptCandidate> { ["rng-tools"] = new(null, null) })
        {
            Providers = providers.ToDictionary(p => p.Virtual, p => (IReadOnlyList<string>)p.Providers),
        };

    [Theory]
    [InlineData("apport*", "^apport.*$")]
    [InlineData("rsh?", "^rsh.$")]
    [InlineData("talk[!d]", "^talk[^d]$")]
    [InlineData("libc++[0-9]:i386", "^libc[+][+][0-9]:i386$")]
    public void PatternRegex_IsFnmatchAsEre(string pattern, string regex)
    {
        Assert.True(PackageRequest.Parse(pattern).IsPattern);
        Assert.Equal(regex, PackageRequest.PatternRegex(pattern));
    }

    [Theory]
    [InlineData("apport*=1.0", "takes no version")]
    [InlineData("apport*;rm", "is not a package name pattern")]
    public void Parse_BadPattern_IsInputError(string name, string words)
    {
        var error = Assert.Throws<FleetInputException>(() => PackageRequest.Parse(name));

        Assert.Contains(words, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fact_Pattern_MatchesApt_sRealNativeNames_OnThisShell()
    {
        _fakes.Add("dpkg-query", """printf 'installed\tavahi-daemon\tamd64\t0.8-10\n'""");
        _fakes.Add("apt-cache", """[ "$1" = pkgnames ] && printf 'avahi-daemon\navahi-utils\navahi-daemon:i386\nrsync\nxavahi\n'""");
        var fact = new AptPackagesFact(new NameList(["avahi*", "rsync"]), false);

        var packages = fact.Parse(_fakes.Run(fact.Command).Stdout, 0);

        Assert.Equal(["avahi-daemon", "avahi-utils"], packages.MatchesOf("avahi*"));
        Assert.True(packages.Find("avahi-daemon")!.Installed);
    }

    [Fact]
    public void Fact_VirtualName_ReadsItsProvidersAndTheirState_OnThisShell()
    {
        _fakes.Add("dpkg-query", """case "$*" in *rng-tools-debian*) printf 'installed\trng-tools-debian\tamd64\t2.3\n' ;; esac""");
        _fakes.Add("apt-cache", """
            case "$1" in
              policy) printf 'rng-tools:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n' ;;
              showpkg) printf 'Package: rng-tools\nVersions: \n\nReverse Depends: \n  libgcrypt20,rng-tools\nDependencies: \nProvides: \nReverse Provides: \nrng-tools-debian 2.3 (= 2.3)\n' ;;
            esac
            """);
        var fact = new AptPackagesFact(new NameList(["rng-tools"]), false);

        var packages = fact.Parse(_fakes.Run(fact.Command).Stdout, 0);

        Assert.Equal(["rng-tools-debian"], packages.ProvidersOf("rng-tools"));
        Assert.True(packages.Find("rng-tools-debian")!.Installed);
        Assert.Null(packages.CandidateOf("rng-tools")!.Candidate);
    }

    [Fact]
    public void Plan_VirtualThatOneInstalledPackageProvides_IsNoOp()
    {
        var plan = Plan(Args(("name", new[] { "rng-tools" })), Provided([Installed("rng-tools-debian", "2.3")], ("rng-tools", ["rng-tools-debian"])));

        Assert.IsType<NoChange>(plan);
    }

    [Fact]
    public void Plan_VirtualNotProvidedYet_InstallsTheNameForAptToChoose()
    {
        var change = Assert.IsType<Change>(Plan(Args(("name", new[] { "rng-tools" })), Provided([], ("rng-tools", ["rng-tools-debian"]))));

        Assert.Equal(["install rng-tools"], change.Changes);
        Assert.Contains(" install -- rng-tools\n", change.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NoCandidateAndNoProvider_FailsInAnsiblesWords()
    {
        var plan = Plan(Args(("name", new[] { "rng-tools" })), Provided([]));

        Assert.Equal("No package matching 'rng-tools' is available", Assert.IsType<PlanFailure>(plan).Message);
    }

    [Fact]
    public void Plan_PatternMatchingNothing_FailsInAnsiblesWords()
    {
        var args = Args(("name", new[] { "apport*", "git" }), ("state", "absent"), ("purge", true));

        var plan = Plan(args, new AptPackages([Installed("git", "1:2.39.5")], null) { Matches = new Dictionary<string, IReadOnlyList<string>> { ["apport*"] = [] } });

        Assert.Equal("No package(s) matching 'apport*' available", Assert.IsType<PlanFailure>(plan).Message);
    }

    [Fact]
    public void Plan_PatternAbsent_PurgesTheInstalledMatchesOnly()
    {
        var args = Args(("name", new[] { "avahi*" }), ("state", "absent"), ("purge", true));
        var state = new AptPackages([Installed("avahi-daemon", "0.8-10")], null)
        {
            Matches = new Dictionary<string, IReadOnlyList<string>> { ["avahi*"] = ["avahi-daemon", "avahi-utils"] },
        };

        var change = Assert.IsType<Change>(Plan(args, state));

        Assert.Equal(["purge avahi-daemon 0.8-10"], change.Changes);
        Assert.Contains(" purge -- avahi-daemon\n", change.Script, StringComparison.Ordinal);
    }
}
