using Mono.Cecil;

namespace Fleet.Core.Tests.Architecture;

/// <summary>The layering rule over a compiled Fleet.Core: which types use a layer above their own, and which namespaces are in no layer.</summary>
internal static class LayeringRule
{
    /// <summary>One line per (type, used type) pair that goes the wrong way, naming both layers; sorted.</summary>
    public static IReadOnlyList<string> WrongWayUses(ModuleDefinition module)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in module.Types.Where(IsWritten))
        {
            if (Layers.Of(type.Namespace) is not { } from)
            {
                continue;
            }

            foreach (var reference in TypeReferences.Of(type))
            {
                var used = TypeReferences.Outermost(reference);
                if (Layers.Of(used.Namespace) is { } to && !Layers.MayUse(from, to))
                {
                    found.Add($"{type.FullName} ({from}) uses {used.FullName} ({to})");
                }
            }
        }

        return [.. found];
    }

    /// <summary>The namespaces of written types that are in no layer: a new folder, or a namespace outside Fleet.Core.</summary>
    public static IReadOnlyList<string> NamespacesInNoLayer(ModuleDefinition module) =>
        [.. module.Types.Where(IsWritten).Select(t => t.Namespace).Where(ns => Layers.Of(ns) is null).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Written by a person, not emitted by the compiler or a source generator (embedded attributes, regex helpers, &lt;Module&gt;).</summary>
    private static bool IsWritten(TypeDefinition type) =>
        !type.Name.StartsWith('<')
        && !type.CustomAttributes.Any(a => a.AttributeType.FullName is "System.Runtime.CompilerServices.CompilerGeneratedAttribute"
            or "System.CodeDom.Compiler.GeneratedCodeAttribute" or "Microsoft.CodeAnalysis.EmbeddedAttribute");
}
