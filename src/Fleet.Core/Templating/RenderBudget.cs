using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Fleet.Core.Templating;

/// <summary>
/// The one place every render passes through: each expression, statement, macro call, include, lookup and variable that uses
/// a variable enters a level here, so no input nests past <see cref="RenderLimits.MaxDepth"/> or the thread's stack (a stack
/// overflow cannot be caught in .NET), and one render's steps, loop iterations and built values stay within <see cref="Limits"/>.
/// </summary>
public static class RenderBudget
{
    // Every budget message holds this phrase: a variable passing one on does not wrap it again at each of a thousand levels.
    internal const string Phrase = "the template limit of";

    [ThreadStatic]
    private static int t_depth;

    [ThreadStatic]
    private static long t_steps;

    [ThreadStatic]
    private static long t_iterations;

    /// <summary>The limits every render keeps. The default is <see cref="RenderLimits.Default"/>.</summary>
    public static RenderLimits Limits { get; set; } = RenderLimits.Default;

    [ThreadStatic]
    private static bool t_validating;

    // Regular-expression time spent in the current render, or in the current shared scope (validate, inventory), in Stopwatch ticks.
    [ThreadStatic]
    private static long t_regexTicks;

    [ThreadStatic]
    private static int t_sharedRegexTime;

    [ThreadStatic]
    private static bool t_stackShort;

    [ThreadStatic]
    private static bool t_bigStack;

    // The stack a render gets when its thread's was too small (a pool thread has 1.5 MiB): far more than 1000 levels need.
    private const int BigStack = 256 << 20;

    /// <summary>
    /// Runs an outermost render; when it ran out of this thread's stack before the depth limit, runs it again on a thread with
    /// a large stack, so deep legitimate input gets the same limit on every thread.
    /// </summary>
    internal static T WithEnoughStack<T>(Func<T> render)
    {
        if (t_depth > 0 || t_bigStack)
        {
            return render();
        }

        t_stackShort = false;
        try
        {
            return render();
        }
        catch (FleetInputException) when (t_stackShort)
        {
            // retried below, once this thread's stack has unwound
        }

        var validating = t_validating;
        var (regexTicks, sharedRegexTime) = (t_regexTicks, t_sharedRegexTime);
        T? result = default;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(
            () =>
            {
                t_bigStack = true;
                t_validating = validating;
                (t_regexTicks, t_sharedRegexTime) = (regexTicks, sharedRegexTime);
                try
                {
                    result = render();
                }
                catch (Exception ex)
                {
                    failure = ExceptionDispatchInfo.Capture(ex);
                }

                regexTicks = t_regexTicks;
            },
            BigStack);
        thread.Start();
        thread.Join();
        t_regexTicks = regexTicks;
        failure?.Throw();
        return result!;
    }

    /// <summary>True while <c>validate</c> checks templates on this thread: work meant for the run (a password hash's rounds) is not done.</summary>
    public static bool Validating => t_validating;

    /// <summary>Marks this thread as validating until the result is disposed; its renders share one regex time budget (<see cref="SharedRegexTime"/>).</summary>
    public static IDisposable Validation()
    {
        var outer = t_validating;
        t_validating = true;
        var shared = SharedRegexTime();
        return new Restore(() =>
        {
            shared.Dispose();
            t_validating = outer;
        });
    }

    /// <summary>
    /// Until the result is disposed, every render on this thread shares one budget of <see cref="RenderLimits.MaxRegexMilliseconds"/>
    /// for regular expressions: a command that renders many values (validate, inventory) cannot add up one slow regex per value.
    /// </summary>
    public static IDisposable SharedRegexTime()
    {
        if (t_sharedRegexTime++ == 0)
        {
            t_regexTicks = 0;
        }

        return new Restore(() => t_sharedRegexTime--);
    }

    /// <summary>The regular-expression time the current render (or shared scope) has left; zero or less when it is spent.</summary>
    internal static TimeSpan RegexTimeLeft => TimeSpan.FromMilliseconds(Limits.MaxRegexMilliseconds) - Stopwatch.GetElapsedTime(0, t_regexTicks);

    /// <summary>Counts regular-expression time spent since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    internal static void SpendRegex(long startTimestamp) => t_regexTicks += Stopwatch.GetTimestamp() - startTimestamp;

