using Fleet.Core.Inputs;
using Fleet.Core.Vault;
using Fleet.Core.Yaml;

namespace Fleet.Core.Tests.Vault;

/// <summary>Vaulted inputs through the one input pipeline: whole files and !vault values decrypt, and are marked secret; every failure is one located line.</summary>
public sealed class VaultInputsTests : IDisposable
{
    private readonly TempFiles _files = new();

    private string InventoryWith(string groupVarsFixture)
    {
        var inventory = _files.Write("inv/hosts.yml", "all:\n  hosts:\n    web1:\n");
        _files.Write("inv/group_vars/all.yml", VaultFixtures.Text(groupVarsFixture));
        return inventory;
    }

    [Fact]
    public void Load_GroupVarsEncryptedWhole_HostGetsTheValuesAsTyped()
    {
        var inputs = RunInputs.Load(new RunInputsOptions { Inventory = InventoryWith("vars-1.1.vault.yml"), CheckTargets = false, Vault = VaultFixtures.Both });

        var vars = inputs.Inventory.Hosts.Single().Vars;
        Assert.Equal(VaultFixtures.DbPassword, vars["db_password"]);
        Assert.Equal(5432L, vars["db_port"]);
        Assert.Equal("first line\nsecond line\n", vars["motd"]);
        Assert.True(inputs.Vault.Secrets.Contains(VaultFixtures.DbPassword));
    }

    [Fact]
    public void Load_GroupVarsWithVaultId_DecryptsWithThatLabelsPassword()
    {
        var inputs = RunInputs.Load(new RunInputsOptions { Inventory = InventoryWith("vars-1.2-prod.vault.yml"), CheckTargets = false, Vault = VaultFixtures.Both });

        Assert.Equal(VaultFixtures.DbPassword, inputs.Inventory.Hosts.Single().Vars["db_password"]);
    }

    [Fact]
    public void Load_NoPassword_IsOneErrorAtTheFileNamingTheOptions()
    {
        var inventory = InventoryWith("vars-1.1.vault.yml");

        var ex = Assert.Throws<FleetInputException>(() => RunInputs.Load(new RunInputsOptions { Inventory = inventory, CheckTargets = false }));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(new SourceLocation(Path.Combine(_files.Dir, "inv", "group_vars", "all.yml"), 1, 1), error.Location);
        Assert.Contains("no vault password was given: use --vault-password-file FILE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongPassword_IsOneErrorAtTheFile()
    {
        var inventory = InventoryWith("vars-1.1.vault.yml");

        var ex = Assert.Throws<FleetInputException>(() => RunInputs.Load(new RunInputsOptions
        {
            Inventory = inventory, CheckTargets = false, Vault = VaultFixtures.Keyring(("default", "wrong")),
        }));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(1, error.Location?.Line);
        Assert.Equal("cannot decrypt this file: no vault password given fits it (tried vault id 'default'); a wrong password, or data changed since it was encrypted", error.Message);
    }

    [Fact]
    public void LoadVariables_VaultValues_DecryptEachWithItsIdsPasswordFirst()
    {
        var errors = new List<InputError>();
        using var scope = VaultKeyring.Use(VaultFixtures.Both);

        var vars = (IReadOnlyDictionary<string, object?>)YamlFile.ToValue(YamlFile.LoadVariables(VaultFixtures.PathOf("strings.yml"), "vars file", errors)!)!;

        Assert.Empty(errors);
        Assert.Equal(("visible", VaultFixtures.ApiToken, VaultFixtures.ProdToken), (vars["plain"], vars["api_token"], vars["prod_token"]));
    }

    [Fact]
    public void LoadVariables_VaultValues_AreSecretButPlainValuesAreNot()
    {
        var keyring = VaultFixtures.Both;
        using var scope = VaultKeyring.Use(keyring);

        YamlFile.LoadVariables(VaultFixtures.PathOf("strings.yml"), "vars file", []);

        Assert.True(keyring.Secrets.Contains(VaultFixtures.ProdToken));
        Assert.False(keyring.Secrets.Contains("visible"));
    }

    [Fact]
    public void LoadVariables_OnlyTheOtherLabelsPassword_StillDecryptsAsAnsibleDoes()
    {
        using var scope = VaultKeyring.Use(VaultFixtures.Keyring(("other", VaultFixtures.ProdPassword), ("default", VaultFixtures.Password)));

        var mapping = YamlFile.LoadVariables(VaultFixtures.PathOf("strings.yml"), "vars file", []);

        Assert.Equal(VaultFixtures.ProdToken, ((IReadOnlyDictionary<string, object?>)YamlFile.ToValue(mapping!)!)["prod_token"]);
    }

    [Fact]
    public void LoadVariables_VaultValueWrongPassword_IsLocatedAtTheValue()
    {
        var errors = new List<InputError>();
        using var scope = VaultKeyring.Use(VaultFixtures.Keyring(("default", VaultFixtures.Password)));

        YamlFile.LoadVariables(VaultFixtures.PathOf("strings.yml"), "vars file", errors);

        var error = Assert.Single(errors);
        Assert.Equal((10, 13), (error.Location?.Line, error.Location?.Column));
        Assert.StartsWith("cannot decrypt this !vault value: no vault password given fits it (tried vault id 'default'; it names vault id 'prod')", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hosts.yml", "all:\n  hosts:\n    web1: { tier: front }\n")]
    [InlineData("hosts", "[web]\nweb1 tier=front\n")]
    public void Load_InventoryFileEncryptedWhole_YamlOrIni_IsRead(string name, string text)
    {
        var inventory = _files.Write("inv/" + name, VaultText.Encrypt(System.Text.Encoding.UTF8.GetBytes(text), "pw"u8.ToArray()));

        var inputs = RunInputs.Load(new RunInputsOptions { Inventory = inventory, CheckTargets = false, Vault = VaultFixtures.Keyring(("default", "pw")) });

        Assert.Equal("front", inputs.Inventory.Hosts.Single().Vars["tier"]);
    }

    [Fact]
    public void Parse_VaultValueDamaged_SaysSoAtTheValue()
    {
        var file = _files.Write("bad.yml", "x: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  zz\n");
        using var scope = VaultKeyring.Use(VaultFixtures.Both);

        var ex = Assert.Throws<FleetInputException>(() => YamlFile.Load(file));

        Assert.Equal($"{file}:1:4: this !vault value is damaged Ansible Vault data: the payload is not hexadecimal text", Assert.Single(ex.Errors).ToString());
    }

    [Fact]
    public void Parse_VaultTagOnAMapping_IsRefused()
    {
        var file = _files.Write("bad.yml", "x: !vault\n  a: 1\n");

        var ex = Assert.Throws<FleetInputException>(() => YamlFile.Load(file));

        Assert.Contains("!vault tags one encrypted value", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_VaultedValueLooksLikeANumber_StaysText()
    {
        var vaulted = VaultText.Encrypt("22"u8.ToArray(), "pw"u8.ToArray()).Replace("\n", "\n  ", StringComparison.Ordinal);
        var file = _files.Write("num.yml", "port: !vault |\n  " + vaulted);
        using var scope = VaultKeyring.Use(VaultFixtures.Keyring(("default", "pw")));

        Assert.Equal("22", ((IReadOnlyDictionary<string, object?>)YamlFile.ToValue(YamlFile.Load(file)!)!)["port"]);
    }

    public void Dispose() => _files.Dispose();
}
