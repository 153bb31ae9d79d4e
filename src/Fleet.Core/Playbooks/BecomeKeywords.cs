using Fleet.Core.Inventory;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Playbooks;

/// <summary>
/// The privilege keywords of a play, block, task or role entry: <c>become_user</c> (the user <c>become</c> runs as, a template
/// allowed), <c>become_flags</c> (sudo's flags instead of Ansible's defaults, a template allowed), <c>become_method</c> (sudo only)
/// and the <c>become_exe</c> Fleet refuses by name.
/// </summary>
internal static class BecomeKeywords
{
    /// <summary>The keywords read here, for the readers' lists of known keys.</summary>
    public static readonly string[] Names = ["become_user", "become_method", "become_flags", "become_exe"];

    /// <summary>
    /// Checks the <c>vars</c> of a play, block or task for connection variables Fleet reads only from the inventory (Fleet connects
    /// once per host): each is an error saying where to write it. <c>ansible_become_user</c> is honoured here.
    /// </summary>
    public static void CheckVars(NodeReader r, YamlNode? vars)
    {
        if (vars is not YamlMappingNode mapping)
        {
            return;
        }

        foreach (var (key, value) in mapping.Children)
        {
            var name = Yaml.YamlFile.KeyText(key);
            if (ConnectionVariables.LoginPassword.Contains(name) || ConnectionVariables.BecomePassword.Contains(name) || InventoryLoader.Aliases.ContainsKey(name))
            {
                r.Error(key, $"{name} in play, block or task vars is not supported: Fleet connects once per host with its inventory settings; set it in the inventory (host_vars or group_vars, vaulted for a password){(name == "ansible_become" ? ", or write become: on the play, block or task" : "")}");
            }
            else if (ConnectionVariables.IsRefused(name) || SshArguments.Variables.Contains(name))
            {
                r.Error(key, $"{name} in play, block or task vars is not supported: set connection settings in the inventory");
            }
            else if (name == ConnectionVariables.BecomeMethod && value is YamlScalarNode { Value: { } method } && method != ConnectionVariables.SudoMethod)
            {
                r.Error(value, ConnectionVariables.MethodRefused(method));
            }
        }
    }

    /// <summary><c>become_flags</c> of <paramref name="node"/> as written (a template renders per host), or null; literal flags no shell could split are an error.</summary>
    public static string? Flags(NodeReader r, YamlMappingNode node)
    {
        if (NodeReader.Child(node, "become_flags") is not { } flagsNode || r.Text(flagsNode) is not { } flags)
        {
            return null;
        }

        if (!Templating.Template.HasTemplate(flags) && SudoFlags.Check(flags) is { } error)
        {
            r.Error(flagsNode, error);
        }

        return flags;
    }

    /// <summary>Checks the privilege keywords of <paramref name="node"/>; returns <c>become_user</c> as written (maybe a template), or null.</summary>
    public static string? Read(NodeReader r, YamlMappingNode node, bool checkVars = false)
    {
        if (checkVars)
        {
            CheckVars(r, NodeReader.Child(node, "vars"));
        }

        if (NodeReader.Child(node, "become_exe") is { } refused)
        {
            r.Error(refused, $"become_exe is not supported: {ConnectionVariables.BecomeExeRefused}");
        }

        if (NodeReader.Child(node, "become_method") is { } methodNode && r.Text(methodNode) is { } method && method != ConnectionVariables.SudoMethod)
        {
            r.Error(methodNode, Templating.Template.HasTemplate(method) ? "become_method: a template is not supported here, write sudo" : ConnectionVariables.MethodRefused(method));
        }

        if (NodeReader.Child(node, "become_user") is not { } userNode)
        {
            return null;
        }

        var user = r.Text(userNode);
        if (string.IsNullOrWhiteSpace(user))
        {
            if (userNode is YamlScalarNode)
            {
                r.Error(userNode, "become_user must name a user");
            }

            return null;
        }

        return user;
    }
}
