using System.Globalization;
using System.Text;

namespace Fleet.Core.Reports;

/// <summary>
/// Text from hosts (stderr, file content in diffs) made safe to show and to put in XML: control characters other than newline
/// and tab become visible escapes (<c>\x1B</c>), so remote output can neither drive the operator's terminal nor break a JUnit file.
/// </summary>
public static class PrintableText
{
    /// <summary>The text with control characters escaped; null stays null.</summary>
    public static string? Of(string? text)
    {
        if (text is null || !NeedsEscaping(text))
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                continue; // CRLF line endings read as plain newlines
            }

            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    result.Append(c).Append(text[++i]);
                }
                else
                {
                    result.Append('\uFFFD');
                }

                continue;
            }

            if (IsControl(c))
            {
                result.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}");
                continue;
            }

            result.Append(c);
        }

        return result.ToString();
    }

    private static bool IsControl(char c) => (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F) || c is '\uFFFE' or '\uFFFF';

    private static bool NeedsEscaping(string text)
    {
        foreach (var c in text)
        {
            if (IsControl(c) || char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }
}
