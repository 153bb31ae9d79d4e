using System.Text;

namespace Fleet.Cli.Output;

/// <summary>
/// A writer that drops the spaces at the end of each line (Spectre pads help and grids to the console's width) and passes
/// everything else on; color escape sequences between the padding and the line's end are kept.
/// </summary>
internal sealed class TrimmedLinesWriter(TextWriter inner) : TextWriter
{
    private readonly StringBuilder _pending = new();
    private bool _inEscape;

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (_inEscape || value == '\e')
        {
            // An escape sequence (ESC [ … final letter) changes no column: held with the spaces, kept without them at a line's end.
            _pending.Append(value);
            _inEscape = value is '\e' or '[' || value is not (>= '@' and <= '~');
            return;
        }

        if (value == ' ')
        {
            _pending.Append(value);
            return;
        }

        if (_pending.Length > 0)
        {
            inner.Write(value is '\n' or '\r' ? _pending.Replace(" ", "", 0, _pending.Length).ToString() : _pending.ToString());
            _pending.Clear();
        }

        inner.Write(value);
    }

    public override void Flush()
    {
        inner.Flush();
    }
}
