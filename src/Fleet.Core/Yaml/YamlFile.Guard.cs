using System.Globalization;
using Fleet.Core.Templating;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Yaml;

// The guard every YAML text passes before it is parsed into nodes: depth, aliases, keys, tags, documents.
public static partial class YamlFile
{
    /// <summary>The tag of a value encrypted with <c>ansible-vault encrypt_string</c>.</summary>
    private const string VaultTag = "!vault";

    private sealed class Frame(string? anchor, bool mapping)
    {
        public string? Anchor { get; } = anchor;

        public bool Mapping { get; } = mapping;

        public bool KeyNext { get; set; } = true;

        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

        public long Size { get; set; } = 1;
    }

    /// <summary>
    /// Reads the events once, without building nodes (so without recursion), and refuses what would crash, exhaust memory or be
    /// silently misread later: nesting deeper than <see cref="MaxDepth"/>, an alias inside its own anchor, aliases expanding to more
    /// than <see cref="MaxAliasNodes"/> nodes, a key that is not text, a key written twice (also when a tag hides it, <c>!!str a</c>),
    /// <c>!vault</c> on a list or a mapping (it tags one value), and a second document (Ansible reads one document per file and refuses more).
    /// </summary>
    private static void Guard(string path, string text)
    {
        var parser = new Parser(new StringReader(text));
        var open = new Stack<Frame>();
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        long expanded = 0;
        var documents = 0;
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            SourceLocation At() => new(path, Math.Max(1, (int)current.Start.Line), Math.Max(1, (int)current.Start.Column));
            switch (current)
            {
                case DocumentStart:
                    if (++documents > 1)
                    {
                        throw new FleetInputException(At(), "a second YAML document (after ---) is not supported: as in Ansible, a file holds one document");
                    }

                    break;
                case Scalar scalar:
                    Node(scalar, 1, At());
                    if (!scalar.Anchor.IsEmpty)
                    {
                        anchors[scalar.Anchor.Value] = 1;
                    }

                    break;
                case AnchorAlias alias:
                    if (open.Any(f => f.Anchor == alias.Value.Value))
                    {
                        throw new FleetInputException(At(), $"alias *{alias.Value.Value} is inside its own anchor &{alias.Value.Value}: it would be infinitely deep");
                    }

                    var size = anchors.GetValueOrDefault(alias.Value.Value, 1);
                    expanded += size;
                    if (expanded > MaxAliasNodes)
                    {
                        throw new FleetInputException(At(), $"aliases expand to more than {MaxAliasNodes:N0} nodes (an alias bomb?); write the values out");
                    }

                    Node(alias, size, At());
                    break;
                case NodeEvent { } start and (SequenceStart or MappingStart):
                    RefuseVault(start.Tag, At());
                    if (open.TryPeek(out var parent) && parent.Mapping && parent.KeyNext)
                    {
                        throw new FleetInputException(At(), "a mapping key must be text, not a list or a mapping");
                    }

                    if (open.Count >= MaxDepth)
                    {
                        throw new FleetInputException(At(), $"nesting deeper than {MaxDepth} levels is not supported");
                    }

                    open.Push(new Frame(start.Anchor.IsEmpty ? null : start.Anchor.Value, start is MappingStart));
                    break;
                case SequenceEnd or MappingEnd:
                    var done = open.Pop();
                    if (done.Anchor is { } anchor)
                    {
                        anchors[anchor] = done.Size;
                    }

                    Node(null, done.Size, At());
                    break;
            }
        }

        void Node(ParsingEvent? node, long size, SourceLocation at)
        {
            if (!open.TryPeek(out var parent))
            {
                return;
            }

            parent.Size += size;
            if (!parent.Mapping)
            {
                return;
            }

            if (parent.KeyNext)
            {
                if (node is not Scalar key)
                {
                    throw new FleetInputException(at, "a mapping key must be text, not an alias");
                }

                if (!parent.Keys.Add(key.Value))
                {
                    throw new FleetInputException(at, $"duplicate key '{key.Value}' in this mapping");
                }
            }

            parent.KeyNext = !parent.KeyNext;
        }

        static void RefuseVault(TagName tag, SourceLocation at)
        {
            if (!tag.IsEmpty && tag.Value == VaultTag)
            {
                throw new FleetInputException(at, "!vault tags one encrypted value (a text block from ansible-vault encrypt_string), not a list or a mapping");
            }
        }
    }

    private static (int Line, int Column)? FirstTabIndent(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent)
            {
                return (i + 1, tab + 1);
            }
        }

        return null;
    }

    /// <summary>Re-reads the events up to the failure: the innermost flow collection still open then, or the last event read.</summary>
    private static SourceLocation UnclosedFlowCollection(string path, string text)
    {
        var parser = new Parser(new StringReader(text));
        var open = new Stack<Mark>();
        var last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                last = current.Start;
                switch (current)
                {
                    case SequenceStart { Style: SequenceStyle.Flow }:
                    case MappingStart { Style: MappingStyle.Flow }:
                        open.Push(current.Start);
                        break;
                    case SequenceEnd or MappingEnd when open.Count > 0 && current.Start.Index > open.Peek().Index:
                        open.Pop();
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or YamlException)
        {
            // expected: the same failure; what was read up to it is what we need
        }

        var at = open.Count > 0 ? open.Peek() : last;
        return new SourceLocation(path, Math.Max(1, (int)at.Line), Math.Max(1, (int)at.Column));
    }
}
