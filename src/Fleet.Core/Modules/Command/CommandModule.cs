using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.Command;

/// <summary>
/// <c>command</c>: runs a program with arguments, no shell: the free-form text is split like Python's shlex and every word is
/// quoted again, so <c>|</c>, <c>&gt;</c>, <c>$(…)</c> are literal words (as in Ansible). <c>creates</c>/<c>removes</c> make it idempotent;
/// in check mode it is skipped unless they already decide.
/// </summary>
public class CommandModule : Module
{
    /// <inheritdoc />
    public override string Name => "command";

    /// <inheritdoc />
    public override string? FreeFormParameter => "cmd";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("cmd", ParameterType.String, "The command line (free-form). Required unless argv is given."),
        new("argv", ParameterType.StringList, "The program and its arguments as a list, instead of cmd."),
        new("creates", ParameterType.String, "A path: when it exists the command does not run.", HostPath: true),
        new("removes", ParameterType.String, "A path: when it does not exist the command does not run.", HostPath: true),
        new("chdir", ParameterType.String, "Directory to run in. The default is the login directory.", HostPath: true),
    ];

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (presentParameters.Contains("cmd") == presentParameters.Contains("argv"))
        {
            yield return "give exactly one of cmd (free-form) or argv";
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        var facts = new List<Fact>();
        if (args.GetString("creates") is { } creates)
        {
            facts.Add(new PathExistsFact(creates));
        }

        if (args.GetString("removes") is { } removes)
        {
            facts.Add(new PathExistsFact(removes));
        }

        return facts;
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(context);
        if (args.GetString("creates") is { } creates && facts.Get(new PathExistsFact(creates)))
        {
            return new NoChange($"{creates} exists");
        }

        if (args.GetString("removes") is { } removes && !facts.Get(new PathExistsFact(removes)))
        {
            return new NoChange($"{removes} does not exist");
        }

        var line = CommandLine(args);
        var declared = new[] { args.GetString("creates"), args.GetString("removes") }.OfType<string>().ToList();
        if (context.CheckMode && declared.Count == 0)
        {
            return new Skip($"{Name} skipped in check mode");
        }

        var script = new StringBuilder();
        if (args.GetString("chdir") is { } chdir)
        {
            script.Append(CultureInfo.InvariantCulture, $"cd {Sh.Quote(chdir)} || exit 1\n");
        }

        script.Append(line).Append('\n');

        // As in Ansible, creates/removes make a command checkable: in check mode it "would run", and what it declares to
        // create or remove is what later tasks must not be planned on. When it runs, it may have changed anything.
        var touches = context.CheckMode ? declared.SelectMany(Files.FileChange.Touched).ToList() : null;
        return new Change([$"{(context.CheckMode ? "would run" : "ran")}: {Describe(args)}"], script.ToString(), Touches: touches);
    }

    /// <summary>What runs, as one shell line: every word quoted for <c>command</c>; the text as written for <c>shell</c>.</summary>
    protected virtual string CommandLine(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var words = args.GetList("argv") ?? ShellWords.Split(args.GetRequiredString("cmd"));
        return words.Count == 0 ? throw new FleetInputException("empty command") : Sh.Command(words);
    }

    /// <summary>The command for the report.</summary>
    protected static string Describe(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var text = args.GetString("cmd") ?? string.Join(' ', args.GetList("argv") ?? []);
        return text.Length > 120 ? text[..120] + "…" : text;
    }

    /// <inheritdoc />
    public override ChangeOutcome Complete(Change change, CommandResult result, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Succeeded
            ? new ChangeOutcome(TaskOutcome.Changed, result.Stdout.Length == 0 ? null : Tail(result.Stdout.TrimEnd(), 500))
            : new ChangeOutcome(TaskOutcome.Failed, FailureText(result)) { Data = RanAnyway };
    }

    // Ansible's command and shell say changed=true whenever the command ran, also when it failed: `x is changed` holds for a
    // registered failure, and an ignored one counts as changed in the recap.
    private static readonly IReadOnlyDictionary<string, object?> RanAnyway = new Dictionary<string, object?>(StringComparer.Ordinal) { ["changed"] = true };
}

/// <summary><c>shell</c>: runs the text through a shell as written (pipes, redirections); <c>creates</c>/<c>removes</c> as for command.</summary>
public sealed class ShellModule : CommandModule
{
    /// <inheritdoc />
    public override string Name => "shell";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("cmd", ParameterType.String, "The shell text to run (free-form).", Required: true),
        new("creates", ParameterType.String, "A path: when it exists the command does not run.", HostPath: true),
        new("removes", ParameterType.String, "A path: when it does not exist the command does not run.", HostPath: true),
        new("chdir", ParameterType.String, "Directory to run in. The default is the login directory.", HostPath: true),
        new("executable", ParameterType.String, "The shell. The default value is /bin/sh.", HostPath: true),
    ];

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters) => [];

    /// <inheritdoc />
    protected override string CommandLine(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return Sh.Command(args.GetString("executable") ?? "/bin/sh", "-c", args.GetRequiredString("cmd"));
    }
}

/// <summary>Splits a command line into words like Python's <c>shlex.split</c> (quotes and backslashes; no operators).</summary>
public static class ShellWords
{
    /// <summary>The words of <paramref name="text"/>.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\'')
            {
                inWord = true;
                var end = text.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    throw new FleetInputException($"unterminated quote in: {text}");
                }

                current.Append(text, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"')
            {
                inWord = true;
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`')
                    {
                        i++;
                    }

                    current.Append(text[i]);
                    i++;
                }

                if (i >= text.Length)
                {
                    throw new FleetInputException($"unterminated quote in: {text}");
                }
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                inWord = true;
                current.Append(text[++i]);
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                inWord = true;
                current.Append(c);
            }
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return words;
    }
}
