namespace Fleet.Core.Templating;

/// <summary>Variables as a template reads them, noting whether it read a text holding a secret (a decrypted vault value).</summary>
internal sealed class SecretReads(IVariableLookup inner, SecretTexts secrets) : IVariableLookup
{
    /// <summary>Shortest rendered text taken as derived from a secret: shorter results ("yes", "True") say too little to hide, and masking them would blank them everywhere.</summary>
    public const int MinDerivedLength = 8;

    /// <summary>True once a variable read held a secret text.</summary>
    public bool ReadSecret { get; private set; }

    public bool TryGet(string name, out object? value)
    {
        if (!inner.TryGet(name, out value))
        {
            return false;
        }

        if (!ReadSecret && value is string text && secrets.Contains(text))
        {
            ReadSecret = true;
        }

        return true;
    }
}
