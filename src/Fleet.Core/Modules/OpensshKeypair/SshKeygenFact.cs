using System.Globalization;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.OpensshKeypair;

/// <summary>What <c>ssh-keygen</c> on the host says about a private key file.</summary>
/// <param name="HasKeygen">ssh-keygen is on the host's PATH.</param>
/// <param name="Exists">Something is at the path.</param>
/// <param name="ListExit">Exit status of <c>ssh-keygen -l -f PATH</c>.</param>
/// <param name="List">Its first line of output ("4096 SHA256:… comment (RSA)").</param>
/// <param name="PublicExit">Exit status of <c>ssh-keygen -P '' -y -f PATH</c> (255: unreadable or passphrase-protected).</param>
/// <param name="Public">Its output: the public key the private key holds ("ssh-rsa AAAA… comment").</param>
/// <param name="PublicError">Its standard error, on one line, when it failed.</param>
public sealed record SshKeygenState(bool HasKeygen, bool Exists, int ListExit, string List, int PublicExit, string Public, string PublicError);

/// <summary>Reads a private key with the host's <c>ssh-keygen</c> (the opensshbin backend's <c>-l</c> and <c>-y</c>); never changes it.</summary>
/// <param name="Path">The private key's path on the host.</param>
public sealed record SshKeygenFact(string Path) : Fact<SshKeygenState>
{
    /// <inheritdoc />
    public override string Description => Path;

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Path(Path), Subject.Path(Path + ".pub")];

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var p = Sh.Quote(Path);
            // stdin from /dev/null: a passphrase-protected key must fail, not wait for a passphrase.
            return "if ! command -v ssh-keygen >/dev/null 2>&1; then echo no-keygen; exit 0; fi\n"
                + $"if [ ! -e {p} ]; then echo missing; exit 0; fi\n"
                + "echo present\n"
                + $"o=$(ssh-keygen -l -f {p} </dev/null 2>/dev/null); printf '%s\\n%s\\n' \"$?\" \"$(printf '%s' \"$o\" | tr '\\n' ' ')\"\n"
                + $"o=$(ssh-keygen -P '' -y -f {p} </dev/null 2>/dev/null); r=$?; printf '%s\\n%s\\n' \"$r\" \"$(printf '%s' \"$o\" | tr '\\n' ' ')\"\n"
                + $"if [ \"$r\" -ne 0 ]; then ssh-keygen -P '' -y -f {p} </dev/null 2>&1 >/dev/null | tr '\\n' ' '; fi\necho\n";
        }
    }

    /// <inheritdoc />
    public override SshKeygenState Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n');
        switch (lines[0].Trim())
        {
            case "no-keygen":
                return new SshKeygenState(false, false, 0, "", 0, "", "");
            case "missing":
                return new SshKeygenState(true, false, 0, "", 0, "", "");
        }

        string Line(int i) => i < lines.Length ? lines[i].TrimEnd() : "";
        int Exit(int i) => int.TryParse(Line(i), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 255;
        return new SshKeygenState(true, true, Exit(1), Line(2), Exit(3), Line(4), Line(5));
    }
}
