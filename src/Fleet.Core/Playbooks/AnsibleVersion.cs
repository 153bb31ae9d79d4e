namespace Fleet.Core.Playbooks;

/// <summary>The <c>ansible_version</c> magic variable: the ansible-core release whose playbooks Fleet runs, as roles test it.</summary>
public static class AnsibleVersion
{
    /// <summary>The release Fleet's behaviour follows: ansible-core 2.14, checked against 2.14.18 by the differential tests.</summary>
    public const string Full = "2.14.18";

    /// <summary>The variable's value as Ansible sets it: <c>full</c>, <c>string</c>, <c>major</c>, <c>minor</c>, <c>revision</c>.</summary>
    public static IReadOnlyDictionary<string, object?> Value { get; } = new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["full"] = Full,
        ["major"] = 2L,
        ["minor"] = 14L,
        ["revision"] = 18L,
        ["string"] = Full,
    };
}
