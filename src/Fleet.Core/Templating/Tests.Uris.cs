namespace Fleet.Core.Templating;

public static partial class Tests
{
    /// <summary>Ansible's URI tests: <c>uri</c> (a scheme, from a list if one is given), <c>url</c> (and a network location or <c>file:</c>), <c>urn</c>.</summary>
    private static class Uris
    {
        public static readonly Dictionary<string, Test> All = new(StringComparer.Ordinal)
        {
            ["uri"] = (v, c) => IsUri(v, c.Get(0, "schemes")),
            ["url"] = (v, c) => IsUri(v, c.Get(0, "schemes")) && Filters.UrlSchemeAndNetloc((string)v!) is { } parts && (parts.Netloc.Length > 0 || parts.Scheme == "file"),
            ["urn"] = (v, _) => IsUri(v, new List<object?> { "urn" }),
        };

        private static bool IsUri(object? value, object? schemes) =>
            value is string text && Filters.UrlSchemeAndNetloc(text) is { } parts && (!Values.Truthy(schemes) || Values.Contains(schemes, parts.Scheme));
    }
}
