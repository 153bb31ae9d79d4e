using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Fleet.Core.Tests.Architecture;

/// <summary>
/// The layering rule fails on a wrong-way reference: tiny assemblies built here, each holding one use of one kind, are checked
/// as Fleet.Core is, so the rule is shown to see every kind of use whether or not the real code still has one.
/// </summary>
public sealed class LayeringRuleTests
{
    [Fact]
    public void WrongWayUses_PlaybooksCallsExecutionStatic_IsReported()
    {
        // As PlayReader once called PlaybookRunner.TryParseSerial.
        var uses = WrongWayUses((module, user) => Call(user, StaticMethod(Type(module, "Fleet.Core.Execution", "PlaybookRunner"), "TryParseSerial")), "Fleet.Core.Playbooks");

        Assert.Equal(["Fleet.Core.Playbooks.User (Playbooks) uses Fleet.Core.Execution.PlaybookRunner (Execution)"], uses);
    }

    [Fact]
    public void WrongWayUses_PlaybooksCallsReportsStatic_IsReported()
    {
        // As RoleReader once called Reports.JsonValues.ToJson.
        var uses = WrongWayUses((module, user) => Call(user, StaticMethod(Type(module, "Fleet.Core.Reports", "JsonValues"), "ToJson")), "Fleet.Core.Playbooks");

        Assert.Equal(["Fleet.Core.Playbooks.User (Playbooks) uses Fleet.Core.Reports.JsonValues (Reports)"], uses);
    }

    [Fact]
    public void WrongWayUses_TemplatingConstructsFacts_IsReported()
    {
        // As IVariableLookup once built a Facts.SystemInfo.
        var uses = WrongWayUses((module, user) => New(user, Type(module, "Fleet.Core.Facts", "SystemInfo")), "Fleet.Core.Templating");

        Assert.Equal(["Fleet.Core.Templating.User (Templating) uses Fleet.Core.Facts.SystemInfo (Facts)"], uses);
    }

    public static TheoryData<string> KindsOfUse => ["base type", "interface", "field", "generic argument", "method signature", "local", "typeof", "field access", "attribute", "attribute typeof", "nested type", "in a closure"];

    [Theory]
    [MemberData(nameof(KindsOfUse))]
    public void WrongWayUses_EveryKindOfUse_IsReported(string kind)
    {
        var uses = WrongWayUses((module, user) => Use(kind, module, user, Type(module, "Fleet.Core.Execution", "Above")), "Fleet.Core.Playbooks");

        Assert.Equal(["Fleet.Core.Playbooks.User (Playbooks) uses Fleet.Core.Execution.Above (Execution)"], uses);
    }

    [Theory]
    [MemberData(nameof(KindsOfUse))]
    public void WrongWayUses_EveryKindOfUseDownwards_IsAllowed(string kind)
    {
        var uses = WrongWayUses((module, user) => Use(kind, module, user, Type(module, "Fleet.Core.Playbooks", "Below")), "Fleet.Core.Execution");

        Assert.Empty(uses);
    }

    [Theory]
    [InlineData("Fleet.Core.Modules.Apt", "Fleet.Core.Modules", true)]
    [InlineData("Fleet.Core.Modules.Apt", "Fleet.Core.Modules.Apt", true)]
    [InlineData("Fleet.Core.Modules.Apt", "Fleet.Core.Facts", true)]
    [InlineData("Fleet.Core.Modules.Apt", "Fleet.Core", true)]
    [InlineData("Fleet.Core.Modules.Apt", "Fleet.Core.Modules.Ufw", false)]
    [InlineData("Fleet.Core.Modules", "Fleet.Core.Modules.Ufw", true)]
    [InlineData("Fleet.Core.Modules.Apt", "Fleet.Core.Modules.Files", true)]
    [InlineData("Fleet.Core.Modules.Files", "Fleet.Core.Modules.Apt", false)]
    [InlineData("Fleet.Core.Modules.Sshd", "Fleet.Core.Modules.Ufw", true)]
    [InlineData("Fleet.Core.Modules.Ufw", "Fleet.Core.Modules.Sshd", false)]
    [InlineData("Fleet.Core.Modules.Apt.Deeper", "Fleet.Core.Modules.Apt", true)]
    [InlineData("Fleet.Core.Modules.Apt", "Fleet.Core.Playbooks", false)]
    [InlineData("Fleet.Core", "Fleet.Core.Remote", false)]
    [InlineData("Fleet.Core.Reports", "Fleet.Core.Execution", false)]
    public void WrongWayUses_Modules_UseTheirRootAndSharedModulesNotEachOther(string from, string to, bool allowed)
    {
        var uses = WrongWayUses((module, user) => New(user, Type(module, to, "Used")), from);

        Assert.Equal(allowed, uses.Count == 0);
    }

    [Fact]
    public void NamespacesInNoLayer_NewFolder_IsReported()
    {
        using var assembly = Build(module =>
        {
            Type(module, "Fleet.Core.Playbooks", "Known");
            Type(module, "Fleet.Core.Scheduling", "Unknown");
        });

        Assert.Equal(["Fleet.Core.Scheduling"], LayeringRule.NamespacesInNoLayer(assembly.MainModule));
    }

    /// <summary>Builds, writes and reads back an assembly whose type <c>User</c> in <paramref name="userNamespace"/> makes the uses given.</summary>
    private static IReadOnlyList<string> WrongWayUses(Action<ModuleDefinition, TypeDefinition> use, string userNamespace)
    {
        using var assembly = Build(module => use(module, Type(module, userNamespace, "User")));
        return LayeringRule.WrongWayUses(assembly.MainModule);
    }

