namespace Fleet.Tests;

/// <summary>OpenPGP keys for the apt_key tests (unit and lab), made once with gpg; no private half is kept.</summary>
internal static class TestKeys
{
    /// <summary>A test key made with gpg --quick-gen-key (ed25519); gpg --fingerprint says BAACDA404EAC1BB4BE695BF08E692CC4600289AF.</summary>
    public const string RepoKey = """
        -----BEGIN PGP PUBLIC KEY BLOCK-----

        mDMEawfOjxYJKwYBBAHaRw8BAQdAwVa49LsLVv22g+8G6sHGNzI4Ul+g2ZBx2qYK
        r0Urpcy0IUZsZWV0IFRlc3QgUmVwbyA8cmVwb0BmbGVldC50ZXN0PoiQBBMWCAA4
        FiEEuqzaQE6sG7S+aVvwjmksxGACia8FAmsHzo8CGwMFCwkIBwIGFQoJCAsCBBYC
        AwECHgECF4AACgkQjmksxGACia/oogD/Wmp5dnDh7a1AEPQXmc/r9o8w1nh6r0Jg
        GxLM5mqQ8WwBAPIJLbvO3ErxNgheNNn+38muYSpeheOHREMHZXq5y0sF
        =PkhE
        -----END PGP PUBLIC KEY BLOCK-----
        """;
}
