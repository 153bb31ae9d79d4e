using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Tests.Templating;

/// <summary>
/// The filters and tests added from Ansible 2.14's and Jinja's tables (random, urlsplit, strftime, paths, hashes, itertools, …):
/// every expected value below is what ansible-core 2.14's own plugins render in python3-jinja2.
/// </summary>
public sealed class AnsibleFilterTests
{
    private static readonly SourceLocation At = new("site.yml", 3, 7);

    private static object? Rendered(string text) => Template.Render(text, VariableScope.Of(new Dictionary<string, object?> { ["host"] = "web01", ["n"] = 17L }), At);

    [Theory]
    [InlineData("{{ 59 | random(seed='web01') }}", "22")]
    [InlineData("{{ 59 | random(seed=host) }}", "22")]
    [InlineData("{{ 60 | random(seed='db02.example.com') }}", "11")]
    [InlineData("{{ 100 | random(start=10, step=5, seed=42) }}", "25")]
    [InlineData("{{ 2**40 | random(seed=7) }}", "1048576")]
    [InlineData("{{ ['a','b','c','d'] | random(seed='x') }}", "c")]
    [InlineData("{{ 'hello' | random(seed=1) }}", "e")]
    [InlineData("{{ [1,2,3,4,5,6,7,8,9,10] | shuffle(seed='web01') }}", "[4, 3, 9, 5, 8, 10, 2, 1, 7, 6]")]
    [InlineData("{{ 5 | random(seed=0) }}", "3")]
    [InlineData("{{ 1000000 | random(seed=-5) }}", "653159")]
    [InlineData("{{ 59 | random(seed=true) }}", "8")]
    [InlineData("{{ [1,2,3] | shuffle(seed=0) | length }}", "3")]
    [InlineData("{{ 'http://user:pass@www.Acme.com:9000/dir/index.html?query=term#frag' | urlsplit }}", "{'fragment': 'frag', 'hostname': 'www.acme.com', 'netloc': 'user:pass@www.Acme.com:9000', 'password': 'pass', 'path': '/dir/index.html', 'port': 9000, 'query': 'query=term', 'scheme': 'http', 'username': 'user'}")]
    [InlineData("{{ 'http://user:pass@www.acme.com:9000/dir/index.html?query=term#frag' | urlsplit('hostname') }}", "www.acme.com")]
    [InlineData("{{ 'https://[::1]:443/x' | urlsplit('port') }}", "443")]
    [InlineData("{{ 'https://[::1]:443/x' | urlsplit('hostname') }}", "::1")]
    [InlineData("{{ 'mailto:a@b.c' | urlsplit }}", "{'fragment': '', 'hostname': None, 'netloc': '', 'password': None, 'path': 'a@b.c', 'port': None, 'query': '', 'scheme': 'mailto', 'username': None}")]
    [InlineData("{{ '/just/a/path?x=1' | urlsplit }}", "{'fragment': '', 'hostname': None, 'netloc': '', 'password': None, 'path': '/just/a/path', 'port': None, 'query': 'x=1', 'scheme': '', 'username': None}")]
    [InlineData("{{ 'a%20b+c%C3%A9%zz' | urldecode }}", "a b cé%zz")]
    [InlineData("{{ 'a b/c&d=é' | urlencode }}", "a%20b/c%26d%3D%C3%A9")]
    [InlineData("{{ {'a b': 'c/d', 'e': 1} | urlencode }}", "a+b=c%2Fd&e=1")]
    [InlineData("{{ [['k', 'v w'], ['x', True]] | urlencode }}", "k=v+w&x=True")]
    [InlineData("{{ '%Y-%m-%d %H:%M:%S' | strftime(0, utc=true) }}", "1970-01-01 00:00:00")]
    [InlineData("{{ '%a %A %b %B %c|%d %e %j %U %W %w %u %V %G %g' | strftime(1700000000, utc=true) }}", "Tue Tuesday Nov November Tue Nov 14 22:13:20 2023|14 14 318 46 46 2 2 46 2023 23")]
    [InlineData("{{ '%I %l %p %P %y %C %D %F %T %R %r %s %z %Z %%' | strftime(1700000000.9, utc=true) }}", "10 10 PM pm 23 20 11/14/23 2023-11-14 22:13:20 22:13 10:13:20 PM 1700000000 +0000 GMT %")]
    [InlineData("{{ '%-d/%-m %_H %Q' | strftime(1704067200, utc=true) }}", "1/1  0 %Q")]
    [InlineData("{{ '%x %X' | strftime(second=86399, utc=True) }}", "01/01/70 23:59:59")]
    [InlineData("{{ ['a','b'] | path_join }}", "a/b")]
    [InlineData("{{ ['/etc', 'ssh/', '/abs', 'x'] | path_join }}", "/abs/x")]
    [InlineData("{{ 'one' | path_join }}", "one")]
    [InlineData("{{ 'C:\\Users\\x/file.txt' | win_basename }}", "file.txt")]
    [InlineData("{{ 'C:\\Users\\x/file.txt' | win_dirname }}", "C:\\Users\\x")]
    [InlineData("{{ '\\\\srv\\share\\dir\\f' | win_splitdrive }}", "('\\\\\\\\srv\\\\share', '\\\\dir\\\\f')")]
    [InlineData("{{ 'C:x' | win_splitdrive }}", "('C:', 'x')")]
    [InlineData("{{ 'C:/' | win_dirname }}", "C:/")]
    [InlineData("{{ '/a/b/c' | relpath('/a/d') }}", "../b/c")]
    [InlineData("{{ '/a/b/' | relpath('/a') }}", "b")]
    [InlineData("{{ '/a' | relpath('/a') }}", ".")]
    [InlineData("{{ 'abc' | md5 }}", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("{{ 'abc' | sha1 }}", "a9993e364706816aba3e25717850c26c9cd0d89d")]
    [InlineData("{{ 'web01' | to_uuid }}", "1366e976-9f5c-56fc-89f3-793cbaf36534")]
    [InlineData("{{ 'web01' | to_uuid(namespace='6ba7b810-9dad-11d1-80b4-00c04fd430c8') }}", "b3d64a2b-8b6a-5164-bcec-3f7ba519d18c")]
    [InlineData("{{ 100 | log }}", "4.605170185988092")]
    [InlineData("{{ 100 | log(10) }}", "2.0")]
    [InlineData("{{ 8 | log(2) }}", "3.0")]
    [InlineData("{{ 2 | pow(10) }}", "1024.0")]
    [InlineData("{{ 2.5 | pow(2) }}", "6.25")]
    [InlineData("{{ 16 | root }}", "4.0")]
    [InlineData("{{ 27 | root(3) }}", "3.0")]
    [InlineData("{{ [1,2,3] | combinations(2) | list }}", "[(1, 2), (1, 3), (2, 3)]")]
    [InlineData("{{ 'abc' | permutations | list }}", "[('a', 'b', 'c'), ('a', 'c', 'b'), ('b', 'a', 'c'), ('b', 'c', 'a'), ('c', 'a', 'b'), ('c', 'b', 'a')]")]
    [InlineData("{{ [1,2,3] | permutations(2) | list }}", "[(1, 2), (1, 3), (2, 1), (2, 3), (3, 1), (3, 2)]")]
    [InlineData("{{ [1,2] | product(['a','b']) | list }}", "[(1, 'a'), (1, 'b'), (2, 'a'), (2, 'b')]")]
    [InlineData("{{ [0,1] | product(repeat=2) | list }}", "[(0, 0), (0, 1), (1, 0), (1, 1)]")]
    [InlineData("{{ [1,2,3] | zip_longest(['a']) | list }}", "[(1, 'a'), (2, None), (3, None)]")]
    [InlineData("{{ [1] | zip_longest([2,3], fillvalue='-') | list }}", "[(1, 2), ('-', 3)]")]
    [InlineData("{{ [1,2] | combinations(3) | list }}", "[]")]
    [InlineData("{{ 'ab' | center(7) }}|", "   ab  |")]
    [InlineData("{{ 'ab' | center(6) }}|", "  ab  |")]
    [InlineData("{{ 'abc' | center(6) }}|", " abc  |")]
    [InlineData("{{ 'foo bar baz qux' | truncate(9) }}", "foo...")]
    [InlineData("{{ 'foo bar baz qux' | truncate(9, True) }}", "foo ba...")]
    [InlineData("{{ 'foo bar baz qux' | truncate(11) }}", "foo bar baz qux")]
    [InlineData("{{ 'foo bar baz qux' | truncate(11, False, '...', 0) }}", "foo bar...")]
    [InlineData("{{ 'foobarbazqux' | truncate(8, leeway=0) }}", "fooba...")]
    [InlineData("{{ 'x' | dict_kv('k') }}", "{'k': 'x'}")]
    [InlineData("{{ {'a': 1, 'b': [2]} | items | list }}", "[('a', 1), ('b', [2])]")]
    [InlineData("{{ [1,2] is issubset([1,2,3]) }}", "True")]
    [InlineData("{{ [1,4] is issuperset([4]) }}", "True")]
    [InlineData("{{ {'unreachable': true} is unreachable }}", "True")]
    [InlineData("{{ {'changed': true} is reachable }}", "True")]
    [InlineData("{{ {'finished': 1} is finished }}", "True")]
    [InlineData("{{ {'finished': 0} is finished }}", "False")]
    [InlineData("{{ {'started': 1} is started }}", "True")]
    [InlineData("{{ {} is finished }}", "True")]
    [InlineData("{{ 'nan' | float is nan }}", "True")]
    [InlineData("{{ 1.5 is isnan }}", "False")]
    [InlineData("{{ 'x' is nan }}", "False")]
    [InlineData("{{ '/etc' is directory }}", "True")]
    [InlineData("{{ '/etc/passwd' is file }}", "True")]
    [InlineData("{{ '/etc/passwd' is exists }}", "True")]
    [InlineData("{{ '/nonexistent' is exists }}", "False")]
    [InlineData("{{ '/etc' is abs }}", "True")]
    [InlineData("{{ 'etc' is is_abs }}", "False")]
    [InlineData("{{ 'http://x' is uri }}", "True")]
    [InlineData("{{ 'anything' is uri }}", "True")]
    [InlineData("{{ 'http://x' is url }}", "True")]
    [InlineData("{{ 'file:/x' is url }}", "True")]
    [InlineData("{{ 'x/y' is url }}", "False")]
    [InlineData("{{ 'urn:isbn:1' is urn }}", "True")]
    [InlineData("{{ 'http://x' is uri(['https']) }}", "False")]
    [InlineData("{{ 5 is uri }}", "False")]
    public void Render_AsAnsible(string text, string expected) =>
        Assert.Equal(expected, Values.ToPython(Rendered(text)));

    [Theory]
    [InlineData("{{ 10 | random(start=20, seed=1) }}", "empty range for randrange() (20, 10, -10)")]
    [InlineData("{{ 0 | random(seed=1) }}", "empty range for randrange() (0, 0, 0)")]
    [InlineData("{{ [] | random(seed=1) }}", "Cannot choose from an empty sequence")]
    [InlineData("{{ [1,2] | random(start=1) }}", "start and step can only be used with integer values")]
    [InlineData("{{ 3.5 | random }}", "random can only be used on sequences and integers")]
    [InlineData("{{ 'http://h:99999/' | urlsplit }}", "Port out of range 0-65535")]
    [InlineData("{{ 'http://h/' | urlsplit('nope') }}", "urlsplit: unknown URL component: nope")]
    [InlineData("{{ 'http://u@h:x/' | urlsplit('username') }}", "Port could not be cast to integer value as 'x'")]
    [InlineData("{{ '%Y' | strftime('bad') }}", "Invalid value for epoch value (bad)")]
    [InlineData("{{ [1] | path_join }}", "expected str, bytes or os.PathLike object, not int")]
    [InlineData("{{ 'x' | to_uuid(namespace='nope') }}", "Invalid value 'nope' for 'namespace': badly formed hexadecimal UUID string")]
    [InlineData("{{ 0 | log }}", "math domain error")]
    [InlineData("{{ 'x' | log }}", "log() can only be used on numbers: must be real number, not str")]
    [InlineData("{{ -4 | root }}", "root() can only be used on numbers: math domain error")]
    [InlineData("{{ [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] | product(repeat=9) | length }}", "the template limit of")]
    public void Render_AnsibleRefusal_IsFleetsOwnSentence(string text, string message)
    {
        var ex = Assert.Throws<FleetInputException>(() => Rendered(text));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_WithoutSeed_StaysInRange()
    {
        var drawn = Enumerable.Range(0, 200).Select(_ => (long)Rendered("{{ 10 | random(start=4, step=2) }}")!).ToHashSet();
        Assert.Subset(new HashSet<long> { 4, 6, 8 }, drawn);
    }

    [Fact]
    public void Strftime_WithoutSecond_IsNow()
    {
        var year = (string)Rendered("{{ '%Y' | strftime(utc=true) }}")!;
        Assert.Equal(DateTime.UtcNow.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), year);
    }

    [Fact]
    public void PathTests_ReadTheControllersFiles()
    {
        var file = Path.GetTempFileName();
        var link = file + ".link";
        try
        {
            File.CreateSymbolicLink(link, file);
            Assert.Equal("True True True False", Values.ToPython(Rendered($"{{{{ '{link}' is file }}}} {{{{ '{link}' is link }}}} {{{{ '{file}' is exists }}}} {{{{ '{file}' is directory }}}}")));
            File.Delete(file);
            Assert.Equal("False True True", Values.ToPython(Rendered($"{{{{ '{link}' is exists }}}} {{{{ '{link}' is link_exists }}}} {{{{ '{link}' is link }}}}")));
        }
        finally
        {
            File.Delete(link);
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("{{ x | to_datetime }}", "the filter 'to_datetime' is not implemented by Fleet: Fleet has no date values")]
    [InlineData("{{ x | community.general.json_query('a') }}", "the filter 'json_query' is not implemented by Fleet: select with selectattr")]
    [InlineData("{{ x is same_file('/a') }}", "the test 'same_file' is not implemented by Fleet: compare the paths' stat results")]
    [InlineData("{{ x | no_such_filter }}", "unknown filter 'no_such_filter'")]
    public void Parse_FilterAnsibleHasAndFleetNot_IsRefusedByName(string text, string message)
    {
        var ex = Assert.Throws<FleetInputException>(() => Rendered(text));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusedPlugins_NameNoFilterOrTestFleetImplements()
    {
        Assert.DoesNotContain(RefusedPlugins.Filters.Keys, Filters.Known);
        Assert.DoesNotContain(RefusedPlugins.Tests.Keys, Core.Templating.Tests.Known);
    }
}
