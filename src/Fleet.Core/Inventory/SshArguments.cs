using System.Text;

namespace Fleet.Core.Inventory;

/// <summary>
/// Ansible's <c>ansible_ssh_common_args</c>, <c>ansible_ssh_extra_args</c> and <c>ansible_ssh_args</c> read for what Fleet can do
/// with them: a bastion (<c>-J host</c>, <c>-o ProxyJump=host</c>, <c>-o ProxyCommand="ssh -W %h:%p [-q] [-p N] [-l user] [user@]host"</c>)
/// becomes Fleet's <c>jump</c>; any other option is refused by name. Templates (<c>{{ bastion }}</c>) stay in the result, rendered
/// with the other connection variables.
/// </summary>
public static class SshArguments
{
    /// <summary>The variables read here, in the order they are applied.</summary>
    public static readonly string[] Variables = ["ansible_ssh_args", "ansible_ssh_common_args", "ansible_ssh_extra_args"];

    /// <summary>
    /// ansible-playbook's options that give every host ssh arguments, and the variable each sets: as in Ansible, an inventory
    /// value of that variable ranks above the option (as <c>ansible_user</c> above <c>-u</c>).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> CommandLineOptions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--ssh-common-args"] = "ansible_ssh_common_args",
        ["--ssh-extra-args"] = "ansible_ssh_extra_args",
    };

    /// <summary>The bastion the arguments name, as Fleet's <c>jump</c> text (<c>[user@]host[:port]</c>); null and no error when they name none.</summary>
    public static (string? Jump, string? Error) Parse(string variable, string text)
    {
        var (words, unclosed) = Words(text);
        if (unclosed)
        {
            return (null, $"{variable}: a quote is not closed in '{text}'");
        }

        string? jump = null;
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            string? value;
            if (word == "-J" || word == "-o")
            {
                if (i + 1 >= words.Count)
                {
                    return (null, $"{variable}: {word} needs a value");
                }

                value = words[++i];
            }
            else if (word.StartsWith("-J", StringComparison.Ordinal) || word.StartsWith("-o", StringComparison.Ordinal))
            {
                value = word[2..];
            }
            else
            {
                return (null, $"{variable}: ssh option '{word}' is not supported: Fleet reads only a bastion here (-J host, -o ProxyJump=host or -o ProxyCommand=\"ssh -W %h:%p host\"); {Instead(word)}");
            }

            string? found;
            string? error;
            if (word.StartsWith("-J", StringComparison.Ordinal))
            {
                (found, error) = ProxyJump(variable, value);
            }
            else
            {
                var split = value.IndexOfAny(['=', ' ']);
                var key = split < 0 ? value : value[..split];
                var argument = split < 0 ? "" : value[(split + 1)..].Trim();
                (found, error) = key.ToLowerInvariant() switch
                {
                    "proxyjump" => ProxyJump(variable, argument),
                    "proxycommand" => ProxyCommand(variable, argument),
                    _ => (null, $"{variable}: ssh option '-o {key}' is not supported: Fleet reads only a bastion here (ProxyJump or ProxyCommand=\"ssh -W %h:%p host\"); {Instead(key)}"),
                };
            }

            if (error is not null)
            {
                return (null, error);
            }

            if (jump is not null && jump != found)
            {
                return (null, $"{variable}: two bastions ('{jump}' and '{found}'); Fleet tunnels through one (name a bastion that itself has a jump for more hops)");
            }

            jump = found;
        }

        return (jump, null);
    }

    /// <summary>What to write instead of an ssh option Fleet does not take.</summary>
    private static string Instead(string option) => option.ToLowerInvariant() switch
    {
        "stricthostkeychecking" or "userknownhostsfile" => "use --host-key-policy and --known-hosts (or the known_hosts variable) instead",
        "port" or "-p" => "use ansible_port instead",
        "user" or "-l" => "use ansible_user instead",
        "identityfile" or "-i" => "use ansible_ssh_private_key_file instead",
        "connecttimeout" => "use -T/--timeout instead",
        "controlmaster" or "controlpersist" or "controlpath" => "Fleet keeps one connection per host open for the whole run anyway; leave it out",
        "serveraliveinterval" or "serveralivecountmax" => "Fleet sends keep-alives every 15 s; leave it out",
        _ => "leave it out",
    };

    private static (string? Jump, string? Error) ProxyJump(string variable, string value)
    {
        if (value.Length == 0)
        {
            return (null, $"{variable}: ProxyJump needs a host");
        }

        if (value.Contains(',', StringComparison.Ordinal))
        {
            return (null, $"{variable}: ProxyJump '{value}' names several hops; Fleet tunnels through one (make the first hop the jump of an inventory bastion host)");
        }

        if (value.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase))
        {
            value = value[6..].TrimEnd('/');
        }

        return (value, null);
    }

    /// <summary>A ProxyCommand that is an ssh to a bastion forwarding to the target (<c>-W %h:%p</c>), as Fleet's jump text.</summary>
    private static (string? Jump, string? Error) ProxyCommand(string variable, string command)
    {
        var (words, unclosed) = Words(command);
        if (unclosed || words.Count == 0 || Path.GetFileName(words[0]) != "ssh")
        {
            return (null, $"{variable}: ProxyCommand '{command}' is not supported: Fleet tunnels through a bastion only when it is 'ssh -W %h:%p [user@]host' (or write -J host)");
        }

        string? user = null, host = null, port = null;
        var forwards = false;
        for (var i = 1; i < words.Count; i++)
        {
            var word = words[i];
            switch (word)
            {
                case "-W" when i + 1 < words.Count && words[i + 1] is "%h:%p" or "[%h]:%p":
                    forwards = true;
                    i++;
                    break;
                case "-p" when i + 1 < words.Count:
                    port = words[++i];
                    break;
                case "-l" when i + 1 < words.Count:
                    user = words[++i];
                    break;
                case "-q" or "-T" or "-N":
                    break;
                default:
                    if (word.StartsWith('-') || host is not null)
                    {
                        return (null, $"{variable}: ProxyCommand ssh option '{word}' is not supported: Fleet tunnels through 'ssh -W %h:%p [-q] [-p PORT] [-l USER] [user@]host' (the bastion's key and options: make it an inventory host and name it in jump)");
                    }

                    host = word;
                    break;
            }
        }

        if (!forwards || host is null)
        {
            return (null, $"{variable}: ProxyCommand '{command}' is not supported: Fleet tunnels through a bastion only when it is 'ssh -W %h:%p [user@]host'");
        }

        if (host.Contains('@', StringComparison.Ordinal) && !Templating.Template.HasTemplate(host[..host.IndexOf('@', StringComparison.Ordinal)]))
        {
            user = null; // user@host wins over -l, as in ssh
        }

        var text = new StringBuilder();
        if (user is not null)
        {
            text.Append(user).Append('@');
        }

        text.Append(host);
        if (port is not null)
        {
            text.Append(':').Append(port);
        }

        return (text.ToString(), null);
    }

    /// <summary>Shell-like words: spaces split, single and double quotes group (and are removed), <c>{{ … }}</c> stays whole.</summary>
    internal static (List<string> Words, bool Unclosed) Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var started = false;
        char? quote = null;
        var braces = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is null && i + 1 < text.Length && c == '{' && text[i + 1] == '{')
            {
                braces++;
            }
            else if (quote is null && braces > 0 && i + 1 < text.Length && c == '}' && text[i + 1] == '}')
            {
                braces--;
                word.Append("}}");
                i++;
                continue;
            }

            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (braces == 0 && c is '\'' or '"')
            {
                quote = c;
                started = true;
            }
            else if (braces == 0 && char.IsWhiteSpace(c))
            {
                if (started || word.Length > 0)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    started = false;
                }
            }
            else
            {
                word.Append(c);
            }
        }

        if (started || word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return (words, quote is not null);
    }
}
