namespace Fleet.Core.Remote;

/// <summary>
/// The backup a <see cref="RemoteFileWriter"/> made, as its script reports it: a marked line on stdout that the engine takes out of
/// the output and puts in the task's result as Ansible's <c>backup_file</c>.
/// </summary>
public static class BackupFile
{
    /// <summary>The start of the line that names the backup's path.</summary>
    public const string Marker = "@@fleet-backup-file@@";

    /// <summary>The result key Ansible's file-writing modules return the backup's path in.</summary>
    public const string ResultKey = "backup_file";

    /// <summary>The output without the marked lines, and the first backup named (null when none was made).</summary>
    public static (CommandResult Result, string? Path) Take(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!result.Stdout.Contains(Marker, StringComparison.Ordinal))
        {
            return (result, null);
        }

        string? path = null;
        var kept = new List<string>();
        foreach (var line in result.Stdout.Split('\n'))
        {
            if (line.StartsWith(Marker, StringComparison.Ordinal))
            {
                path ??= line[Marker.Length..];
            }
            else
            {
                kept.Add(line);
            }
        }

        return (result with { Stdout = string.Join('\n', kept) }, path);
    }
}
