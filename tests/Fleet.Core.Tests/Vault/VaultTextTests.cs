using System.Diagnostics;
using System.Text;
using Fleet.Core.Vault;

namespace Fleet.Core.Tests.Vault;

/// <summary>Ansible Vault's format, against files the real ansible-vault made (and, when it is installed, makes now).</summary>
public sealed class VaultTextTests : IDisposable
{
    private readonly TempFiles _files = new();

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Plain(string vaulted, string password) =>
        Encoding.UTF8.GetString(VaultText.Decrypt(VaultText.Parse(vaulted), Bytes(password)) ?? throw new InvalidOperationException("wrong password"));

    [Fact]
    public void Decrypt_FileAnsibleVaultEncrypted_GivesTheFileBack()
    {
        var plain = Plain(VaultFixtures.Text("vars-1.1.vault.yml"), VaultFixtures.Password);

        Assert.StartsWith("# group_vars made to be encrypted whole\n", plain, StringComparison.Ordinal);
        Assert.Contains("db_password: \"s3cret-db-pass\"\n", plain, StringComparison.Ordinal);
        Assert.EndsWith("  second line\n", plain, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Format12_NamesItsVaultId()
    {
        var envelope = VaultText.Parse(VaultFixtures.Text("vars-1.2-prod.vault.yml"));

        Assert.Equal(("1.2", "prod"), (envelope.Version, envelope.VaultId));
        Assert.Contains("db_port: 5432", Plain(VaultFixtures.Text("vars-1.2-prod.vault.yml"), VaultFixtures.ProdPassword), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Format11_HasNoVaultId() => Assert.Null(VaultText.Parse(VaultFixtures.Text("vars-1.1.vault.yml")).VaultId);

    [Fact]
    public void Decrypt_WrongPassword_IsNull() =>
        Assert.Null(VaultText.Decrypt(VaultText.Parse(VaultFixtures.Text("vars-1.1.vault.yml")), Bytes("not-the-password")));

    [Fact]
    public void Decrypt_CiphertextChanged_FailsTheHmacCheck()
    {
        var envelope = VaultText.Parse(VaultFixtures.Text("vars-1.1.vault.yml"));
        var changed = (byte[])envelope.Ciphertext.Clone();
        changed[5] ^= 1;

        Assert.Null(VaultText.Decrypt(envelope with { Ciphertext = changed }, Bytes(VaultFixtures.Password)));
    }

    [Theory]
    [InlineData("$ANSIBLE_VAULT;1.1\n3031\n", "header")]
    [InlineData("$ANSIBLE_VAULT;2.0;AES256\n3031\n", "version 2.0")]
    [InlineData("$ANSIBLE_VAULT;1.1;AES128\n3031\n", "cipher AES128")]
    [InlineData("$ANSIBLE_VAULT;1.1;AES256\nnot hex at all\n", "not hexadecimal")]
    [InlineData("$ANSIBLE_VAULT;1.1;AES256\n3031\n", "salt, an HMAC and the ciphertext")]
    public void Parse_Damaged_SaysWhat(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<VaultFormatException>(() => VaultText.Parse(text)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("")]
    [InlineData("exactly sixteen!")]
    [InlineData("a value over several AES blocks, so that the counter is incremented more than once: 0123456789abcdef")]
    public void Encrypt_ThenDecrypt_GivesThePlaintext(string plaintext) =>
        Assert.Equal(plaintext, Plain(VaultText.Encrypt(Bytes(plaintext), Bytes("pw")), "pw"));

    [Fact]
    public void Encrypt_WithVaultId_WritesFormat12InLinesOf80()
    {
        var text = VaultText.Encrypt(Bytes("x"), Bytes("pw"), "prod");

        Assert.StartsWith("$ANSIBLE_VAULT;1.2;AES256;prod\n", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n').Skip(1).SkipLast(2), line => Assert.Equal(80, line.Length));
    }

    [Fact]
    public void Decrypt_MadeNowByAnsibleVault_GivesThePlaintext()
    {
        if (!HasAnsibleVault())
        {
            return; // the checked-in fixtures above prove the format; this also proves it against the installed version
        }

        var password = _files.Write("pw", "fresh-password\n");
        var file = _files.Write("secret.yml", "token: fresh-é-value\n");
        Run("encrypt", "--vault-id", $"fresh@{password}", file);

        Assert.Equal("token: fresh-é-value\n", Plain(File.ReadAllText(file), "fresh-password"));
        Assert.Equal("fresh", VaultText.Parse(File.ReadAllText(file)).VaultId);
    }

    [Fact]
    public void Encrypt_ReadByAnsibleVault_GivesThePlaintext()
    {
        if (!HasAnsibleVault())
        {
            return;
        }

        var password = _files.Write("pw", "fleet-made\n");
        var file = _files.Write("by-fleet.yml", VaultText.Encrypt(Bytes("made: by fleet\n"), Bytes("fleet-made")));

        Assert.Equal("made: by fleet\n", Run("view", "--vault-password-file", password, file));
    }

    public void Dispose() => _files.Dispose();

    private static bool HasAnsibleVault() => File.Exists("/usr/bin/ansible-vault");

    private static string Run(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/ansible-vault") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ansible-vault {string.Join(' ', args)}: {error}");
        return output;
    }
}
