using System.Security.Cryptography;

namespace Fleet.Core.Modules;

/// <summary>
/// A change that brings a host file to the controller: its script prints the file with <see cref="Remote.RemoteFileReader"/>, and
/// the engine writes the bytes to <paramref name="Destination"/> (creating its directories), replacing it only when they differ.
/// </summary>
/// <param name="Destination">The file on the controller, absolute.</param>
/// <param name="ExpectedChecksum">The SHA-1 the host reported; a download with another fails ("checksum mismatch"). Null checks nothing.</param>
public sealed record ControllerDownload(string Destination, string? ExpectedChecksum)
{
    /// <summary>Ansible's checksum (SHA-1) and md5sum of the bytes, in lowercase hex.</summary>
    public static (string Sha1, string Md5) Checksums(byte[] bytes)
    {
#pragma warning disable CA5350, CA5351 // Ansible's result keys are these digests; they checksum a copy, they do not protect it
        return (Convert.ToHexStringLower(SHA1.HashData(bytes)), Convert.ToHexStringLower(MD5.HashData(bytes)));
#pragma warning restore CA5350, CA5351
    }
}

