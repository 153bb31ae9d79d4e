using Fleet.Core.Modules;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Execution;

/// <summary>
/// Writes what a <see cref="ControllerDownload"/> change printed to its file on the controller: a temporary file beside it, then a
/// rename, so a failed write never leaves half a file; the result carries Ansible's checksum keys.
/// </summary>
internal static class DownloadWriter
{
    /// <summary>The outcome once the bytes the script printed are on the controller (Ok when the file already held them).</summary>
    public static ChangeOutcome Write(ControllerDownload download, CommandResult result, ChangeOutcome completed, IReadOnlyDictionary<string, object?> planData)
    {
        var data = new Dictionary<string, object?>(completed.Data ?? planData, StringComparer.Ordinal);
        byte[] bytes;
        try
        {
            bytes = RemoteFileReader.Decode(result.Stdout);
        }
        catch (FormatException)
        {
            return new ChangeOutcome(TaskOutcome.Failed, "Failed to fetch the file: the host's output is not the file's content") { Data = data };
        }

        var path = download.Destination;
        var (checksum, md5) = ControllerDownload.Checksums(bytes);
        try
        {
            if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
            {
                data.Remove("remote_checksum");
                data.Remove("remote_md5sum");
                data["checksum"] = checksum;
                data["md5sum"] = md5;
                return completed with { Status = TaskOutcome.Ok, Data = data };
            }

            var directory = Path.GetDirectoryName(path) ?? ".";
            Directory.CreateDirectory(directory);
            var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.fleet-{Guid.NewGuid():N}");
            try
            {
                File.WriteAllBytes(temp, bytes);
                File.Move(temp, path, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ChangeOutcome(TaskOutcome.Failed, $"Failed to fetch the file: {ex.Message}") { Data = data };
        }

        data["checksum"] = checksum;
        data["md5sum"] = md5;
        data["remote_md5sum"] = null;
        data["dest"] = path;
        return download.ExpectedChecksum is { } expected && expected != checksum
            ? new ChangeOutcome(TaskOutcome.Failed, "checksum mismatch") { Data = data }
            : completed with { Data = data };
    }
}
