using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Fleet.Core.Tests.Architecture;

/// <summary>
/// Every type a compiled type refers to: base type, interfaces, fields, properties, events, method signatures, locals, catch
/// clauses, the operands of its instructions (calls, field access, newobj, typeof, casts), generic arguments and constraints,
/// attributes (their arguments' typeof included), and the same for its nested types (closures, iterators, async state machines).
/// Constants and enum values are copied into the IL, so a use of only a constant is not seen.
/// </summary>
internal static class TypeReferences
{
    /// <summary>The references of <paramref name="type"/> and its nested types; generic instances, arrays and by-refs are taken apart.</summary>
    public static IReadOnlyList<TypeReference> Of(TypeDefinition type)
    {
        var found = new List<TypeReference>();
        Walk(type, found.Add);
        return found;
    }

    /// <summary>The outermost declaring type: a nested type lives in its declaring type's namespace.</summary>
    public static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is { } declaring)
        {
            type = declaring;
        }

        return type;
    }

    private static void Walk(TypeDefinition type, Action<TypeReference> add)
    {
        Type(type.BaseType, add);
        foreach (var implemented in type.Interfaces)
        {
            Type(implemented.InterfaceType, add);
            Attributes(implemented, add);
        }

        GenericParameters(type, add);
        Attributes(type, add);
        foreach (var field in type.Fields)
        {
            Type(field.FieldType, add);
            Attributes(field, add);
        }

        foreach (var property in type.Properties)
        {
            Type(property.PropertyType, add);
            Attributes(property, add);
        }

        foreach (var @event in type.Events)
        {
            Type(@event.EventType, add);
            Attributes(@event, add);
        }

        foreach (var method in type.Methods)
        {
            Method(method, add);
        }

        foreach (var nested in type.NestedTypes)
        {
            Walk(nested, add);
        }
    }

    private static void Method(MethodDefinition method, Action<TypeReference> add)
    {
        Type(method.ReturnType, add);
        Attributes(method.MethodReturnType, add);
        foreach (var parameter in method.Parameters)
        {
            Type(parameter.ParameterType, add);
            Attributes(parameter, add);
        }

        GenericParameters(method, add);
        Attributes(method, add);
        foreach (var overridden in method.Overrides)
        {
            MethodReference(overridden, add);
        }

        if (!method.HasBody)
        {
            return;
        }

        foreach (var local in method.Body.Variables)
        {
            Type(local.VariableType, add);
        }

        foreach (var handler in method.Body.ExceptionHandlers)
        {
            Type(handler.CatchType, add);
        }

        foreach (var instruction in method.Body.Instructions)
        {
            Operand(instruction.Operand, add);
        }
    }

    private static void Operand(object? operand, Action<TypeReference> add)
    {
        switch (operand)
        {
            case TypeReference type:
                Type(type, add);
                break;
            case MethodReference method:
                MethodReference(method, add);
                break;
            case FieldReference field:
                Type(field.DeclaringType, add);
                Type(field.FieldType, add);
                break;
            case CallSite site:
                Type(site.ReturnType, add);
                foreach (var parameter in site.Parameters)
                {
                    Type(parameter.ParameterType, add);
                }

                break;
        }
    }

    private static void MethodReference(MethodReference method, Action<TypeReference> add)
    {
        Type(method.DeclaringType, add);
        Type(method.ReturnType, add);
        foreach (var parameter in method.Parameters)
        {
            Type(parameter.ParameterType, add);
        }

        if (method is GenericInstanceMethod generic)
        {
            foreach (var argument in generic.GenericArguments)
            {
                Type(argument, add);
            }
        }
    }

    private static void Type(TypeReference? type, Action<TypeReference> add)
    {
        switch (type)
        {
            case null or GenericParameter:
                return;
            case GenericInstanceType generic:
                Type(generic.ElementType, add);
                foreach (var argument in generic.GenericArguments)
                {
                    Type(argument, add);
                }

                return;
            case FunctionPointerType pointer:
                Type(pointer.ReturnType, add);
                foreach (var parameter in pointer.Parameters)
                {
                    Type(parameter.ParameterType, add);
                }

                return;
            case RequiredModifierType required:
                Type(required.ModifierType, add);
                Type(required.ElementType, add);
                return;
            case OptionalModifierType optional:
                Type(optional.ModifierType, add);
                Type(optional.ElementType, add);
                return;
            case TypeSpecification specification:
                // Arrays, pointers, by-refs, pinned: the element is what is used.
                Type(specification.ElementType, add);
                return;
            default:
                add(type);
                return;
        }
    }

    private static void GenericParameters(IGenericParameterProvider owner, Action<TypeReference> add)
    {
        foreach (var parameter in owner.GenericParameters)
        {
            Attributes(parameter, add);
            foreach (var constraint in parameter.Constraints)
            {
                Type(constraint.ConstraintType, add);
            }
        }
    }

    private static void Attributes(ICustomAttributeProvider owner, Action<TypeReference> add)
    {
        foreach (var attribute in owner.CustomAttributes)
        {
            MethodReference(attribute.Constructor, add);
            foreach (var argument in attribute.ConstructorArguments)
            {
                Argument(argument, add);
            }

            foreach (var named in attribute.Properties.Concat(attribute.Fields))
            {
                Argument(named.Argument, add);
            }
        }
    }

    private static void Argument(CustomAttributeArgument argument, Action<TypeReference> add)
    {
        Type(argument.Type, add);
        switch (argument.Value)
        {
            case TypeReference type:
                Type(type, add);
                break;
            case CustomAttributeArgument boxed:
                Argument(boxed, add);
                break;
            case CustomAttributeArgument[] items:
                foreach (var item in items)
                {
                    Argument(item, add);
                }

                break;
        }
    }
}
