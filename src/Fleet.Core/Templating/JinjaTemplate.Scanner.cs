using System.Text.RegularExpressions;

namespace Fleet.Core.Templating;

// Scanning: the template's text cut into text pieces and tag token lists, with whitespace control applied.
public sealed partial class JinjaTemplate
{
    // A scanned piece: text, or a tag's tokens (Kind "{{" or "{%").
    private sealed record Piece(string Kind, string Text, List<Token> Tokens, int Offset);

    private static List<Piece> Scan(string text, string file, TemplateOptions options)
    {
        var pieces = new List<Piece>();
        var position = 0;
        var stripNext = false;
        var trimNewline = false;
        var lineStarting = true;
        while (true)
        {
            var open = NextTag(text, position);
            var data = text[position..(open < 0 ? text.Length : open)];
            if (stripNext)
            {
                data = data.TrimStart();
            }
            else if (trimNewline && data.StartsWith('\n'))
            {
                data = data[1..];
            }

            if (open < 0)
            {
                AddText(pieces, data, position);
                return pieces;
            }

            var kind = text.Substring(open, 2);
            var i = open + 2;
            var sign = i < text.Length && text[i] is '-' or '+' ? text[i] : '\0';
            if (sign == '-')
            {
                data = data.TrimEnd();
            }
            else if (sign != '+' && options.LstripBlocks && kind != "{{")
            {
                var lineStart = data.LastIndexOf('\n') + 1;
                if ((lineStart > 0 || lineStarting) && data[lineStart..].All(char.IsWhiteSpace))
                {
                    data = data[..lineStart];
                }
            }

            AddText(pieces, data, position);
            if (sign != '\0')
            {
                i++;
            }

            try
            {
                char close;
                int end;
                if (kind == "{#")
                {
                    var commentEnd = text.IndexOf("#}", i, StringComparison.Ordinal);
                    if (commentEnd < 0)
                    {
                        throw new FormatException("missing '#}'");
                    }

                    close = commentEnd > i && text[commentEnd - 1] is '-' or '+' ? text[commentEnd - 1] : '\0';
                    end = commentEnd + 2;
                }
                else
                {
                    var tokens = Lexer.Tokenize(text, i, kind == "{{" ? "}}" : "%}", out end, out close, kind == "{{" && options.EscapeBackslashes);
                    if (kind == "{%" && tokens is [{ Kind: TokenKind.Name, Text: "raw" }, { Kind: TokenKind.End }])
                    {
                        var endRaw = EndRaw().Match(text, end);
                        if (!endRaw.Success)
                        {
                            throw new FormatException("missing '{% endraw %}'");
                        }

                        var raw = text[end..endRaw.Index];
                        raw = close == '-' ? raw.TrimStart() : options.TrimBlocks && close != '+' && raw.StartsWith('\n') ? raw[1..] : raw;
                        raw = endRaw.Groups[1].Value == "-" ? raw.TrimEnd() : raw;
                        AddText(pieces, raw, end);
                        close = endRaw.Groups[2].Value is { Length: 1 } s ? s[0] : '\0';
                        end = endRaw.Index + endRaw.Length;
                    }
                    else
                    {
                        pieces.Add(new Piece(kind, "", tokens, open));
                    }
                }

                stripNext = close == '-';
                trimNewline = kind != "{{" && close != '+' && options.TrimBlocks;
                position = end;
                // What the next text loses, found without copying the rest of the text (a copy per tag made parsing quadratic).
                var consumedEnd = end;
                if (stripNext)
                {
                    while (consumedEnd < text.Length && char.IsWhiteSpace(text[consumedEnd]))
                    {
                        consumedEnd++;
                    }
                }
                else if (trimNewline && end < text.Length && text[end] == '\n')
                {
                    consumedEnd++;
                }

                lineStarting = consumedEnd > end && text[consumedEnd - 1] == '\n';
            }
            catch (FormatException ex)
            {
                throw new FleetInputException(Location(text, file, open), $"template syntax error: {ex.Message}");
            }
        }
    }

    private static void AddText(List<Piece> pieces, string data, int offset)
    {
        if (data.Length > 0)
        {
            pieces.Add(new Piece("text", Lexer.NormalizeNewlines(data), [], offset));
        }
    }

    private static int NextTag(string text, int from)
    {
        var i = from;
        while ((i = text.IndexOf('{', i)) >= 0 && i + 1 < text.Length)
        {
            if (text[i + 1] is '{' or '%' or '#')
            {
                return i;
            }

            i++;
        }

        return -1;
    }

    [GeneratedRegex(@"\{%([-+]?)\s*endraw\s*([-+]?)%\}")]
    private static partial Regex EndRaw();

    private static SourceLocation Location(string text, string file, int offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new SourceLocation(file, line, offset - lineStart + 1);
    }
}
