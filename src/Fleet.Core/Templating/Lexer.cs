using System.Globalization;
using System.Text;

namespace Fleet.Core.Templating;

/// <summary>The kinds of tokens inside <c>{{ }}</c>, <c>{% %}</c> and conditions.</summary>
internal enum TokenKind { Name, Integer, Float, String, Operator, End }

/// <summary>One token, with its offset in the source (for line numbers).</summary>
internal sealed record Token(TokenKind Kind, string Text, object? Value, int Offset);

/// <summary>Splits Jinja expression text into tokens, as Jinja's lexer does (Python string escapes, balanced brackets).</summary>
internal static class Lexer
{
    private static readonly string[] Operators =
        ["**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", ".", ",", ":", "|", "(", ")", "[", "]", "{", "}"];

    /// <summary>Tokens of a whole expression (a condition).</summary>
    public static List<Token> Tokenize(string text)
    {
        var tokens = Tokenize(text, 0, null, out _, out _);
        return tokens;
    }

    /// <summary>
    /// Tokens from <paramref name="start"/> up to <paramref name="terminator"/> (<c>}}</c> or <c>%}</c>) outside brackets, or the end of
    /// the text when null; <paramref name="end"/> is the offset after the terminator, <paramref name="modifier"/> the <c>-</c> or <c>+</c> before it.
    /// With <paramref name="literalBackslashes"/> a string literal's backslashes are characters, not escapes (Ansible's doubling of them),
    /// except before the literal's own quote.
    /// </summary>
    public static List<Token> Tokenize(string text, int start, string? terminator, out int end, out char modifier, bool literalBackslashes = false)
    {
        var tokens = new List<Token>();
        var depth = 0;
        var i = start;
        modifier = '\0';
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (terminator is not null && depth == 0)
            {
                if (i + 3 <= text.Length && text[i] is '-' or '+' && string.CompareOrdinal(text, i + 1, terminator, 0, 2) == 0)
                {
                    modifier = text[i];
                    end = i + 3;
                    tokens.Add(new Token(TokenKind.End, "", null, i));
                    return tokens;
                }

                if (i + 2 <= text.Length && string.CompareOrdinal(text, i, terminator, 0, 2) == 0)
                {
                    end = i + 2;
                    tokens.Add(new Token(TokenKind.End, "", null, i));
                    return tokens;
                }
            }

            if (i >= text.Length)
            {
                if (terminator is not null)
                {
                    throw new FormatException($"unterminated '{(terminator == "}}" ? "{{" : "{%")}' (no '{terminator}')");
                }

                end = i;
                tokens.Add(new Token(TokenKind.End, "", null, i));
                return tokens;
            }

            var c = text[i];
            var at = i;
            if (char.IsLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Name, text[at..i], null, at));
            }
            else if (char.IsAsciiDigit(c))
            {
                tokens.Add(Number(text, ref i));
            }
            else if (c is '\'' or '"')
            {
                i++;
                var raw = new StringBuilder();
                while (i < text.Length && text[i] != c)
                {
                    if (text[i] == '\\' && i + 1 < text.Length && literalBackslashes && text[i + 1] == c)
                    {
                        i++; // Ansible's doubled backslash would end the string here, a syntax error: the quote is taken as meant
                    }
                    else if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        raw.Append(text[i]);
                        i++;
                    }

                    raw.Append(text[i]);
                    i++;
                }

                if (i >= text.Length)
                {
                    throw new FormatException("unterminated string");
                }

                i++;
                var value = literalBackslashes ? NormalizeNewlines(raw.ToString()) : Unescape(NormalizeNewlines(raw.ToString()));
                tokens.Add(new Token(TokenKind.String, text[at..i], value, at));
            }
            else
            {
                var op = Operators.FirstOrDefault(o => string.CompareOrdinal(text, i, o, 0, o.Length) == 0)
                    ?? throw new FormatException($"unexpected character '{c}'");
                i += op.Length;
                depth += op is "(" or "[" or "{" ? 1 : op is ")" or "]" or "}" ? -1 : 0;
                if (depth < 0)
                {
                    throw new FormatException($"unexpected '{op}'");
                }

                tokens.Add(new Token(TokenKind.Operator, op, null, at));
            }
        }
    }

    private static Token Number(string text, ref int i)
    {
        var at = i;
        static bool Digit(char ch) => char.IsAsciiDigit(ch) || ch == '_';
        while (i < text.Length && Digit(text[i]))
        {
            i++;
        }

        var isFloat = false;
        if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
        {
            isFloat = true;
            i++;
            while (i < text.Length && Digit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && text[i] is 'e' or 'E'
            && (i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]) || i + 2 < text.Length && text[i + 1] is '+' or '-' && char.IsAsciiDigit(text[i + 2])))
        {
            isFloat = true;
            i += 2;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        var number = text[at..i].Replace("_", "", StringComparison.Ordinal);
        return isFloat
            ? new Token(TokenKind.Float, text[at..i], double.Parse(number, CultureInfo.InvariantCulture), at)
            : new Token(TokenKind.Integer, text[at..i], long.TryParse(number, CultureInfo.InvariantCulture, out var whole) ? whole : throw new FormatException($"the number {number} is too large: it does not fit in a 64-bit integer (at most {long.MaxValue})"), at);
    }

    /// <summary>Jinja turns <c>\r\n</c> and <c>\r</c> into <c>\n</c> in template data and string literals.</summary>
    public static string NormalizeNewlines(string text) =>
        text.Contains('\r', StringComparison.Ordinal) ? text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n') : text;

    /// <summary>Python's <c>unicode-escape</c> decoding, as Jinja applies to string literals: unknown escapes keep their backslash.</summary>
    public static string Unescape(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length)
            {
                result.Append(text[i]);
                continue;
            }

            var e = text[++i];
            switch (e)
            {
                case '\\': result.Append('\\'); break;
                case '\'': result.Append('\''); break;
                case '"': result.Append('"'); break;
                case 'a': result.Append('\a'); break;
                case 'b': result.Append('\b'); break;
                case 'f': result.Append('\f'); break;
                case 'n': result.Append('\n'); break;
                case 'r': result.Append('\r'); break;
                case 't': result.Append('\t'); break;
                case 'v': result.Append('\v'); break;
                case '\n': break;
                case 'x' when Hex(text, i + 1, 2, out var x): result.Append((char)x); i += 2; break;
                case 'u' when Hex(text, i + 1, 4, out var u): result.Append((char)u); i += 4; break;
                case 'U' when Hex(text, i + 1, 8, out var big): result.Append(char.ConvertFromUtf32(big)); i += 8; break;
                case >= '0' and <= '7':
                    var octal = e - '0';
                    for (var n = 0; n < 2 && i + 1 < text.Length && text[i + 1] is >= '0' and <= '7'; n++)
                    {
                        octal = octal * 8 + (text[++i] - '0');
                    }

                    result.Append((char)octal);
                    break;
                default: result.Append('\\').Append(e); break;
            }
        }

        return result.ToString();
    }

    private static bool Hex(string text, int start, int length, out int value)
    {
        value = 0;
        return start + length <= text.Length && int.TryParse(text.AsSpan(start, length), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value);
    }
}
