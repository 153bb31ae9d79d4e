namespace Fleet.Core.Modules.OpensshKeypair;

/// <summary>An <c>openssh_keypair</c> task's arguments with community.crypto's defaults applied.</summary>
public sealed record KeypairRequest
{
    /// <summary>Reads the arguments: size defaults by type (rsa 4096, dsa 1024, ecdsa 256; ed25519 is always 256), force means regenerate: always.</summary>
    public KeypairRequest(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        Path = args.GetRequiredString("path");
        Absent = args.GetString("state") == "absent";
        Type = args.GetString("type") ?? "rsa";
        var size = args.GetInt("size");
        Size = Type switch
        {
            "ed25519" => 256,
            "dsa" => (int)(size ?? 1024),
            "ecdsa" => (int)(size ?? 256),
            _ => (int)(size ?? 4096),
        };
        Comment = args.GetString("comment");
        Regenerate = args.GetBool("force", false) ? "always" : args.GetString("regenerate") ?? "partial_idempotence";
        Mode = args.GetString("mode");
        Owner = args.GetString("owner");
        Group = args.GetString("group");
    }

    /// <summary>The private key's path.</summary>
    public string Path { get; init; }

    /// <summary>state: absent.</summary>
    public bool Absent { get; init; }

    /// <summary>The key type. The default value is rsa.</summary>
    public string Type { get; init; }

    /// <summary>The key size in bits, after the type's default.</summary>
    public int Size { get; init; }

    /// <summary>The comment, or null to keep whatever the key has.</summary>
    public string? Comment { get; init; }

    /// <summary>The regenerate policy (always when force is set). The default value is partial_idempotence.</summary>
    public string Regenerate { get; init; }

    /// <summary>The mode for both files, or null to keep.</summary>
    public string? Mode { get; init; }

    /// <summary>The owner for both files, or null to keep.</summary>
    public string? Owner { get; init; }

    /// <summary>The group for both files, or null to keep.</summary>
    public string? Group { get; init; }
}
