using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Files;

/// <summary>
/// Plans a regular file's content and attributes from its <see cref="FileFact"/>: nothing to do, or one script that writes
/// the content with <see cref="RemoteFileWriter"/> (or only sets the attributes when the content stays).
/// </summary>
public static class FileChange
{
    /// <summary>What a change to a path touches: the path and everything under it.</summary>
    public static IReadOnlyList<Subject> Touched(string path) => [Subject.Path(path)];

    /// <summary>
    /// Plans <paramref name="path"/> to hold <paramref name="content"/> (null: keep the content) with the given attributes (null: keep);
    /// a missing directory is refused unless <paramref name="missingDirectory"/> says to create it.
    /// </summary>
    public static TaskPlan Plan(string path, FileState state, byte[]? content, string? mode, string? owner, string? group, bool backup = false, string? validate = null,
        MissingDirectory missingDirectory = MissingDirectory.Refuse)
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
            return new PlanFailure(state.Type == FileType.Link
                ? $"{path} is a symbolic link: Fleet does not write through links (give the link's target)"
                : $"{path} is larger than {FileFact.MaxContentBytes} bytes: Fleet does not manage its content");
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

        if (state.Exists && owner is not null && !state.OwnedBy(owner))
        {
            changes.Add($"{path} owner {state.Owner} → {owner}");
        }

        if (state.Exists && group is not null && !state.InGroup(group))
        {
            changes.Add($"{path} group {state.Group} → {group}");
        }

        if (changes.Count == 0)
        {
            return new NoChange($"{path} already as desired");
        }

        var script = "set -e\n" + (state.Exists && !writeContent
            ? RemoteFileWriter.SetAttributes(Sh.Quote(path), owner, group, desiredMode)
            : new RemoteFileWriter(path) { Owner = owner, Group = group, Mode = desiredMode, Backup = backup, Validate = validate, MissingDirectory = missingDirectory }.Script(content ?? []));
        var after = new FileState(
            FileType.File,
            desiredMode ?? (state.Exists ? state.Mode : RemoteFileWriter.NewFileMode),
            owner ?? state.Owner,
            group ?? state.Group,
            content?.LongLength ?? state.Size,
            null,
            content ?? state.Content);
        return new Change(changes, script, Touched(path)) { DiffSource = diff, Predicted = Predict(path, after) };
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

    private static bool IsText(byte[] bytes) => !bytes.Contains((byte)0);
}
