namespace Fleet.Core.Templating;

/// <summary>The limits one render keeps (a template, a parameter, a variable with everything it uses); past one is a located error.</summary>
/// <param name="MaxDepth">Nesting of expressions, statements, macro calls, includes, lookups and variables that use variables. Default 1000.</param>
/// <param name="MaxTextLength">Characters of any text a template builds. Default 64 Mi (<c>FLEET_TEMPLATE_MAX_MIB</c> sets it in MiB).</param>
/// <param name="MaxListLength">Items of any list a template builds. Default 8 Mi (a list's 64 MiB of references).</param>
/// <param name="MaxLoopIterations">Iterations of all <c>for</c> loops in one render. Default 1,000,000.</param>
/// <param name="MaxSteps">Expressions evaluated in one render (variables that use a variable twice at each level). Default 10,000,000.</param>
/// <param name="MaxRegexMilliseconds">Time all regular-expression matching of one render (of a whole <c>validate</c> or <c>inventory</c>) may take. Default 2000.</param>
public sealed record RenderLimits(int MaxDepth = 1000, long MaxTextLength = 64L << 20, long MaxListLength = 8L << 20, long MaxLoopIterations = 1_000_000, long MaxSteps = 10_000_000, long MaxRegexMilliseconds = 2000)
{
    /// <summary>The defaults, with the size set by <c>FLEET_TEMPLATE_MAX_MIB</c> when it is a whole number from 1 to 4096.</summary>
    public static RenderLimits Default { get; } = FromEnvironment(Environment.GetEnvironmentVariable("FLEET_TEMPLATE_MAX_MIB"));

    /// <summary>The defaults with the text size <paramref name="mebibytes"/> MiB (and lists of an eighth as many items); unset or invalid keeps 64.</summary>
    public static RenderLimits FromEnvironment(string? mebibytes) =>
        long.TryParse(mebibytes, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var mib) && mib is >= 1 and <= 4096
            ? new RenderLimits(MaxTextLength: mib << 20, MaxListLength: mib << 17)
            : new RenderLimits();
}
