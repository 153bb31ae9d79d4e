namespace Fleet.Core;

/// <summary>A password or passphrase: its text is never formatted into logs, reports or exceptions.</summary>
public sealed class Secret(string value)
{
    /// <summary>The secret text; read it only where it is handed to the transport.</summary>
    public string Reveal() => value;

    /// <inheritdoc />
    public override string ToString() => "********";
}
