using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Security;

namespace Fleet.Ssh;

/// <summary>A key the agent holds: its public key blob, its type (from the blob) and its comment.</summary>
/// <param name="Blob">The SSH public key blob.</param>
/// <param name="Type">The key type: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa…</param>
/// <param name="Comment">The agent's comment (usually the key file).</param>
public sealed record AgentKey(byte[] Blob, string Type, string Comment);

/// <summary>
/// A client of ssh-agent (<c>$SSH_AUTH_SOCK</c>), the way operators keep their keys: the two requests a login needs, list the
/// identities and sign with one (draft-miller-ssh-agent: SSH2_AGENTC_REQUEST_IDENTITIES, SSH2_AGENTC_SIGN_REQUEST with the
/// rsa-sha2-256/512 flags). The private keys never leave the agent. SSH.NET has no agent support; <see cref="KeySources"/>
/// offers the agent's keys to its public-key authentication.
/// </summary>
/// <param name="socketPath">The agent's Unix socket.</param>
public sealed class SshAgent(string socketPath)
{
    private const byte Failure = 5;
    private const byte RequestIdentities = 11;
    private const byte IdentitiesAnswer = 12;
    private const byte SignRequest = 13;
    private const byte SignResponse = 14;

    /// <summary>SSH_AGENT_RSA_SHA2_256: sign with rsa-sha2-256.</summary>
    public const uint RsaSha256 = 2;

    /// <summary>SSH_AGENT_RSA_SHA2_512: sign with rsa-sha2-512.</summary>
    public const uint RsaSha512 = 4;

    /// <summary>The agent's socket.</summary>
    public string SocketPath { get; } = socketPath;

    /// <summary>The agent named by <c>SSH_AUTH_SOCK</c>, or null when it is not set or its socket does not exist.</summary>
    public static SshAgent? FromEnvironment() =>
        Environment.GetEnvironmentVariable("SSH_AUTH_SOCK") is { Length: > 0 } path && File.Exists(path) ? new SshAgent(path) : null;

    /// <summary>The keys the agent holds.</summary>
    public IReadOnlyList<AgentKey> ListKeys()
    {
        var reply = Request(RequestIdentities, []);
        var reader = new Reader(reply);
        if (reader.Byte() != IdentitiesAnswer)
        {
            throw new IOException("ssh-agent refused to list its keys");
        }

        var count = reader.UInt32();
        var keys = new List<AgentKey>();
        for (var i = 0; i < count; i++)
        {
            var blob = reader.Bytes();
            var comment = Encoding.UTF8.GetString(reader.Bytes());
            keys.Add(new AgentKey(blob, KeyType(blob), comment));
        }

        return keys;
    }

    /// <summary>The agent's signature of <paramref name="data"/> with the key <paramref name="blob"/>: the SSH signature encoding (algorithm name, then the signature).</summary>
    public byte[] Sign(byte[] blob, byte[] data, uint flags)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(data);
        using var payload = new MemoryStream();
        WriteBytes(payload, blob);
        WriteBytes(payload, data);
        WriteUInt32(payload, flags);
        var reader = new Reader(Request(SignRequest, payload.ToArray()));
        return reader.Byte() switch
        {
            SignResponse => reader.Bytes(),
            Failure => throw new IOException("ssh-agent refused to sign (the key may need confirmation, or was removed)"),
            var other => throw new IOException($"ssh-agent answered {other} to a sign request"),
        };
    }

    /// <summary>
    /// The agent's keys as SSH.NET key sources, in the agent's order: ed25519 and ECDSA as they are, RSA as rsa-sha2-512 then
    /// rsa-sha2-256 (never SHA-1 ssh-rsa). Other kinds (certificates, security keys) are left out.
    /// </summary>
    public IReadOnlyList<IPrivateKeySource> KeySources() =>
        ListKeys().Select(key => key.Type switch
        {
            "ssh-ed25519" or "ecdsa-sha2-nistp256" or "ecdsa-sha2-nistp384" or "ecdsa-sha2-nistp521" =>
                new AgentKeySource([new AgentHostAlgorithm(key.Type, key, this, 0)]),
            "ssh-rsa" => new AgentKeySource([new AgentHostAlgorithm("rsa-sha2-512", key, this, RsaSha512), new AgentHostAlgorithm("rsa-sha2-256", key, this, RsaSha256)]),
            _ => null,
        }).OfType<IPrivateKeySource>().ToList();

    private byte[] Request(byte type, byte[] payload)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
        using var stream = new NetworkStream(socket, ownsSocket: false);
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)(payload.Length + 1));
        frame[4] = type;
        payload.CopyTo(frame, 5);
        stream.Write(frame);
        var header = new byte[4];
        stream.ReadExactly(header);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length is 0 or > 256 * 1024)
        {
            throw new IOException($"ssh-agent sent a message of {length} bytes");
        }

        var reply = new byte[length];
        stream.ReadExactly(reply);
        return reply;
    }

    /// <summary>The key type inside a public key blob (its first string).</summary>
    public static string KeyType(byte[] blob) => Encoding.ASCII.GetString(new Reader(blob).Bytes());

    private static void WriteBytes(Stream stream, byte[] bytes)
    {
        WriteUInt32(stream, (uint)bytes.Length);
        stream.Write(bytes);
    }

    private static void WriteUInt32(Stream stream, uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, value);
        stream.Write(buffer);
    }

    /// <summary>Reads the agent protocol's big-endian integers and length-prefixed strings.</summary>
    private sealed class Reader(byte[] data)
    {
        private int _position;

        public byte Byte() => _position < data.Length ? data[_position++] : throw new IOException("ssh-agent message cut short");

        public uint UInt32()
        {
            if (_position + 4 > data.Length)
            {
                throw new IOException("ssh-agent message cut short");
            }

            var value = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(_position));
            _position += 4;
            return value;
        }

        public byte[] Bytes()
        {
            var length = UInt32();
            if (length > data.Length - _position)
            {
                throw new IOException("ssh-agent message cut short");
            }

            var bytes = data.AsSpan(_position, (int)length).ToArray();
            _position += (int)length;
            return bytes;
        }
    }

    /// <summary>One agent key for SSH.NET's public-key authentication.</summary>
    private sealed class AgentKeySource(IReadOnlyCollection<HostAlgorithm> algorithms) : IPrivateKeySource
    {
        public IReadOnlyCollection<HostAlgorithm> HostKeyAlgorithms { get; } = algorithms;
    }

    /// <summary>An agent key under one signature algorithm: SSH.NET sends <see cref="Data"/> and asks it to sign; the agent signs.</summary>
    private sealed class AgentHostAlgorithm(string name, AgentKey key, SshAgent agent, uint flags) : HostAlgorithm(name)
    {
        public override byte[] Data => key.Blob;

        public override byte[] Sign(byte[] data) => agent.Sign(key.Blob, data, flags);

        public override bool VerifySignature(byte[] data, byte[] signature) =>
            throw new NotSupportedException("an agent key only signs");
    }
}
