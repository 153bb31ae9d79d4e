namespace Fleet.Core.Templating;

// The variables a render sees: a template's own locals and blocks over its caller's.
public sealed partial class JinjaTemplate
{
    /// <summary>Variables without the innermost <c>for</c>'s <c>loop</c> (an included template does not see it).</summary>
    private sealed class WithoutLoop(IVariableLookup inner) : IVariableLookup
    {
        public bool TryGet(string name, out object? value)
        {
            value = null;
            return name != "loop" && inner.TryGet(name, out value);
        }

        public IEnumerable<string> Names => inner.Names.Where(n => n != "loop");
    }

    private sealed class Scope(IVariableLookup parent, bool ownBlocks = false) : IVariableLookup
    {
        public Dictionary<string, object?> Locals { get; } = new(StringComparer.Ordinal);

        /// <summary>The most derived body of each block name (a child template's overrides its parent's); one set per template render.</summary>
        public Dictionary<string, (JinjaTemplate Template, BlockNode Node)> Blocks { get; } =
            parent is Scope outer && !ownBlocks ? outer.Blocks : new(StringComparer.Ordinal);

        public bool TryGet(string name, out object? value) => Locals.TryGetValue(name, out value) || parent.TryGet(name, out value);

        public IEnumerable<string> Names => Locals.Keys.Concat(parent.Names);
    }
}