    private static AssemblyDefinition Build(Action<ModuleDefinition> content)
    {
        using var built = AssemblyDefinition.CreateAssembly(new AssemblyNameDefinition("Synthetic", new Version(1, 0)), "Synthetic", ModuleKind.Dll);
        content(built.MainModule);
        var image = new MemoryStream();
        built.Write(image);
        image.Position = 0;
        return Assemblies.Read(image);
    }

    private static void Use(string kind, ModuleDefinition module, TypeDefinition user, TypeDefinition used)
    {
        var system = module.TypeSystem;
        switch (kind)
        {
            case "base type":
                user.BaseType = used;
                break;
            case "interface":
                used.Attributes |= TypeAttributes.Interface | TypeAttributes.Abstract;
                used.BaseType = null;
                user.Interfaces.Add(new InterfaceImplementation(used));
                break;
            case "field":
                user.Fields.Add(new FieldDefinition("value", FieldAttributes.Private, used));
                break;
            case "generic argument":
                var list = module.ImportReference(typeof(List<>));
                user.Fields.Add(new FieldDefinition("values", FieldAttributes.Private, new GenericInstanceType(list) { GenericArguments = { new ArrayType(used) } }));
                break;
            case "method signature":
                var method = new MethodDefinition("Take", MethodAttributes.Public | MethodAttributes.Static, system.Void);
                method.Parameters.Add(new ParameterDefinition(new ByReferenceType(used)));
                Body(method, il => il.Emit(OpCodes.Ret));
                user.Methods.Add(method);
                break;
            case "local":
                Body(Method(user), il => il.Emit(OpCodes.Ret)).Variables.Add(new VariableDefinition(used));
                break;
            case "typeof":
                Body(Method(user), il =>
                {
                    il.Emit(OpCodes.Ldtoken, used);
                    il.Emit(OpCodes.Pop);
                    il.Emit(OpCodes.Ret);
                });
                break;
            case "field access":
                var field = new FieldDefinition("Shared", FieldAttributes.Public | FieldAttributes.Static, system.Int32);
                used.Fields.Add(field);
                Body(Method(user), il =>
                {
                    il.Emit(OpCodes.Ldsfld, field);
                    il.Emit(OpCodes.Pop);
                    il.Emit(OpCodes.Ret);
                });
                break;
            case "attribute":
                used.BaseType = module.ImportReference(typeof(Attribute));
                user.CustomAttributes.Add(new CustomAttribute(Constructor(used)));
                break;
            case "attribute typeof":
                var described = new CustomAttribute(module.ImportReference(typeof(System.ComponentModel.DescriptionAttribute).GetConstructor([typeof(string)])));
                described.ConstructorArguments.Add(new CustomAttributeArgument(system.String, "x"));
                var typed = new CustomAttribute(module.ImportReference(typeof(System.Diagnostics.DebuggerTypeProxyAttribute).GetConstructor([typeof(Type)])));
                typed.ConstructorArguments.Add(new CustomAttributeArgument(module.ImportReference(typeof(Type)), used));
                user.CustomAttributes.Add(described);
                user.CustomAttributes.Add(typed);
                break;
            case "nested type":
                var inner = new TypeDefinition("", "Inner", TypeAttributes.NestedPublic | TypeAttributes.Sealed, system.Object);
                used.NestedTypes.Add(inner);
                New(user, inner);
                break;
            case "in a closure":
                var closure = new TypeDefinition("", "<>c", TypeAttributes.NestedPrivate | TypeAttributes.Sealed, system.Object);
                user.NestedTypes.Add(closure);
                New(closure, used);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static TypeDefinition Type(ModuleDefinition module, string ns, string name)
    {
        var type = new TypeDefinition(ns, name, TypeAttributes.Public | TypeAttributes.Class, module.TypeSystem.Object);
        module.Types.Add(type);
        return type;
    }

    private static MethodDefinition StaticMethod(TypeDefinition type, string name)
    {
        var method = new MethodDefinition(name, MethodAttributes.Public | MethodAttributes.Static, type.Module.TypeSystem.Boolean);
        method.Parameters.Add(new ParameterDefinition(type.Module.TypeSystem.String));
        Body(method, il =>
        {
            il.Emit(OpCodes.Ldc_I4_1);
            il.Emit(OpCodes.Ret);
        });
        type.Methods.Add(method);
        return method;
    }

    private static MethodDefinition Constructor(TypeDefinition type)
    {
        var constructor = new MethodDefinition(".ctor", MethodAttributes.Public | MethodAttributes.HideBySig | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName, type.Module.TypeSystem.Void);
        Body(constructor, il => il.Emit(OpCodes.Ret));
        type.Methods.Add(constructor);
        return constructor;
    }

    private static MethodDefinition Method(TypeDefinition user)
    {
        var method = new MethodDefinition("Run", MethodAttributes.Public | MethodAttributes.Static, user.Module.TypeSystem.Void);
        user.Methods.Add(method);
        return method;
    }

    private static MethodBody Body(MethodDefinition method, Action<ILProcessor> emit)
    {
        emit(method.Body.GetILProcessor());
        return method.Body;
    }

    private static void Call(TypeDefinition user, MethodDefinition target) =>
        Body(Method(user), il =>
        {
            il.Emit(OpCodes.Ldstr, "2");
            il.Emit(OpCodes.Call, target);
            il.Emit(OpCodes.Pop);
            il.Emit(OpCodes.Ret);
        });

    private static void New(TypeDefinition user, TypeDefinition used)
    {
        var constructor = Constructor(used);
        Body(Method(user), il =>
        {
            il.Emit(OpCodes.Newobj, constructor);
            il.Emit(OpCodes.Pop);
            il.Emit(OpCodes.Ret);
        });
    }
}
