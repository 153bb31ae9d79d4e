using System.Text;

namespace Fleet.Core;

/// <summary>
/// Ansible's <c>key=value</c> text (free-form module arguments, <c>-e "a=1 b='x y'"</c>): words split at whitespace outside quotes,
/// quotes kept in the word, and a value's one pair of surrounding quotes removed.
/// </summary>
public static class KeyValueWords
{
    /// <summary>The words of <paramref name="text"/>: whitespace outside single or double quotes separates them.</summary>
    public static List<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        var jinja = 0; // as Ansible's split_args: a space inside {{ }}, {% %} or {# #} does not end a word
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (i + 1 < text.Length && c == '{' && text[i + 1] is '{' or '%' or '#')
            {
                jinja++;
            }
            else if (jinja > 0 && i > 0 && c == '}' && text[i - 1] is '}' or '%' or '#')
            {
                jinja--;
            }

            if (quote is null && jinja == 0 && char.IsWhiteSpace(c))
            {
                if (current.Length > 0)
                {
                    words.Add(current.ToString());
                    current.Clear();
                }

                continue;
            }

            if (c is '\'' or '"')
            {
                quote = quote == c ? null : quote ?? c;
            }

            current.Append(c);
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    /// <summary><paramref name="value"/> without one pair of matching surrounding quotes.</summary>
    public static string Unquote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length >= 2 && value[0] == value[^1] && value[0] is '\'' or '"' ? value[1..^1] : value;
    }
}
