using Fleet.Core.Vault;
using Fleet.Tests;

namespace Fleet.Core.Tests.Vault;

/// <summary>
/// Files made by ansible-vault 2.14 (Fixtures/): vars-1.1.vault.yml with password.txt, vars-1.2-prod.vault.yml with vault id prod
/// and prod-password.txt, strings.yml with an encrypt_string value of each.
/// </summary>
internal static class VaultFixtures
{
    public const string Password = "fleet-vault-test";
    public const string ProdPassword = "prod-pass-2026";
    public const string DbPassword = "s3cret-db-pass";
    public const string ApiToken = "tok-3f9a-default";
    public const string ProdToken = "tok-77c1-prod";

    public static string Dir { get; } = Path.Combine(Repository.Root, "tests", "Fleet.Core.Tests", "Vault", "Fixtures");

    public static string PathOf(string name) => Path.Combine(Dir, name);

    public static string Text(string name) => File.ReadAllText(PathOf(name));

    public static VaultKeyring Keyring(params (string Label, string Password)[] identities) =>
        new(identities.Select(i => new VaultIdentity(i.Label, new Secret(i.Password))).ToList());

    public static VaultKeyring Both => Keyring(("default", Password), ("prod", ProdPassword));
}
