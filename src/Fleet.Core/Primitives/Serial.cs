using System.Globalization;

namespace Fleet.Core;

/// <summary>A batch size as written for <c>--serial</c> or a play's <c>serial</c>: "N" hosts (N &gt; 0) or "N%" (0 &lt; N ≤ 100).</summary>
public static class Serial
{
    /// <summary>Parses a batch size into a count of hosts or, when <paramref name="percent"/>, a percentage of them; false when it is neither.</summary>
    public static bool TryParse(string serial, out int count, out bool percent)
    {
        ArgumentNullException.ThrowIfNull(serial);
        var text = serial.Trim();
        percent = text.EndsWith('%');
        return int.TryParse(percent ? text[..^1] : text, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count > 0 && (!percent || count <= 100);
    }
}
