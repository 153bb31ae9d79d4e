using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Unarchive;

/// <summary>A path's owner, group and mode as <c>stat</c> reads them.</summary>
/// <param name="Mode">Permission bits, four octal digits.</param>
/// <param name="Uid">Owner's id.</param>
/// <param name="Owner">Owner's name.</param>
/// <param name="Gid">Group's id.</param>
/// <param name="Group">Group's name.</param>
/// <param name="IsDirectory">A directory.</param>
/// <param name="IsLink">A symbolic link.</param>
public sealed record PathAttributes(string Mode, string Uid, string Owner, string Gid, string Group, bool IsDirectory, bool IsLink);

/// <summary>An archive compared with its destination, as Ansible's unarchive handlers see it.</summary>
/// <param name="Error">Why the archive cannot be read at all (missing, empty), or null.</param>
/// <param name="Uid">The id the comparison ran as (tar's owner differences count only for root, as in Ansible).</param>
/// <param name="Handler">The first of Ansible's handlers that can read the archive (TgzArchive, ZipArchive…), or null for none.</param>
/// <param name="Reasons">Why each handler tried before (or instead of) it could not.</param>
/// <param name="Files">The archive's members as the handler lists them (tar's escapes kept).</param>
/// <param name="Diff">tar --diff's lines (stdout and stderr); empty for zip.</param>
/// <param name="Zip">For zip: each member's state in the destination (same, differs, missing, notdir, notfile).</param>
/// <param name="Attributes">Owner, group and mode of each member and top folder present in the destination, when asked for.</param>
public sealed record ArchiveState(
    string? Error,
    int Uid,
    string? Handler,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> Diff,
    IReadOnlyList<(string State, string Name)> Zip,
    IReadOnlyDictionary<string, PathAttributes> Attributes);

