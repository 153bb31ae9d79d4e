namespace Fleet.Core.Tests.Fuzz;

/// <summary>
/// A kind of hostile input the grammar can produce, named so a case says what it holds; a case with none is plain random input.
/// Every one must meet the contract: <see cref="OpenDefects"/> lists those that did not yet when this test was written.
/// </summary>
public enum Hazard
{
    /// <summary>A macro that calls itself, or two that call each other, without a guard.</summary>
    RecursiveMacro,

    /// <summary>Thousands of nested statements (<c>{% if %}</c>, <c>{% for %}</c>) or parentheses.</summary>
    DeepNesting,

    /// <summary>A built string or list far past any sane size: <c>'x'*10**10</c>, <c>[1]*10**10</c>, big join/indent/replace.</summary>
    HugeValue,

    /// <summary>Integer arithmetic past 64 bits: <c>+</c>, <c>*</c>, <c>**</c>, <c>//</c>, <c>abs</c> of the minimum, a port template.</summary>
    IntegerOverflow,

    /// <summary>Loops whose iteration counts multiply: nested <c>range(100000)</c>, <c>range()</c> steps that wrap around 64 bits.</summary>
    ManyIterations,

    /// <summary><c>lookup('template')</c> of a template that looks itself up, and lookups of odd files (FIFO, /dev/zero, directory).</summary>
    LookupSelfReference,

    /// <summary>A chain of many variables, each defined by the next, or doubling at each level.</summary>
    VariableChain,

    /// <summary>Imports that fan out exponentially, self-includes and guarded recursive includes.</summary>
    IncludeRecursion,

    /// <summary>Role dependency cycles (with identical or different parameters) and role files that are directories.</summary>
    RoleCycle,

    /// <summary>Filters and tests given arguments they refuse: <c>indent(-5)</c>, <c>divisibleby(0)</c>, bad format strings, garbage for decoders, sort of mixed types.</summary>
    FilterArguments,

    /// <summary>A regular expression with catastrophic backtracking.</summary>
    SlowRegex,

    /// <summary>Files that are not regular files or not text: missing, directory, FIFO, /dev/zero, binary, dangling or looping symlinks.</summary>
    OddFile,

    /// <summary>NUL and other control characters in names, paths and values.</summary>
    ControlCharacters,

    /// <summary>Loops of the wrong shape: <c>loop: 5</c>, <c>loop: {a: 1}</c>, <c>with_dict: [1, 2]</c>, a bad <c>with_sequence</c>.</summary>
    LoopShape,

    /// <summary>Template source files (the <c>template</c> module's <c>src</c>) with errors: syntax, unknown filters, self-include, undefined variables.</summary>
    TemplateSource,

    /// <summary>Play, block and task keywords that are unknown, misplaced or null; unknown parameters of include/import actions.</summary>
    Keywords,

    /// <summary>Very many <c>{{ }}</c> in one value (parse time).</summary>
    ManyExpressions,

    /// <summary><c>password_hash</c> with absurd rounds.</summary>
    CostlyHash,
}
