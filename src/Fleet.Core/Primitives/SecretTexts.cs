using System.Collections.Concurrent;

namespace Fleet.Core;

/// <summary>
/// The secret texts of a run (decrypted vault values): whatever Fleet prints or writes passes <see cref="Mask(string?)"/>, which
/// shows each of them as ********. Thread-safe: a run's hosts add (include_vars) and mask at once.
/// </summary>
public sealed class SecretTexts
{
    /// <summary>How a masked secret reads.</summary>
    public const string Shown = "********";

    /// <summary>Shortest text masked: a shorter one ("1", "on") would blank that text wherever it appears, not the secret.</summary>
    public const int MinLength = 3;

    private readonly ConcurrentDictionary<string, bool> _texts = new(StringComparer.Ordinal);
    private volatile string[] _longestFirst = [];

    /// <summary>True when no text is secret: masking returns its input.</summary>
    public bool IsEmpty => _longestFirst.Length == 0;

    /// <summary>Marks <paramref name="text"/> (and each of its lines, for a multi-line secret) as secret.</summary>
    public void Add(string? text)
    {
        if (text is null)
        {
            return;
        }

        var added = false;
        foreach (var part in text.Split('\n').Select(l => l.TrimEnd('\r')).Prepend(text).Prepend(text.Trim()))
        {
            if (part.Trim().Length >= MinLength)
            {
                added |= _texts.TryAdd(part, true);
            }
        }

        if (added)
        {
            _longestFirst = [.. _texts.Keys.OrderByDescending(t => t.Length).ThenBy(t => t, StringComparer.Ordinal)];
        }
    }

    /// <summary>True when <paramref name="text"/> holds a secret.</summary>
    public bool Contains(string? text) => text is not null && _longestFirst.Any(s => text.Contains(s, StringComparison.Ordinal));

    /// <summary><paramref name="text"/> with every secret in it shown as <see cref="Shown"/>.</summary>
    public string? Mask(string? text)
    {
        if (text is null)
        {
            return null;
        }

        foreach (var secret in _longestFirst)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Shown, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>A value (text, list, mapping, as variables hold them) with every secret text in it masked; other values as they are.</summary>
    public object? MaskValue(object? value) => IsEmpty ? value : value switch
    {
        string text => Mask(text),
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(e => e.Key, e => MaskValue(e.Value), StringComparer.Ordinal),
        IEnumerable<object?> list => list.Select(MaskValue).ToList(),
        _ => value,
    };
}