    /// <summary>The message of a regular expression that used up <see cref="RegexTimeLeft"/>, naming it (cut to a readable length).</summary>
    internal static string RegexSpent(string pattern) =>
        $"the regular expression '{(pattern.Length > 60 ? pattern[..60] + "…" : pattern)}' ran past {Phrase} {Limits.MaxRegexMilliseconds} ms of regular-expression matching in one render (does the pattern backtrack without end?)";

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    /// <summary>The current nesting (0 outside any render).</summary>
    internal static int Depth => t_depth;

    /// <summary>Enters one level (dispose the result to leave it); the outermost level of a thread starts a new render's counts.</summary>
    public static Level Enter()
    {
        if (t_depth == 0)
        {
            t_steps = 0;
            t_iterations = 0;
            t_regexTicks = t_sharedRegexTime > 0 ? t_regexTicks : 0;
        }

        if (t_depth >= Limits.MaxDepth || !StackLeft())
        {
            var limit = t_depth >= Limits.MaxDepth ? $"{Limits.MaxDepth} levels" : "the controller's stack";
            throw new FleetInputException($"templates nest deeper than {Phrase} {limit} (a macro, include, lookup or variable that uses itself without end?)");
        }

        if (++t_steps > Limits.MaxSteps)
        {
            throw new FleetInputException($"the template takes more than {Phrase} {Limits.MaxSteps} steps to render (variables that use a variable twice at each level?)");
        }

        t_depth++;
        return default;
    }

    /// <summary>One iteration of a <c>for</c> loop in the current render.</summary>
    internal static void Iterate()
    {
        if (++t_iterations > Limits.MaxLoopIterations)
        {
            throw new FleetInputException($"loops in one template run more than {Phrase} {Limits.MaxLoopIterations} iterations");
        }
    }

    /// <summary>Refuses, before it is built, a text of <paramref name="length"/> characters past the limit.</summary>
    internal static void CheckText(long length)
    {
        if (length > Limits.MaxTextLength)
        {
            throw new FleetInputException($"the template builds a text of {Count(length)} characters, past {Phrase} {Limits.MaxTextLength} (FLEET_TEMPLATE_MAX_MIB sets it in MiB)");
        }
    }

    /// <summary>Refuses, before it is built, a list of <paramref name="count"/> items past the limit.</summary>
    internal static void CheckList(long count)
    {
        if (count > Limits.MaxListLength)
        {
            throw new FleetInputException($"the template builds a list of {Count(count)} items, past {Phrase} {Limits.MaxListLength} (FLEET_TEMPLATE_MAX_MIB sets it in MiB)");
        }
    }

    /// <summary>Refuses a built value (text or list) past the limit.</summary>
    internal static object? Checked(object? value)
    {
        switch (value)
        {
            case string s:
                CheckText(s.Length);
                break;
            case IReadOnlyList<object?> list:
                CheckList(list.Count);
                break;
        }

        return value;
    }

    /// <summary>For code that walks a value's nesting (printing, comparing): a value nested past the stack is an error, not a crash.</summary>
    internal static void EnsureStack()
    {
        if (!StackLeft())
        {
            throw new FleetInputException($"a value nests deeper than {Phrase} the controller's stack");
        }
    }

    private static bool StackLeft()
    {
        var left = RuntimeHelpers.TryEnsureSufficientExecutionStack();
        t_stackShort |= !left;
        return left;
    }

    /// <summary>True for an error of this budget (already worded; a variable does not prefix it at every level).</summary>
    internal static bool IsBudgetError(InputError error) => error.Message.Contains(Phrase, StringComparison.Ordinal);

    // A count past long (from a repetition of a huge count) is still printed as a number.
    private static string Count(long n) => n == long.MaxValue ? "more than " + long.MaxValue.ToString(CultureInfo.InvariantCulture) : n.ToString(CultureInfo.InvariantCulture);

    [ThreadStatic]
    private static Dictionary<(object Scope, string Name), object?>? t_rendered;

    /// <summary>
    /// What variables rendered to within the current render (null outside one), so a variable used twice at each level of a chain
    /// (<c>d1: "{{ d0 ~ d0 }}"</c>, …) is rendered once per render instead of once per use; dropped when the render ends.
    /// </summary>
    internal static Dictionary<(object Scope, string Name), object?>? RenderedVariables => t_depth > 0 ? t_rendered ??= [] : null;

    /// <summary>One level of nesting; disposing it leaves the level.</summary>
    public readonly struct Level : IDisposable
    {
        /// <inheritdoc />
        public void Dispose()
        {
            if (--t_depth == 0)
            {
                t_rendered = null;
            }
        }
    }
}
