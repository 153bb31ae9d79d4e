namespace Fleet.Cli.Commands;

/// <summary>
/// ansible-playbook counts <c>-v</c>: <c>-vv</c> (or <c>-v -v</c>) is verbosity 2, which <c>debug</c>'s <c>verbosity: 2</c> waits
/// for. The command line parser knows <c>-v</c> as a flag only, so the count goes to it as the hidden <c>--verbosity N</c>.
/// </summary>
internal static class VerbosityArguments
{
    /// <summary>The commands that take <c>--verbosity</c>.</summary>
    private static readonly string[] Counting = ["apply", "check"];

    /// <summary><paramref name="args"/> with every <c>-v…</c> and <c>--verbose</c> before <c>--</c> folded into <c>-v --verbosity N</c> when N is 2 or more.</summary>
    public static string[] Expand(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || !Counting.Contains(args[0]))
        {
            return args;
        }

        var end = Array.IndexOf(args, "--") is var dashes and >= 0 ? dashes : args.Length;
        var count = args.Take(end).Sum(Count);
        if (count < 2)
        {
            return args;
        }

        var first = Array.FindIndex(args, 0, end, a => Count(a) > 0);
        return [.. args.Take(end).Where((a, i) => i == first || Count(a) == 0).SelectMany((a, i) => Count(a) > 0 ? new[] { "-v", "--verbosity", count.ToString(System.Globalization.CultureInfo.InvariantCulture) } : [a]), .. args.Skip(end)];
    }

    private static int Count(string arg) => arg == "--verbose" ? 1 : arg.Length >= 2 && arg[0] == '-' && arg[1..].All(c => c == 'v') ? arg.Length - 1 : 0;
}
