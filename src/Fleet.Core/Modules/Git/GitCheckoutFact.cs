using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Git;

/// <summary>A checkout (or bare repository) at a path as the git module reads it, with the remote's refs.</summary>
/// <param name="Exists">A repository is there (<c>DEST/.git</c>, or <c>DEST/config</c> when bare).</param>
/// <param name="Head">The commit checked out (<c>rev-parse HEAD</c>), or null.</param>
/// <param name="Branch">The branch checked out, or null (detached, or no repository).</param>
/// <param name="RemoteUrl">The remote's URL in the repository's configuration, or null.</param>
/// <param name="LocalChanges">Tracked files differ from the commit (<c>status --porcelain</c>, untracked files left out).</param>
/// <param name="RemoteRefs">The remote's refs (<c>ls-remote</c>): name → commit.</param>
/// <param name="Error">Why the state could not be read (no git, the remote unreachable), or null.</param>
public sealed record GitCheckout(bool Exists, string? Head, string? Branch, string? RemoteUrl, bool LocalChanges, IReadOnlyDictionary<string, string> RemoteRefs, string? Error = null);

/// <summary>Reads a checkout and the remote's refs in one script, as Ansible's git module reads them before it decides.</summary>
/// <param name="Dest">Where the checkout is.</param>
/// <param name="Repo">The repository's URL (a path already as <c>file://</c>).</param>
/// <param name="Remote">The remote's name in the checkout.</param>
/// <param name="Bare">The checkout is a bare repository.</param>
/// <param name="Environment">Shell text run first (the SSH options for the remote), or empty.</param>
public sealed record GitCheckoutFact(string Dest, string Repo, string Remote, bool Bare, string Environment) : Fact<GitCheckout>
{
    /// <inheritdoc />
    public override string Description => Dest;

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Path(Dest)];

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var d = Sh.Quote(Dest);
            var probe = Bare ? $"[ -f {d}/config ]" : $"[ -e {d}/.git ]";
            var clean = Bare ? "echo clean" : $"if [ -n \"$(git -C {d} status --porcelain --untracked-files=no)\" ]; then echo dirty; else echo clean; fi";
            return $$"""
                {{Environment}}export LC_ALL=C
                command -v git >/dev/null || exit 3
                if {{probe}}; then
                  echo exists
                  git -C {{d}} rev-parse -q --verify HEAD || echo
                  git -C {{d}} symbolic-ref -q --short HEAD || echo
                  git -C {{d}} config --get remote.{{Sh.Quote(Remote)}}.url || echo
                  {{clean}}
                else
                  printf 'absent\n\n\n\nclean\n'
                fi
                git ls-remote -- {{Sh.Quote(Repo)}} || exit 4
                """;
        }
    }

    /// <inheritdoc />
    public override GitCheckout Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n');
        if (exitCode != 0 || lines.Length < 5)
        {
            var why = exitCode == 3 ? "Failed to find required executable \"git\" on the host" : $"git ls-remote {Repo} failed (exit {exitCode}): the remote cannot be read";
            return new GitCheckout(false, null, null, null, false, new Dictionary<string, string>(), why);
        }

        var refs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(5))
        {
            if (line.Split('\t', 2) is [var sha, var name] && sha.Length > 0)
            {
                refs.TryAdd(name, sha);
            }
        }

        string? Text(string value) => value.Length == 0 ? null : value;
        return new GitCheckout(lines[0] == "exists", Text(lines[1]), Text(lines[2]), Text(lines[3]), lines[4] == "dirty", refs);
    }
}
