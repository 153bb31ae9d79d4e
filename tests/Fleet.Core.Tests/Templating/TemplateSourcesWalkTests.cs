using Fleet.Core.Templating;

namespace Fleet.Core.Tests.Templating;

/// <summary>What validation reads from a parsed template without rendering it: variables used and bound, templates named, files looked up.</summary>
public sealed class TemplateSourcesWalkTests
{
    private static JinjaTemplate Parse(string text) => JinjaTemplate.Parse(text, "t.j2", TemplateOptions.Ansible);

    [Fact]
    public void VariableUses_ProvenByTheIfAroundOrAnEarlierFalseCondition_AreLeftOut()
    {
        var template = Parse("{% if a is defined %}{{ a }}{% elif b is undefined %}{{ b }}{% else %}{{ b }} {{ c }}{% endif %}{{ d }}");

        // A test of definedness reads no value; the elif's body is not proven by its own condition, the else is.
        Assert.Equal([("b", true), ("c", true), ("d", false)], template.VariableUses.Select(u => (u.Name, u.Guarded)));
    }

    [Fact]
    public void VariableUses_TheFirstUseInTextOrder_IsTheOneReported()
    {
        // x is read in the first branch's body before the elif's condition reads it: the use reported is the guarded one, at line 2.
        var template = Parse("{% if a %}\n{{ x }}\n{% elif x %}{% endif %}");

        var x = Assert.Single(template.VariableUses, u => u.Name == "x");

        Assert.True(x.Guarded);
        Assert.Equal(2, x.Location.Line);
    }

    [Fact]
    public void BoundNames_SetForMacroAndImport_AreBound_AndNotUses()
    {
        var template = Parse("{% set s = 1 %}{% for i in items %}{{ loop.index }}{{ i }}{% endfor %}{% macro m(p) %}{{ p }}{{ kwargs }}{% endmacro %}{% from 'f.j2' import g as h %}{{ s }}{{ h() }}");

        Assert.Superset(new HashSet<string> { "s", "i", "loop", "m", "p", "varargs", "kwargs", "caller", "h" }, template.BoundNames.ToHashSet());
        Assert.Equal(["items"], template.VariableUses.Select(u => u.Name));
    }

    [Fact]
    public void ReferencesAndFileLookups_LiteralOnes_WithGuardAndImport()
    {
        var template = Parse("{% include 'a.j2' %}{% if x %}{% import 'b.j2' as b %}{{ lookup('file', 'f.txt') }}{% endif %}{% for i in [1] if lookup('template', 'g.j2') %}{% endfor %}{% include name %}");

        Assert.Equal([("a.j2", false, false), ("b.j2", true, true)], template.References.Select(r => (r.Name, r.Guarded, r.Imported)));
        Assert.Equal([("file", "f.txt", true), ("template", "g.j2", true)], template.FileLookups.Select(l => (l.Kind, l.Path, l.Guarded)));
    }
}
