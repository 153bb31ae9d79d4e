using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.RegularExpressions;
using Fleet.Cli.Commands.Lab;
using Fleet.Core;
using Fleet.Core.Playbooks;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary>
/// What Fleet says for a command or option it does not know: the close name meant (<see cref="NameSuggestion"/>), or, for an
/// ansible-playbook option Fleet does not honour, what to do instead.
/// </summary>
internal static partial class UnknownNames
{
    /// <summary>Each command as typed (a branch's with its branch) and its options' names; Program registers the same commands.</summary>
    private static readonly Dictionary<string, Func<IEnumerable<string>>> Commands = new(StringComparer.Ordinal)
    {
        ["apply"] = OptionsOf<ApplyCommand.Settings>,
        ["check"] = OptionsOf<PlaybookRunSettings>,
        ["validate"] = OptionsOf<ValidateCommand.Settings>,
        ["inventory"] = OptionsOf<InventoryCommand.Settings>,
        ["ping"] = OptionsOf<ConnectionSettings>,
        ["audit"] = OptionsOf<AuditCommand.Settings>,
        ["enforce"] = OptionsOf<EnforceCommand.Settings>,
        ["demo"] = OptionsOf<DemoCommand.Settings>,
        ["lab up"] = OptionsOf<LabUpCommand.Settings>,
        ["lab down"] = OptionsOf<LabSettings>,
        ["lab status"] = OptionsOf<LabSettings>,
        ["lab ssh"] = OptionsOf<LabSshCommand.Settings>,
        ["report merge"] = OptionsOf<ReportMergeCommand.Settings>,
    };

    /// <summary>ansible-playbook's options that Fleet does not honour, and what to do instead.</summary>
    internal static readonly Dictionary<string, string> AnsibleOnly = new(StringComparer.Ordinal)
    {
        ["--step"] = "Fleet does not stop to confirm each task: preview the run with --check --diff, then apply it",
        ["--module-path"] = "Fleet's modules are built in (docs/modules) and none is loaded from a path",
        ["-M"] = "Fleet's modules are built in (docs/modules) and none is loaded from a path",
        ["--scp-extra-args"] = "Fleet copies files inside its SSH session, with no scp or sftp; leave it out",
        ["--sftp-extra-args"] = "Fleet copies files inside its SSH session, with no scp or sftp; leave it out",
        ["--force-handlers"] = "the handlers of a failed host do not run in Fleet: put what must run after a failure in a block's always",
    };

    /// <summary>
    /// <paramref name="error"/> with a did-you-mean or an instead added when it is Spectre's unknown command or option
    /// (<paramref name="args"/> as typed tell which command and which spelling); any other exception as it is.
    /// </summary>
    public static Exception Explain(Exception error, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(args);
        if (error is not (CommandParseException or CommandRuntimeException))
        {
            return error;
        }

        var words = args.Where(a => !a.StartsWith('-')).ToList();
        if (UnknownCommand().Match(error.Message) is { Success: true } command)
        {
            var name = command.Groups["name"].Value;
            var branch = words.Count > 1 && words[1] == name && Commands.Keys.Any(k => k.StartsWith(words[0] + " ", StringComparison.Ordinal)) ? words[0] + " " : "";
            var names = branch.Length > 0
                ? Commands.Keys.Where(k => k.StartsWith(branch, StringComparison.Ordinal)).Select(k => k[branch.Length..])
                : Commands.Keys.Select(k => k.Split(' ')[0]).Append("help");
            return new FleetInputException($"Unknown command '{name}'{NameSuggestion.DidYouMean(name, names)}; fleet help lists the commands");
        }

        if (UnknownOption().Match(error.Message) is { Success: true } option)
        {
            var name = option.Groups["name"].Value;
            var typed = name.Length > 1 || args.Any(a => a == "--" + name || a.StartsWith("--" + name + "=", StringComparison.Ordinal)) ? "--" + name : "-" + name;
            if (AnsibleOnly.TryGetValue(typed, out var instead))
            {
                return new FleetInputException($"{typed} is ansible-playbook's and Fleet does not honour it: {instead}");
            }

            var path = words.Count > 1 && Commands.ContainsKey(words[0] + " " + words[1]) ? words[0] + " " + words[1] : words.FirstOrDefault() ?? "";
            var known = Commands.TryGetValue(path, out var options) ? options().Where(o => o.StartsWith("--", StringComparison.Ordinal) == typed.StartsWith("--", StringComparison.Ordinal)) : [];
            var prefix = typed.StartsWith("--", StringComparison.Ordinal) ? "--" : "-";
            // A one-letter option is one edit from every other: only a long option gets a suggestion.
            var suggestion = prefix == "--" ? NameSuggestion.Closest(name, known.Select(o => o[prefix.Length..])) : null;
            var help = path.Length > 0 && Commands.ContainsKey(path) ? $"fleet help {path}" : "fleet help";
            return new FleetInputException($"Unknown option '{name}'{(suggestion is null ? "" : $" (did you mean '{prefix}{suggestion}'?)")}; {help} lists the options");
        }

        return error;
    }

    /// <summary>The options of a settings type as typed: <c>--long</c> and <c>-s</c>.</summary>
    private static IEnumerable<string> OptionsOf<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TSettings>()
        where TSettings : CommandSettings =>
        typeof(TSettings).GetProperties().Select(p => p.GetCustomAttribute<CommandOptionAttribute>()).OfType<CommandOptionAttribute>()
            .SelectMany(o => o.LongNames.Select(n => "--" + n).Concat(o.ShortNames.Select(n => "-" + n)));

    [GeneratedRegex(@"^Unknown command '(?<name>[^']*)'\.?$")]
    private static partial Regex UnknownCommand();

    [GeneratedRegex(@"^Unknown option '(?<name>[^']*)'\.?$")]
    private static partial Regex UnknownOption();
}