/// <summary>
/// Reads an archive on the host (already there, or carried from the controller into a temporary file removed afterwards) and
/// compares it with the destination: Ansible's handler choice (unzip, then GNU tar with each compression), its member list,
/// tar's <c>--diff</c>, for zip each member's content, and the attributes of what is there. Changes nothing.
/// </summary>
/// <param name="Source">The archive on the host, or the controller's path when <paramref name="Upload"/> carries it.</param>
/// <param name="Upload">The archive's bytes from the controller, or null when it is on the host.</param>
/// <param name="Options">The task's request.</param>
/// <param name="WithAttributes">Also read each member's owner, group and mode (owner, group or mode is set).</param>
public sealed record ArchiveFact(string Source, ControllerArchive? Upload, ArchiveOptions Options, bool WithAttributes) : Fact<ArchiveState>
{
    /// <inheritdoc />
    public override string Description => $"{Source} against {Options.Dest}";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Tree(Options.Dest), Subject.Path(Source)];

    /// <summary>The lines that put the archive at <c>$src</c> (with <c>$w</c> a temporary directory removed on exit).</summary>
    public static string SourceSetup(string source, ControllerArchive? upload) =>
        "w=$(mktemp -d) || exit 1\ntrap 'rm -rf \"$w\"' EXIT\n" + (upload is null
            ? $"src={Sh.Quote(source)}\n"
            : $"src=\"$w/source\"\n{Sh.PrintBytes(upload.Bytes.Span)} > \"$src\"\n");

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var s = new StringBuilder(ArchiveOptions.Locale);
            s.Append($"cd {Sh.Quote(Options.Dest)} 2>/dev/null || {{ echo nodest; exit 0; }}\n");
            s.Append(SourceSetup(Source, Upload));
            s.Append($"[ -e \"$src\" ] || {{ printf 'error:Source %s does not exist\\n' {Sh.Quote("'" + Source + "'")}; exit 0; }}\n");
            s.Append($"[ -r \"$src\" ] || {{ printf 'error:Source %s not readable\\n' {Sh.Quote("'" + Source + "'")}; exit 0; }}\n");
            s.Append($"[ -s \"$src\" ] || {{ printf 'error:Invalid archive %s, the file is 0 bytes\\n' {Sh.Quote("'" + Source + "'")}; exit 0; }}\n");
            s.Append("printf 'uid:%s\\n' \"$(id -u)\"\nh=\nu=$(command -v unzip)\n");
            // Ansible's ZipArchive and ZipZArchive: unzip (and zipinfo) must exist and `unzip -l` must read the archive.
            s.Append("if [ -n \"$u\" ]; then\n"
                + "  if e=$(unzip -l \"$src\" 2>&1 >/dev/null); then if command -v zipinfo >/dev/null; then h=ZipArchive; else echo \"reason:Unable to find required 'zipinfo' binary in the path.\"; h=ZipZArchive; fi\n"
                + "  else printf 'reason:Command \"%s\" could not handle archive: %s\\n' \"$u\" \"$(printf '%s' \"$e\" | tr '\\n' ' ')\"; fi\n"
                + "else\n"
                + "  if command -v zipinfo >/dev/null; then echo \"reason:Unable to find required 'unzip' binary in the path.\"; else echo \"reason:Unable to find required 'unzip' or 'zipinfo' binary in the path.\"; fi\n"
                + "  echo \"reason:Unable to find required 'unzip' or 'unzip' binary in the path.\"\n"
                + "fi\n");
            s.Append("if [ -n \"$h\" ]; then\n  l=$(unzip -Z1 \"$src\")\n  printf 'handler:%s\\nlist:\\n%s\\nend:\\nzip:\\n' \"$h\" \"$l\"\n"
                + "  printf '%s\\n' \"$l\" | while IFS= read -r n; do\n"
                + "    case \"$n\" in\n"
                + "      */) if [ -d \"$n\" ]; then s=same; elif [ -e \"$n\" ]; then s=notdir; else s=missing; fi ;;\n"
                + "      *) if [ -d \"$n\" ] && [ ! -L \"$n\" ]; then s=notfile; elif [ ! -e \"$n\" ] && [ ! -L \"$n\" ]; then s=missing; elif unzip -p \"$src\" \"$n\" | cmp -s - \"$n\"; then s=same; else s=differs; fi ;;\n"
                + "    esac\n    printf '%s|%s\\n' \"$s\" \"$n\"\n  done\n  echo end:\n"
                + "else\n  tar=$(command -v gtar || command -v tar)\n"
                + "  if [ -z \"$tar\" ]; then echo \"reason:Unable to find required 'gtar' or 'tar' binary in the path\"\n"
                + "  elif ! \"$tar\" --version 2>/dev/null | head -n 1 | grep -q '^tar.*GNU'; then printf 'reason:Command \"%s\" detected as tar type None. GNU tar required.\\n' \"$tar\"\n"
                + "  else\n");
            foreach (var (handler, flag) in ArchiveOptions.TarHandlers)
            {
                s.Append($"    if [ -z \"$h\" ]; then\n      if l=$({Options.Tar("--list", flag)} 2>\"$w/err\"); then\n"
                    + $"        if [ -n \"$l\" ]; then h={handler}; printf 'handler:%s\\nlist:\\n%s\\nend:\\ndiff:\\n' \"$h\" \"$l\"; {Options.Tar("--diff", flag)} 2>&1; echo end:\n"
                    + "        else printf 'reason:Command \"%s\" found no files in archive. Empty archive files are not supported.\\n' \"$tar\"; fi\n"
                    + "      else printf 'reason:Command \"%s\" could not handle archive: Unable to list files in the archive: %s\\n' \"$tar\" \"$(tr '\\n' ' ' < \"$w/err\")\"; fi\n"
                    + "    fi\n");
            }

            s.Append("  fi\nfi\n");
            if (WithAttributes)
            {
                s.Append("if [ -n \"$h\" ]; then\n  echo attr:\n  printf '%s\\n' \"$l\" | while IFS= read -r n; do n=${n#/}; for p in \"$n\" \"${n%%/*}\"; do\n"
                    + "    if [ -n \"$p\" ] && { [ -e \"$p\" ] || [ -L \"$p\" ]; }; then printf '%s|%s\\n' \"$(stat -c '%a|%u|%U|%g|%G|%F' -- \"$p\")\" \"$p\"; fi\n"
                    + "  done; done\n  echo end:\nfi\n");
            }

            return s.ToString();
        }
    }

    /// <inheritdoc />
    public override ArchiveState Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n');
        if (lines[0] == "nodest")
        {
            return new ArchiveState($"Destination '{Options.Dest}' is not a directory", 0, null, [], [], [], [], new Dictionary<string, PathAttributes>());
        }

        if (lines.FirstOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal)) is { } error)
        {
            return new ArchiveState(error[6..], 0, null, [], [], [], [], new Dictionary<string, PathAttributes>());
        }

        var uid = -1;
        string? handler = null;
        var reasons = new List<string>();
        var files = new List<string>();
        var diff = new List<string>();
        var zip = new List<(string, string)>();
        var attributes = new Dictionary<string, PathAttributes>(StringComparer.Ordinal);
        string? section = null;
        foreach (var line in lines)
        {
            if (section is not null && line != "end:")
            {
                Add(section, line, files, diff, zip, attributes);
                continue;
            }

            section = line switch
            {
                "list:" or "diff:" or "zip:" or "attr:" => line,
                _ => null,
            };
            if (line.StartsWith("uid:", StringComparison.Ordinal))
            {
                uid = int.Parse(line[4..], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("reason:", StringComparison.Ordinal))
            {
                reasons.Add(line[7..].TrimEnd());
            }
            else if (line.StartsWith("handler:", StringComparison.Ordinal))
            {
                handler = line[8..];
            }
        }

        if (exitCode != 0 && handler is null)
        {
            return new ArchiveState($"the archive {Source} could not be read (exit {exitCode})", uid, null, reasons, [], [], [], attributes);
        }

        return new ArchiveState(null, uid, handler, reasons, files, diff, zip, attributes);
    }

    private static void Add(string section, string line, List<string> files, List<string> diff, List<(string, string)> zip, Dictionary<string, PathAttributes> attributes)
    {
        switch (section)
        {
            case "list:" when line.Length > 0:
                files.Add(line);
                break;
            case "diff:" when line.Length > 0:
                diff.Add(line);
                break;
            case "zip:" when line.IndexOf('|', StringComparison.Ordinal) is var bar and > 0:
                zip.Add((line[..bar], line[(bar + 1)..]));
                break;
            case "attr:":
                var f = line.Split('|', 7);
                if (f.Length == 7)
                {
                    attributes.TryAdd(f[6].TrimEnd('/'), new PathAttributes(f[0].PadLeft(4, '0'), f[1], f[2], f[3], f[4], f[5] == "directory", f[5] == "symbolic link"));
                }

                break;
        }
    }
}
