using System.Security.Cryptography;

namespace Fleet.Core.Modules.Unarchive;

/// <summary>
/// An archive read on the controller that a script carries to the host. Two are equal when they hold the same bytes from the same
/// file, so the fact a planner declares and the one it reads back are one fact although each read the file anew.
/// </summary>
/// <param name="Path">The file on the controller.</param>
/// <param name="Bytes">Its content.</param>
public sealed class ControllerArchive(string Path, byte[] Bytes) : IEquatable<ControllerArchive>
{
    private readonly string _digest = Convert.ToHexString(SHA256.HashData(Bytes));

    /// <summary>The file on the controller.</summary>
    public string Path { get; } = Path;

    /// <summary>Its content.</summary>
    public ReadOnlyMemory<byte> Bytes { get; } = Bytes;

    /// <inheritdoc />
    public bool Equals(ControllerArchive? other) => other is not null && other.Path == Path && other._digest == _digest;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ControllerArchive);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Path, _digest);
}
