using System.Runtime.InteropServices;
using System.Text;

namespace Fleet.Core;

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

    /// <summary>The largest file sent to hosts as it is (<c>copy</c>'s or <c>unarchive</c>'s <c>src</c>), held in memory whole. The default value is 1 GiB.</summary>
    public const long MaxPayloadBytes = 1024L * 1024 * 1024;

    /// <summary>
    /// The absolute form of <paramref name="path"/>; a name holding a NUL character names no file, so it is kept as written and a
    /// lookup of it reports "not found" at its place (the runtime's path functions throw on it).
    /// </summary>
    public static string FullPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.Contains('\0', StringComparison.Ordinal) ? path : Path.GetFullPath(path);
    }

    /// <summary>
    /// <paramref name="path"/> with every symbolic link resolved (realpath(3)), so a file reached through a linked directory is known
    /// as itself; the absolute path as given when it cannot be resolved.
    /// </summary>
    public static string CanonicalPath(string path)
    {
        var full = FullPath(path);
        try
        {
            return OperatingSystem.IsWindows() || full.Contains('\0', StringComparison.Ordinal) ? full : RealPath(full) ?? full;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return full;
        }
    }

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

        // File.Exists is true for a link that leads nowhere (dangling or looping); stat(2) fails on it: nothing can be read there.
        return OperatingSystem.IsWindows() || FileType(path) is not { } type || type == RegularType ? InputFileKind.Regular
            : type == StatFailed ? InputFileKind.Missing
            : InputFileKind.Special;
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
            case InputFileKind.Missing when !path.Contains('\0', StringComparison.Ordinal) && new FileInfo(path).LinkTarget is { } target:
                throw new FleetInputException(at, $"{what} is a symbolic link that leads nowhere (dangling or looping, to {target}): {shown}");
            case InputFileKind.Missing:
                throw new FleetInputException(at, $"{what} not found: {shown}");
            case InputFileKind.Directory:
                throw new FleetInputException(at, $"{what} is a directory, not a file: {shown}");
            case InputFileKind.Special:
                throw new FleetInputException(at, $"{what} is not a regular file (a FIFO, device or socket), refused: {shown}");
        }
    }

    /// <summary>The text of a regular file of at most <see cref="MaxBytes"/>; anything else is a <see cref="FleetInputException"/>.</summary>
    public static string ReadText(string path, string what, SourceLocation? at = null, string? shown = null) =>
        new UTF8Encoding(false).GetString(ReadBytes(path, what, at, shown)).TrimStart('\uFEFF');

    /// <summary>
    /// The bytes of a regular file of at most <paramref name="maxBytes"/> (default <see cref="MaxBytes"/>); anything else is a
    /// <see cref="FleetInputException"/>. The size is what is read, not what stat says (<c>/proc</c> files say 0 and never end).
    /// </summary>
    public static byte[] ReadBytes(string path, string what, SourceLocation? at = null, string? shown = null, long maxBytes = MaxBytes)
    {
        CheckRegular(path, what, at, shown);
        shown ??= path;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.SequentialScan);
            using var content = new MemoryStream((int)Math.Min(SafeLength(stream), maxBytes) + 1);
            var buffer = new byte[81920];
            while (stream.Read(buffer, 0, (int)Math.Min(buffer.Length, maxBytes + 1 - content.Length)) is var n and > 0)
            {
                content.Write(buffer, 0, n);
                if (content.Length > maxBytes)
                {
                    throw new FleetInputException(at, $"{what} is larger than {Size(maxBytes)}, refused: {shown}");
                }
            }

            return content.ToArray();
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new FleetInputException(at, $"{what} cannot be read ({FileErrors.Reason(ex)}): {shown}");
        }
        catch (IOException ex)
        {
            // FileErrors words every I/O reason once (the runtime's " : 'path'" left out: the path is shown already).
            throw new FleetInputException(at, $"{what} cannot be read: {shown}: {FileErrors.Reason(ex)}");
        }
    }

    private static long SafeLength(FileStream stream)
    {
        try
        {
            return stream.Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string Size(long bytes) => bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes} bytes";

    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;
    private const int StatFailed = -1;

    /// <summary>The S_IFMT bits of stat(2) through the runtime's own native shim (its FileStatus starts with Flags, then Mode); <see cref="StatFailed"/> when stat fails, null if unavailable.</summary>
    private static int? FileType(string path)
    {
        var status = new byte[512]; // larger than the runtime's FileStatus in every version
        try
        {
            return Stat(path, status) == 0 ? BitConverter.ToInt32(status, 4) & TypeMask : StatFailed;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_RealPath", StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial string? RealPath(string path);

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Stat(string path, [Out] byte[] status);
}
