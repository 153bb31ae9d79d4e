using System.Runtime.InteropServices;
using System.Text;

namespace Fleet.Core.Yaml;

/// <summary>What a path names, as far as reading input is concerned.</summary>
public enum InputFileKind
{
    /// <summary>Nothing is there.</summary>
    Missing,

    /// <summary>A regular file (or a link to one): the only kind that is read.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A FIFO, device or socket: reading it could block forever or never end.</summary>
    Special,
}

/// <summary>
/// The one way input files (inventories, playbooks, variable files) are read: only regular files, at most <see cref="MaxBytes"/>,
/// so a FIFO, <c>/dev/zero</c> or a huge file is a one-line error instead of a hang or an exhausted memory.
/// </summary>
public static partial class InputFile
{
    /// <summary>The largest input file read. The default value is 16 MiB, far above any real inventory or playbook.</summary>
    public const long MaxBytes = 16L * 1024 * 1024;

    /// <summary>What <paramref name="path"/> names, found without opening it (opening a FIFO blocks until a writer comes).</summary>
    public static InputFileKind KindOf(string path)
    {
        if (Directory.Exists(path))
        {
            return InputFileKind.Directory;
        }

        if (!File.Exists(path))
        {
            return InputFileKind.Missing;
        }

        return OperatingSystem.IsWindows() || FileType(path) is not { } type || type == RegularType ? InputFileKind.Regular : InputFileKind.Special;
    }

    /// <summary>
    /// Throws a <see cref="FleetInputException"/> at <paramref name="at"/> unless <paramref name="path"/> is a regular file;
    /// <paramref name="what"/> names it in the message ("playbook file"), <paramref name="shown"/> is the name the user wrote.
    /// </summary>
    public static void CheckRegular(string path, string what, SourceLocation? at = null, string? shown = null)
    {
        shown ??= path;
        switch (KindOf(path))
        {
            case InputFileKind.Missing:
                throw new FleetInputException(at, $"{what} not found: {shown}");
            case InputFileKind.Directory:
                throw new FleetInputException(at, $"{what} is a directory, not a file: {shown}");
            case InputFileKind.Special:
                throw new FleetInputException(at, $"{what} is not a regular file (a FIFO, device or socket), refused: {shown}");
        }
    }

    /// <summary>The text of a regular file of at most <see cref="MaxBytes"/>; anything else is a <see cref="FleetInputException"/>.</summary>
    public static string ReadText(string path, string what, SourceLocation? at = null, string? shown = null)
    {
        CheckRegular(path, what, at, shown);
        shown ??= path;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.SequentialScan);
            var buffer = new byte[(int)Math.Min(stream.Length, MaxBytes) + 1];
            var read = 0;
            while (read < buffer.Length && stream.Read(buffer, read, buffer.Length - read) is var n and > 0)
            {
                read += n;
            }

            if (read > MaxBytes)
            {
                throw new FleetInputException(at, $"{what} is larger than {MaxBytes / (1024 * 1024)} MiB, refused: {shown}");
            }

            return new UTF8Encoding(false).GetString(buffer, 0, read).TrimStart('\uFEFF');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FleetInputException(at, $"{what} cannot be read: {shown}: {ex.Message}");
        }
    }

    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;

    /// <summary>The S_IFMT bits of stat(2) through the runtime's own native shim (its FileStatus starts with Flags, then Mode); null if unavailable.</summary>
    private static int? FileType(string path)
    {
        var status = new byte[512]; // larger than the runtime's FileStatus in every version
        try
        {
            return Stat(path, status) == 0 ? BitConverter.ToInt32(status, 4) & TypeMask : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Stat(string path, [Out] byte[] status);
}
