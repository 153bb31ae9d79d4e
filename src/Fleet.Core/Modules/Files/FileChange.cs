using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Files;

/// <summary>
/// Plans a regular file's content and attributes from its <see cref="FileFact"/>: nothing to do, or one script that writes
/// the content atomically (temporary file in the same directory, owner and mode set on it, then rename over the path).
/// </summary>
public static class FileChange
{
    /// <summary>The <c>validate</c> parameter of the modules that write a file (copy, template, lineinfile, blockinfile).</summary>
    public static ParameterSpec ValidateParameter { get; } = new("validate", ParameterType.String,
        "A command that checks the new file before it replaces the old one, %s standing for its path (e.g. \"/usr/sbin/sshd -t -f %s\"). The default is no check.");

    /// <summary>What a change to a path touches: the path and everything under it.</summary>
    public static IReadOnlyList<Subject> Touched(string path) => [Subject.Path(path)];

    /// <summary>
    /// Plans <paramref name="path"/> to hold <paramref name="content"/> (null: keep the content) with the given attributes (null: keep).
    /// </summary>
    public static TaskPlan Plan(string path, FileState state, byte[]? content, string? mode, string? owner, string? group, bool backup = false, string? validate = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (validate is not null && !validate.Contains("%s", StringComparison.Ordinal))
        {
            return new PlanFailure($"validate must contain %s (the path of the new file to check): {validate}");
        }

        if (state.Type is FileType.Directory or FileType.Other)
        {
            return new PlanFailure($"{path} is a {state.Type.ToString().ToLowerInvariant()}, not a regular file");
        }

        var changes = new List<string>();
        var writeContent = content is not null && (state.Content is null || !state.Content.AsSpan().SequenceEqual(content));
        if (content is not null && state.Exists && state.Content is null)
        {
            return new PlanFailure($"{path} is larger than {FileFact.MaxContentBytes} bytes: Fleet does not manage its content");
        }

        if (!state.Exists)
        {
            changes.Add($"{path} created");
        }
        else if (writeContent)
        {
            changes.Add($"{path} content changed");
        }

        // Only described here: the diff is computed if and when it is shown (check mode, --diff).
        Func<string>? diff = null;
        if (writeContent)
        {
            var before = state;
            diff = () => IsText(content!) && (before.Content is null || IsText(before.Content))
                ? TextDiff.Unified(before.Text ?? "", Encoding.UTF8.GetString(content!), path)
                : $"binary file {path} differs";
        }

        var desiredMode = mode is null ? null : FileMode.Resolve(mode, state.Mode, isDirectory: false);
        if (state.Exists && desiredMode is not null && desiredMode != state.Mode)
        {
            changes.Add(string.Create(CultureInfo.InvariantCulture, $"{path} mode {state.Mode} → {desiredMode}"));
        }

        if (state.Exists && owner is not null && owner != state.Owner)
        {
            changes.Add($"{path} owner {state.Owner} → {owner}");
        }

        if (state.Exists && group is not null && group != state.Group)
        {
            changes.Add($"{path} group {state.Group} → {group}");
        }

        if (changes.Count == 0)
        {
            return new NoChange($"{path} already as desired");
        }

        var script = new StringBuilder("set -e\n");
        var p = Sh.Quote(path);
        if (state.Exists && !writeContent)
        {
            AppendAttributes(script, p, owner, group, desiredMode);
        }
        else
        {
            if (backup && state.Exists)
            {
                script.Append(CultureInfo.InvariantCulture, $"cp -p {p} {p}.$(date +%Y%m%d%H%M%S).bak\n");
            }

            var directory = Sh.Quote(Path.GetDirectoryName(path) is { Length: > 0 } d ? d : "/");
            script.Append(CultureInfo.InvariantCulture, $"[ -d {directory} ] || {{ printf 'destination directory %s does not exist\\n' {directory} >&2; exit 1; }}\n");
            script.Append(CultureInfo.InvariantCulture, $"t=$(mktemp {directory}/.fleet.XXXXXX)\n");
            script.Append("trap 'rm -f \"$t\"' EXIT\n");
            script.Append(Sh.PrintBytes(content ?? [])).Append(" > \"$t\"\n");
            if (state.Exists)
            {
                script.Append(CultureInfo.InvariantCulture, $"chown --reference={p} \"$t\"\nchmod --reference={p} \"$t\"\n");
            }
            else
            {
                script.Append("chmod 0644 \"$t\"\n");
            }

            AppendAttributes(script, "\"$t\"", owner, group, desiredMode);
            if (validate is not null)
            {
                // As Ansible: the command checks the new file before it replaces the old one; %s is its temporary path.
                var command = validate.Replace("%s", "\"$t\"", StringComparison.Ordinal);
                script.Append(CultureInfo.InvariantCulture, $"( {command}\n) || {{ printf 'validation failed, %s left unchanged: %s\\n' {p} {Sh.Quote(validate)} >&2; exit 1; }}\n");
            }

            script.Append(CultureInfo.InvariantCulture, $"mv -f \"$t\" {p}\ntrap - EXIT\n");
        }

        var after = new FileState(
            FileType.File,
            desiredMode ?? (state.Exists ? state.Mode : "0644"),
            owner ?? state.Owner,
            group ?? state.Group,
            content?.LongLength ?? state.Size,
            null,
            content ?? state.Content);
        return new Change(changes, script.ToString(), Touched(path)) { DiffSource = diff, Predicted = Predict(path, after) };
    }

    /// <summary>The facts about <paramref name="path"/> once it holds <paramref name="after"/>.</summary>
    public static IReadOnlyDictionary<Fact, object> Predict(string path, FileState after)
    {
        ArgumentNullException.ThrowIfNull(after);
        return new Dictionary<Fact, object>
        {
            [new FileFact(path, WithContent: true)] = after,
            [new FileFact(path)] = after with { Content = null },
            [new PathExistsFact(path)] = after.Exists,
        };
    }

    /// <summary>The chown, chgrp and chmod lines for the attributes given (each null one is left as it is).</summary>
    internal static void AppendAttributes(StringBuilder script, string quotedPath, string? owner, string? group, string? mode)
    {
        if (owner is not null)
        {
            script.Append(CultureInfo.InvariantCulture, $"chown {Sh.Quote(owner)} {quotedPath}\n");
        }

        if (group is not null)
        {
            script.Append(CultureInfo.InvariantCulture, $"chgrp {Sh.Quote(group)} {quotedPath}\n");
        }

        if (mode is not null)
        {
            script.Append(CultureInfo.InvariantCulture, $"chmod {Sh.Quote(mode)} {quotedPath}\n");
        }
    }

    private static bool IsText(byte[] bytes) => !bytes.Contains((byte)0);
}
