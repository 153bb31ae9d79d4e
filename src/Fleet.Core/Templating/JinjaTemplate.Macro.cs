namespace Fleet.Core.Templating;

public sealed partial class JinjaTemplate
{
    /// <summary>A <c>macro</c> as a value templates call: its arguments bound to its parameters, its body rendered where it was defined.</summary>
    private sealed class Macro(JinjaTemplate template, MacroNode node, Scope closure) : ICallable
    {
        public bool TakesUndefined => true;

        public object? Call(IReadOnlyList<object?> arguments, IReadOnlyDictionary<string, object?> keywords)
        {
            if (arguments.Count > node.Parameters.Count)
            {
                throw new FleetInputException($"macro '{node.Name}' takes at most {node.Parameters.Count} arguments ({arguments.Count} given)");
            }

            var scope = new Scope(closure);
            for (var i = 0; i < node.Parameters.Count; i++)
            {
                var (name, fallback) = node.Parameters[i];
                if (i < arguments.Count)
                {
                    scope.Locals[name] = arguments[i];
                }
                else if (keywords.TryGetValue(name, out var given))
                {
                    scope.Locals[name] = given;
                }
                else if (fallback is not null)
                {
                    scope.Locals[name] = fallback.Value(scope);
                }
            }

            var unknown = keywords.Keys.Except(node.Parameters.Select(p => p.Name)).FirstOrDefault();
            return unknown is not null
                ? throw new FleetInputException($"macro '{node.Name}' takes no keyword argument '{unknown}'")
                : template.RenderBlock(node.Body, scope);
        }
    }
}
