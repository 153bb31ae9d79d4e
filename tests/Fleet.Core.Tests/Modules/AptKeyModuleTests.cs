using System.Security.Cryptography;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.AptSources;
using Fleet.Tests;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>apt_key, files only: fingerprints as gpg prints them, armor removed as gpg --dearmor does, keys added and removed by id.</summary>
public sealed class AptKeyModuleTests
{
    private const string RepoKey = TestKeys.RepoKey;

    private const string RepoFingerprint = "BAACDA404EAC1BB4BE695BF08E692CC4600289AF";

    private const string OtherKey = """
        -----BEGIN PGP PUBLIC KEY BLOCK-----

        mDMEawfOlBYJKwYBBAHaRw8BAQdA7FDop0fK7Z1Vx8zYC+CQArKLwVtnK9NdI8Ug
        J2+tQg+0HkZsZWV0IE90aGVyIDxvdGhlckBmbGVldC50ZXN0PoiQBBMWCAA4FiEE
        OCEfJV0PLCGxArih3iEkRkg0gqUFAmsHzpQCGwMFCwkIBwIGFQoJCAsCBBYCAwEC
        HgECF4AACgkQ3iEkRkg0gqUrDwEA9/YhdXztxPfOgzoEWQ3PWyuvbYgbfV7Xxknx
        RDrp9okA/jR9/SxqG/r6kjQ6WtJvqkfrUyqiDCmEfQ7y71vROQYD
        =0Mb+
        -----END PGP PUBLIC KEY BLOCK-----
        """;

    private const string OtherFingerprint = "38211F255D0F2C21B102B8A1DE212446483482A5";

    private static TaskPlan Plan(FileState ring, params (string, object?)[] args)
    {
        var cache = new FactCache();
        cache.Set(new FileFact(Args(args).GetRequiredString("keyring"), WithContent: true), ring);
        return new AptKeyModule().Plan(Args(args), cache, new ModuleContext("h", false, "/tmp"));
    }

    private static FileState Ring(byte[] content) => new(FileType.File, "0644", "root", "root", content.Length, null, content);

    [Fact]
    public void Dearmor_GivesGpgsBytes_AndTheFingerprintGpgPrints()
    {
        var binary = OpenPgpKeys.Dearmor(RepoKey);

        Assert.Equal("3c4663454e6241f6959c544c8d42a06927d4b3abe05029e86dd9fa7f3ae3cf62", Convert.ToHexStringLower(SHA256.HashData(binary)));
        Assert.Equal(RepoFingerprint, Assert.Single(OpenPgpKeys.Keys(binary)).Fingerprints[0]);
    }

    [Fact]
    public void Present_NewGpgKeyring_WritesTheBinaryKey()
    {
        var change = Assert.IsType<Change>(Plan(FileState.Missing, ("keyring", "/etc/apt/keyrings/repo.gpg"), ("data", RepoKey), ("id", "0x8E692CC4600289AF")));

        Assert.Contains("printf '%s' " + Fleet.Core.Remote.Sh.Quote(Convert.ToBase64String(OpenPgpKeys.Dearmor(RepoKey))), change.Script, StringComparison.Ordinal);
        Assert.Equal(RepoFingerprint, change.Data["fp"]);
    }

    [Fact]
    public void Present_KeyAlreadyInTheRing_IsNoChange_EvenAmongOthers()
    {
        var ring = Ring([.. OpenPgpKeys.Dearmor(OtherKey), .. OpenPgpKeys.Dearmor(RepoKey)]);

        Assert.IsType<NoChange>(Plan(ring, ("keyring", "/etc/apt/keyrings/repo.gpg"), ("data", RepoKey)));
    }

    [Fact]
    public void Present_AnotherKeyInAGpgRing_IsAppended()
    {
        var other = OpenPgpKeys.Dearmor(OtherKey);

        var change = Assert.IsType<Change>(Plan(Ring(other), ("keyring", "/etc/apt/keyrings/repo.gpg"), ("data", RepoKey)));

        Assert.Contains(Fleet.Core.Remote.Sh.Quote(Convert.ToBase64String([.. other, .. OpenPgpKeys.Dearmor(RepoKey)])), change.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Present_AscKeyring_KeepsTheArmor() =>
        Assert.Contains(Fleet.Core.Remote.Sh.Quote(Convert.ToBase64String(Encoding.UTF8.GetBytes(RepoKey))),
            Assert.IsType<Change>(Plan(FileState.Missing, ("keyring", "/etc/apt/keyrings/repo.asc"), ("data", RepoKey))).Script, StringComparison.Ordinal);

    [Fact]
    public void Present_IdOfAnotherKey_IsPlanFailure() =>
        Assert.Contains("not id " + OtherFingerprint[^16..], Assert.IsType<PlanFailure>(Plan(FileState.Missing, ("keyring", "/k.gpg"), ("data", RepoKey), ("id", OtherFingerprint[^16..]))).Message, StringComparison.Ordinal);

    [Fact]
    public void Present_NotAKey_IsPlanFailure() =>
        Assert.StartsWith("not an OpenPGP public key", Assert.IsType<PlanFailure>(Plan(FileState.Missing, ("keyring", "/k.gpg"), ("data", "hello"))).Message, StringComparison.Ordinal);

    [Fact]
    public void Absent_RemovesOnlyThatKey_OrTheFileWhenItWasTheLast()
    {
        var both = Ring([.. OpenPgpKeys.Dearmor(OtherKey), .. OpenPgpKeys.Dearmor(RepoKey)]);

        var one = Assert.IsType<Change>(Plan(both, ("keyring", "/k.gpg"), ("id", RepoFingerprint[^8..]), ("state", "absent")));
        var last = Assert.IsType<Change>(Plan(Ring(OpenPgpKeys.Dearmor(RepoKey)), ("keyring", "/k.gpg"), ("id", RepoFingerprint), ("state", "absent")));

        Assert.Contains(Fleet.Core.Remote.Sh.Quote(Convert.ToBase64String(OpenPgpKeys.Dearmor(OtherKey))), one.Script, StringComparison.Ordinal);
        Assert.Equal("rm -f /k.gpg\n", last.Script);
        Assert.IsType<NoChange>(Plan(Ring(OpenPgpKeys.Dearmor(OtherKey)), ("keyring", "/k.gpg"), ("id", RepoFingerprint), ("state", "absent")));
        Assert.Contains("give id", Assert.IsType<PlanFailure>(Plan(FileState.Missing, ("keyring", "/k.gpg"), ("state", "absent"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UrlOrKeyserver_IsRefusedAtValidation() =>
        Assert.Contains("not supported", Assert.Single(new AptKeyModule().CheckCombination(new HashSet<string> { "keyring", "url" })), StringComparison.Ordinal);
}
