using System.Text;

namespace Fleet.Core.Inventory;

/// <summary>
/// Ansible's <c>ansible_ssh_common_args</c>, <c>ansible_ssh_extra_args</c> and <c>ansible_ssh_args</c> read for what Fleet can do
/// with them: a bastion (<c>-J host</c>, <c>-o ProxyJump=host</c>, <c>-o ProxyCommand="ssh -W %h:%p [-q] [-p N] [-l user] [user@]host"</c>)
/// becomes Fleet's <c>jump</c>, <c>-o StrictHostKeyChecking</c> its <c>host_key_policy</c> and <c>-o UserKnownHostsFile</c> its
/// <c>known_hosts</c>; any other option is refused by name. Templates (<c>{{ bastion }}</c>) stay in the result, rendered
/// with the other connection variables.
/// </summary>
public static class SshArguments
{
    /// <summary>What one variable's ssh arguments say that Fleet honours.</summary>
    /// <param name="Jump">The bastion as Fleet's jump text, or null.</param>
    /// <param name="HostKeyPolicy">The first <c>StrictHostKeyChecking</c> as Fleet's policy name (strict, accept-new, off), or null.</param>
    /// <param name="KnownHosts">The first <c>UserKnownHostsFile</c>, or null.</param>
    public sealed record SshArgumentValues(string? Jump, string? HostKeyPolicy, string? KnownHosts);

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
    public static (string? Jump, string? Error) Parse(string variable, string text) => Read(variable, text) is var (values, error) ? (values?.Jump, error) : default;

    /// <summary>
    /// What the arguments say that Fleet honours: a bastion, <c>-o StrictHostKeyChecking</c> and <c>-o UserKnownHostsFile</c>
    /// (<c>-o Key=Value</c>, <c>-oKey=Value</c> or <c>-o "Key Value"</c>, keys in any case); as in ssh, the first value of an
    /// option wins. Null values and an error for any other option.
    /// </summary>
    public static (SshArgumentValues? Values, string? Error) Read(string variable, string text)
    {
        var (words, unclosed) = Words(text);
        if (unclosed)
        {
            return (null, $"{variable}: a quote is not closed in '{text}'");
        }

        string? jump = null, policy = null, knownHosts = null;
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
                return (null, $"{variable}: ssh option '{word}' is not supported: {Honoured}; {Instead(word)}");
            }

            string? found = null;
            string? error;
            if (word.StartsWith("-J", StringComparison.Ordinal))
            {
                (found, error) = ProxyJump(variable, value);
            }
            else
            {
                var (key, argument) = Option(value);
                switch (key.ToLowerInvariant())
                {
                    case "proxyjump":
                        (found, error) = ProxyJump(variable, argument);
                        break;
                    case "proxycommand":
                        (found, error) = ProxyCommand(variable, argument);
                        break;
                    case "stricthostkeychecking":
                        string? named;
                        (named, error) = StrictHostKeyChecking(variable, argument);
                        policy ??= named;
                        break;
                    case "userknownhostsfile":
                        string? file;
                        (file, error) = UserKnownHostsFile(variable, argument);
                        knownHosts ??= file;
                        break;
                    default:
                        error = $"{variable}: ssh option '-o {key}' is not supported: {Honoured}; {Instead(key)}";
                        break;
                }
            }

            if (error is not null)
            {
                return (null, error);
            }

            if (found is null)
            {
                continue;
            }

            if (jump is not null && jump != found)
            {
                return (null, $"{variable}: two bastions ('{jump}' and '{found}'); Fleet tunnels through one (name a bastion that itself has a jump for more hops)");
            }

            jump = found;
        }

        return (new SshArgumentValues(jump, policy, knownHosts), null);
    }

    /// <summary>What Fleet reads in ssh arguments, for the message that refuses anything else.</summary>
    private const string Honoured = "Fleet reads only a bastion (-J host, -o ProxyJump=host or -o ProxyCommand=\"ssh -W %h:%p host\"), -o StrictHostKeyChecking and -o UserKnownHostsFile here";

    /// <summary>An <c>-o</c> value's key and argument, split as ssh splits a config line: at the first space or <c>=</c>.</summary>
    private static (string Key, string Argument) Option(string value)
    {
        var split = value.IndexOfAny(['=', ' ', '\t']);
        if (split < 0)
        {
            return (value, "");
        }

        var argument = value[split..].TrimStart();
        if (argument.StartsWith('='))
        {
            argument = argument[1..];
        }

        return (value[..split], argument.Trim());
    }

    /// <summary>ssh's <c>StrictHostKeyChecking</c> value as Fleet's policy name.</summary>
    private static (string? Policy, string? Error) StrictHostKeyChecking(string variable, string value)
    {
        if (Templating.Template.HasTemplate(value))
        {
            return (null, $"{variable}: StrictHostKeyChecking: a template is not supported here; write yes, accept-new or no (or set host_key_policy)");
        }

        return HostKeyPolicyNames.FromStrictHostKeyChecking(value) is { } policy
            ? (policy, null)
            : (null, $"{variable}: StrictHostKeyChecking must be yes, ask, accept-new, no or off, not '{value}'");
    }

    /// <summary>ssh's <c>UserKnownHostsFile</c> value as one file (<c>none</c> is <c>/dev/null</c>, as ssh reads no file then).</summary>
    private static (string? File, string? Error) UserKnownHostsFile(string variable, string value)
    {
        if (value.Length == 0)
        {
            return (null, $"{variable}: UserKnownHostsFile needs a file");
        }

        if (value.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return ("/dev/null", null);
        }

        var template = Templating.Template.HasTemplate(value);
        if (!template && Words(value).Words.Count > 1)
        {
            return (null, $"{variable}: UserKnownHostsFile '{value}' names several files; Fleet checks and records keys in one (write one file)");
        }

        if (!template && (value.Contains('%', StringComparison.Ordinal) || value.Contains("${", StringComparison.Ordinal)))
        {
            return (null, $"{variable}: UserKnownHostsFile '{value}': ssh's %-tokens and ${{VAR}} are not expanded by Fleet; write the path itself (~ is expanded)");
        }

        return (value, null);
    }

    /// <summary>What to write instead of an ssh option Fleet does not take.</summary>
    private static string Instead(string option) => option.ToLowerInvariant() switch
    {
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
