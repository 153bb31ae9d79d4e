namespace Fleet.Core.Templating;

/// <summary>
/// Filters and tests that Ansible 2.14, Jinja 3.1 or community.general ship and Fleet does not implement, each with what to
/// write instead, so a template that uses one is refused by name at validation rather than called an unknown filter.
/// </summary>
public static class RefusedPlugins
{
    private const string NoDates = "Fleet has no date values: work in epoch seconds, which strftime formats";
    private const string NoMarkup = "Fleet's templates have no HTML markup: write the text as it should appear";
    private const string NoVault = "vault values are decrypted when their file is loaded: use the variable itself";
    private const string NoPythonLibrary = "it needs a Python library on the controller: compute the value in a command task and register it";
    private const string NoIntegerKeys = "Fleet's maps have text keys only: build the map with dict2items/items2dict or combine";
    private const string NoTimeUnits = "write the number of seconds, or compute it with arithmetic";

    /// <summary>Filters refused, with why and what to do instead. The default value is the list below; documented in docs/ansible-differences.md.</summary>
    public static readonly IReadOnlyDictionary<string, string> Filters = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["attr"] = "use x.name or x['name']",
        ["batch"] = "loop over the list and test loop.index",
        ["counter"] = NoIntegerKeys,
        ["crc32"] = "use hash('sha1') or checksum",
        ["dict"] = NoIntegerKeys,
        ["e"] = NoMarkup,
        ["escape"] = NoMarkup,
        ["filesizeformat"] = "format the number with '%.1f' | format",
        ["fileglob"] = "use lookup('fileglob', pattern) or with_fileglob",
        ["forceescape"] = NoMarkup,
        ["from_csv"] = NoPythonLibrary,
        ["from_yaml"] = "put the data in a vars file and load it with include_vars or vars_files",
        ["from_yaml_all"] = "put the data in a vars file and load it with include_vars or vars_files",
        ["groupby"] = "select the items of each group with selectattr",
        ["groupby_as_dict"] = "build the map with items2dict",
        ["hashids_decode"] = NoPythonLibrary,
        ["hashids_encode"] = NoPythonLibrary,
        ["human_readable"] = "divide by 1024 and format the number with '%.2f' | format",
        ["human_to_bytes"] = "write the size in bytes",
        ["jc"] = NoPythonLibrary,
        ["json_query"] = "select with selectattr/map(attribute=…) (JMESPath is not implemented)",
        ["lists_mergeby"] = "combine the items with combine in a loop",
        ["pprint"] = "use to_nice_json or to_nice_yaml",
        ["random_mac"] = "build the address from random numbers and '%02x' | format",
        ["realpath"] = "resolve the path on the host with the stat module (stat.lnk_source)",
        ["rekey_on_member"] = "build the map with items2dict(key_name=…)",
        ["slice"] = "split the list with [start:end] slices",
        ["striptags"] = "remove the tags with regex_replace('<[^>]*>', '')",
        ["subelements"] = "use loop: \"{{ query('subelements', list, 'key') }}\" or with_subelements",
        ["to_datetime"] = NoDates,
        ["to_days"] = NoTimeUnits,
        ["to_hours"] = NoTimeUnits,
        ["to_milliseconds"] = NoTimeUnits,
        ["to_minutes"] = NoTimeUnits,
        ["to_months"] = NoTimeUnits,
        ["to_seconds"] = NoTimeUnits,
        ["to_time_unit"] = NoTimeUnits,
        ["to_weeks"] = NoTimeUnits,
        ["to_years"] = NoTimeUnits,
        ["tojson"] = "use to_json",
        ["unicode_normalize"] = NoPythonLibrary,
        ["unvault"] = NoVault,
        ["urlize"] = NoMarkup,
        ["vault"] = "encrypt the value with ansible-vault encrypt_string and put it in a vars file",
        ["version_sort"] = "sort the versions with sort and compare them with the version test",
        ["wordwrap"] = "write the line breaks in the text",
        ["xmlattr"] = NoMarkup,
    };

    /// <summary>Tests refused, with why and what to do instead.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tests = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["a_module"] = "Fleet's modules are built in: a task naming a module Fleet lacks is reported at validation",
        ["escaped"] = NoMarkup,
        ["filter"] = "filters are known when the template is validated: call the filter",
        ["is_mount"] = "test the host with the mount facts (ansible_mounts)",
        ["is_same_file"] = "compare the paths' stat results (stat.inode, stat.dev)",
        ["mount"] = "test the host with the mount facts (ansible_mounts)",
        ["same_file"] = "compare the paths' stat results (stat.inode, stat.dev)",
        ["test"] = "tests are known when the template is validated: call the test",
        ["vault_encrypted"] = NoVault,
    };

    /// <summary>The message for a filter or test Fleet does not know: refused by name with what to do, or unknown.</summary>
    public static string Unknown(string kind, string name) =>
        (kind == "filter" ? Filters : Tests).TryGetValue(name, out var instead)
            ? $"the {kind} '{name}' is not implemented by Fleet: {instead}"
            : $"unknown {kind} '{name}'";
}
