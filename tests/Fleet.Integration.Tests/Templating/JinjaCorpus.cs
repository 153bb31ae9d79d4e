using Fleet.Core.Templating;

namespace Fleet.Integration.Tests.Templating;

/// <summary>
/// The templates and expressions the differential test renders with Jinja and with Fleet: every statement, filter and test
/// the engine offers, odd whitespace, nested loops, undefined values, CRLF, and templates Jinja must refuse.
/// </summary>
internal static class JinjaCorpus
{
    /// <summary>A template; <paramref name="Files"/> are other templates (relative path → text) in the one directory of the search path.</summary>
    public sealed record Case(string Name, string Template, TemplateOptions Options, IReadOnlyDictionary<string, string>? Files = null);

    public const string Variables = """
        {
          "name": "web01", "port": 22, "ratio": 0.5, "big": 12345678901234, "enabled": true, "disabled": false,
          "nothing": null, "empty": "", "zero": 0, "words": "Hello World", "csv": "a,b,,c", "spaced": "  padded text \t",
          "ciphers": ["chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com", "aes128-gcm@openssh.com"],
          "macs": ["hmac-sha2-512-etm@openssh.com", "hmac-sha2-256-etm@openssh.com"],
          "kex": ["sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "diffie-hellman-group16-sha512"],
          "numbers": [3, 1, 2, 10, -4], "floats": [1.5, 2.25, -0.5, 100.0, 0.1], "mixed_case": ["b", "A", "a", "C"],
          "dupes": ["x", "y", "x", "Y", "z"], "nested": [[1, 2], [3, [4, 5]], null, "None", 6],
          "users": [
            {"name": "alice", "uid": 1000, "shell": "/bin/bash", "groups": ["sudo", "adm"], "active": true},
            {"name": "bob", "uid": 1001, "shell": "/bin/sh", "groups": [], "active": false},
            {"name": "carol", "uid": 999, "shell": "/usr/sbin/nologin", "groups": ["adm"], "active": true}
          ],
          "config": {"port": 22, "options": {"PermitRootLogin": "no", "X11Forwarding": false}, "list": [1, 2]},
          "override": {"port": 2222, "options": {"X11Forwarding": true, "MaxAuthTries": 3}, "list": [3]},
          "sysctl": {"net.ipv4.ip_forward": 0, "kernel.randomize_va_space": 2},
          "pairs": [{"key": "a", "value": 1}, {"key": "b", "value": 2}],
          "path": "/etc/ssh/sshd_config.d/hardening.conf", "dir_path": "/var/log/",
          "multiline": "line one\nline two\n\nline four", "crlf_text": "a\r\nb",
          "version_str": "8.9p1", "os_version": "12.4", "kernel": "6.1.0-18-amd64",
          "unicode": "héllo wörld ✓", "quote_me": "it's a \"test\" $HOME", "b64": "aGVsbG8gd29ybGQ=",
          "int_text": "42", "float_text": "3.7", "bad_int": "abc", "hex_text": "1A", "neg_text": " -17 ",
          "yes_text": "yes", "on_text": "On", "true_text": "True", "one": 1, "two": 2,
          "yaml_data": {"name": "web", "ports": [80, 443], "tls": {"enabled": true, "version": 1.3}, "empty": [], "note": "a: b", "num_text": "123", "flag_text": "yes", "blank": ""},
          "ansible_facts": {"os_family": "Debian", "distribution": "Debian", "distribution_major_version": "12",
            "virtualization_type": "container", "mounts": [{"mount": "/", "fstype": "overlay"}, {"mount": "/tmp", "fstype": "tmpfs"}]}
        }
        """;

    private static readonly TemplateOptions Ansible = TemplateOptions.Ansible;
    private static readonly TemplateOptions Lstrip = new(LstripBlocks: true);
    private static readonly TemplateOptions NoTrim = new(TrimBlocks: false);

    /// <summary>Conditions as roles write them in <c>when</c>.</summary>
    public static readonly IReadOnlyList<string> Conditions =
    [
        "ansible_facts.os_family == 'Debian'",
        "ansible_facts['distribution_major_version'] | int >= 12",
        "ansible_facts.virtualization_type not in ['docker', 'container', 'lxc']",
        "ansible_facts.distribution == 'Debian' and ansible_facts.distribution_major_version is version('11', '>=')",
        "enabled | bool",
        "yes_text | bool and not disabled | bool",
        "missing is not defined or missing | bool",
        "users | selectattr('name', 'equalto', 'alice') | list | length > 0",
        "ansible_facts.mounts | selectattr('mount', 'equalto', '/tmp') | list | length == 1",
        "'aes256-gcm@openssh.com' in ciphers",
        "port != 22",
        "config.options.X11Forwarding is sameas false",
        "(numbers | max) > 5 and (numbers | min) < 0",
        "name is match('web[0-9]+')",
        "nothing is none or nothing | length == 0",
        "kernel is search('amd64') and kernel.split('.')[0] | int >= 5",
        "(override | combine(config)).port == 22",
        "missing",
        "port > 'a'",
        "empty",
    ];

    public static readonly IReadOnlyList<Case> Cases = Build();

    private static List<Case> Build()
    {
        var cases = new List<Case>();
        void C(string name, string template, TemplateOptions? options = null) => cases.Add(new Case(name, template, options ?? Ansible));

        // Output and literals
        C("text only", "plain text\nsecond line\n");
        C("variable", "Host {{ name }} port {{ port }}\n");
        C("booleans print as Python", "{{ enabled }} {{ disabled }} {{ true }} {{ false }}");
        C("none prints empty (Ansible's finalize)", "[{{ nothing }}] [{{ none }}]");
        C("float repr", "{{ ratio }} {{ 1.0 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1.5e-7 }} {{ 100.0 }} {{ 2.5 * 4 }}");
        C("big numbers", "{{ big }} {{ big * 10 }} {{ 10 ** 15 }} {{ 1.0e16 }} {{ 123456789.0 * 10 }}");
        C("list repr", "{{ numbers }} {{ ciphers[:1] }} {{ [1, 'a', true, none, 1.5] }}");
        C("dict repr", "{{ config.options }} {{ {'a': 1, 'b': [2]} }}");
        C("string repr escapes", "{{ [quote_me, multiline, \"it's\", 'tab\\there', 'back\\\\slash'] }}");
        C("unicode", "{{ unicode }} {{ unicode | upper }} {{ unicode | length }}");
        C("string literal escapes", "{{ 'a\\nb' }}|{{ \"q\\\"q\" }}|{{ 'x\\dy' }}|{{ '\\x41\\u00e9' }}");
        C("adjacent strings", "{{ 'a' 'b' \"c\" }}");
        // Arithmetic and operators
        C("arithmetic", "{{ 7 + 3 }} {{ 7 - 10 }} {{ 7 * 3 }} {{ 7 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 2 ** -1 }}");
        C("float arithmetic", "{{ 7.5 // 2 }} {{ -7.5 % 2 }} {{ ratio * 3 }} {{ 1 / 3 }}");
        C("precedence", "{{ 2 + 3 * 4 }} {{ (2 + 3) * 4 }} {{ -2 ** 2 }} {{ 2 * 3 ~ 4 }} {{ 1 + 2 ~ 3 + 4 }}");
        C("concat", "{{ name ~ ':' ~ port ~ ':' ~ enabled ~ ':' ~ nothing }}");
        C("string and list operators", "{{ 'ab' * 3 }} {{ [1] * 3 }} {{ 'x' + 'y' }} {{ [1, 2] + [3] }}");
        C("comparisons", "{{ 1 < 2 }} {{ 2 <= 2 }} {{ 3 > 4 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 1 == 1.0 }} {{ true == 1 }} {{ '1' == 1 }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }}");
        C("in", "{{ 22 in [22, 80] }} {{ 'ssh' in 'openssh' }} {{ 'port' in config }} {{ 'x' not in dupes }} {{ 'a' in mixed_case }}");
        C("logic returns operands", "{{ empty or 'fallback' }} {{ name and port }} {{ zero or none }} {{ not enabled }} {{ not (enabled and disabled) }}");
        C("ternary expression", "{{ 'on' if enabled else 'off' }} {{ 'yes' if port > 100 else 'no' if port > 10 else 'tiny' }}");
        C("ternary without else prints empty", "[{{ 'x' if disabled }}]");
        C("unary", "{{ -port }} {{ +port }} {{ - ratio }} {{ -(1 + 2) }}");
        // Access
        C("attribute and item access", "{{ config.port }} {{ config['port'] }} {{ users[0].name }} {{ users[-1]['shell'] }} {{ config.options.PermitRootLogin }} {{ sysctl['net.ipv4.ip_forward'] }} {{ numbers.0 }}");
        C("string index and slices", "{{ name[0] }} {{ name[-1] }} {{ name[1:3] }} {{ name[::-1] }} {{ numbers[1:] }} {{ numbers[:-2] }} {{ numbers[::2] }} {{ numbers[3:1:-1] }}");
        C("facts access", "{{ ansible_facts.os_family }} {{ ansible_facts['distribution_major_version'] | int >= 12 }} {{ ansible_facts.mounts | map(attribute='mount') | list }}");
        // Methods
        C("str.split", "{{ csv.split(',') }} {{ words.split() }} {{ '  a  b '.split() }} {{ csv.split(',', 1) }} {{ kernel.split('-')[0] }} {{ 'a b c'.rsplit(' ', 1) }}");
        C("str predicates", "{{ path.startswith('/etc') }} {{ path.endswith('.conf') }} {{ name.startswith(('x', 'web')) }} {{ int_text.isdigit() }} {{ name.isalpha() }}");
        C("str transforms", "{{ words.lower() }} {{ words.upper() }} [{{ spaced.strip() }}] [{{ spaced.lstrip() }}] [{{ spaced.rstrip() }}] {{ 'xxhixx'.strip('x') }} {{ words.replace('o', '0') }} {{ words.replace('l', 'L', 2) }}");
        C("str misc methods", "{{ words.find('World') }} {{ words.count('l') }} {{ ', '.join(ciphers) }} {{ 'hello world'.capitalize() }} {{ 'hello world'.title() }} {{ multiline.splitlines() }}");
        C("str.format", "{{ '{}:{}'.format(name, port) }} {{ '{0}-{1}-{0}'.format('a', 'b') }} {{ '{host}'.format(host=name) }} {{ '{{literal}}'.format() }}");
        C("dict methods", "{{ config.keys() | list }} {{ config.values() | list | length }} {% for k, v in config.options.items() %}{{ k }}={{ v }};{% endfor %} {{ config.get('port') }} {{ config.get('missing', 'dflt') }} [{{ config.get('missing') }}]");
        C("list methods", "{{ numbers.index(10) }} {{ dupes.count('x') }}");
        // Filters from Jinja
        C("length and count", "{{ ciphers | length }} {{ name | length }} {{ config | count }} {{ [] | length }}");
        C("format filter and % operator", "{{ '%-6s|%4d|%05.2f|%+d|%x|%#o|%%|%s' | format('pad', 42, 3.14159, 7, 255, 8, true) }} {{ '%(a)s=%(b)03d' | format(a='k', b=5) }} {{ '%s and %r' % ('x', 'y') }} {{ '%d items' % 3 }} {{ '%.2s|%e' | format('abc', 12345.678) }} {{ '%s' % [1, 'a'] }}");
        C("join", "{{ ciphers | join(',') }} {{ numbers | join }} {{ numbers | join(' + ') }} {{ users | join(', ', attribute='name') }} {{ [true, none, 1.5] | join('/') }}");
        C("int", "{{ int_text | int }} {{ float_text | int }} {{ bad_int | int }} {{ bad_int | int(7) }} {{ neg_text | int }} {{ hex_text | int(0, 16) }} {{ 3.99 | int }} {{ true | int }} {{ nothing | int }} {{ '1e3' | int }}");
        C("float", "{{ int_text | float }} {{ float_text | float }} {{ bad_int | float }} {{ 3 | float }} {{ '1e3' | float }} {{ bad_int | float(1.5) }}");
        C("default", "{{ missing | default('dflt') }} {{ missing | d(5) }} {{ empty | default('x') }} {{ empty | default('x', true) }} {{ zero | default(9, boolean=true) }} [{{ nothing | default('n') }}] {{ config.nope | default('deep') }} {{ missing | default }}|");
        C("default of a nested missing attribute", "{{ missing.attr | default('chained') }}");
        C("lower upper capitalize title", "{{ words | lower }} {{ words | upper }} {{ 'hELLO wORLD' | capitalize }} {{ 'hello-world foo_bar' | title }}");
        C("list", "{{ 'abc' | list }} {{ config | list }} {{ numbers | list }}");
        C("first last", "{{ numbers | first }} {{ numbers | last }} {{ name | first }} {{ name | last }}");
        C("min max", "{{ numbers | min }} {{ numbers | max }} {{ mixed_case | min }} {{ mixed_case | max }} {{ users | max(attribute='uid') }} {{ floats | max }}");
        C("sort", "{{ numbers | sort }} {{ numbers | sort(reverse=true) }} {{ mixed_case | sort }} {{ mixed_case | sort(case_sensitive=true) }} {{ users | sort(attribute='uid') | map(attribute='name') | list }}");
        C("unique", "{{ dupes | unique }} {{ dupes | unique(case_sensitive=true) }} {{ [1, 2, 1, 1.0, 3] | unique }}");
        C("reverse", "{{ numbers | reverse | list }} {{ name | reverse }}");
        C("trim", "[{{ spaced | trim }}] [{{ 'xxhixx' | trim('x') }}]");
        C("replace", "{{ words | replace('l', 'L') }} {{ words | replace('l', 'L', 1) }} {{ port | replace('2', '3') }}");
        C("string", "{{ port | string }} {{ enabled | string }} {{ numbers | string }} {{ (port | string) ~ 'x' }}");
        C("abs round", "{{ -3 | abs }} {{ -2.5 | abs }} {{ 2.5 | round }} {{ 3.5 | round }} {{ 2.7 | round(0, 'floor') }} {{ 2.1 | round(0, 'ceil') }} {{ 3.14159 | round(2) }} {{ 7 | round }}");
        C("sum", "{{ numbers | sum }} {{ floats | sum }} {{ users | sum(attribute='uid') }}");
        C("indent", "{{ multiline | indent }}\n---\n{{ multiline | indent(2, true) }}\n---\n{{ multiline | indent(width=3, first=true, blank=true) }}\n---\n{{ 'a\nb\n' | indent(4) }}|\n{{ multiline | indent('> ') }}");
        C("selectattr rejectattr", "{{ users | selectattr('active') | map(attribute='name') | list }} {{ users | rejectattr('active') | map(attribute='name') | list }} {{ users | selectattr('uid', '>=', 1000) | map(attribute='name') | join(',') }} {{ users | selectattr('shell', 'equalto', '/bin/sh') | map(attribute='name') | first }} {{ users | selectattr('name', 'in', ['alice', 'carol']) | list | length }}");
        C("selectattr defined", "{{ users | selectattr('missing_attr', 'defined') | list }} {{ users | selectattr('groups', 'defined') | list | length }} {{ users | rejectattr('missing_attr', 'undefined') | list }}");
        C("select reject", "{{ numbers | select('odd') | list }} {{ numbers | reject('odd') | list }} {{ numbers | select('>', 2) | list }} {{ ['a', '', 'b', none] | select | list }} {{ mixed_case | select('upper') | list }} {{ ciphers | select('match', '^aes') | list }} {{ ciphers | reject('search', 'gcm') | list }}");
        C("map", "{{ users | map(attribute='name') | list }} {{ mixed_case | map('upper') | list }} {{ numbers | map('string') | join('|') }} {{ users | map(attribute='nope', default='?') | list }} {{ ciphers | map('regex_replace', '@.*$', '') | list }} {{ ['1', '2'] | map('int') | sum }}");
        C("map attribute dotted", "{{ users | selectattr('groups') | map(attribute='groups.0') | list }}");
        C("dictsort", "{{ config.options | dictsort }} {{ sysctl | dictsort }}");
        C("wordcount", "{{ words | wordcount }} {{ multiline | wordcount }}");
        // Filters from Ansible
        C("bool", "{{ yes_text | bool }} {{ on_text | bool }} {{ true_text | bool }} {{ 'no' | bool }} {{ one | bool }} {{ 'maybe' | bool }} {{ enabled | bool }} {{ zero | bool }} {{ '1' | bool }} [{{ nothing | bool }}] {{ 1.0 | bool }}");
        C("ternary filter", "{{ enabled | ternary('yes', 'no') }} {{ disabled | ternary('yes', 'no') }} {{ nothing | ternary('t', 'f', 'n') }} {{ empty | ternary(1, 2) }}");
        C("combine", "{{ config | combine(override) }}\n{{ config | combine(override, recursive=true) }}\n{{ config | combine(override, {'extra': 1}) }}\n{{ [config, override] | combine }}\n{{ config | combine(override, list_merge='append', recursive=true) }}");
        C("set theory", "{{ dupes | difference(['y']) }} {{ numbers | intersect([10, 3, 7]) }} {{ [1, 2] | union([2, 3, 1]) }} {{ [1, 2, 3] | symmetric_difference([3, 4]) }} {{ ['a', 'A'] | union(['b']) }}");
        C("flatten", "{{ nested | flatten }} {{ nested | flatten(1) }} {{ nested | flatten(levels=1, skip_nulls=false) }} {{ [[1, [2]], [[3]]] | flatten(2) }}");
        C("dirname basename", "{{ path | dirname }} {{ path | basename }} {{ dir_path | dirname }} [{{ dir_path | basename }}] {{ 'file' | dirname }}| {{ '/' | dirname }} {{ '//a' | dirname }}");
        C("splitext", "{{ path | splitext }} {{ '.bashrc' | splitext }} {{ 'a.tar.gz' | splitext | last }}");
        C("regex_replace", "{{ kernel | regex_replace('-amd64$', '') }} {{ words | regex_replace('(\\\\w+) (\\\\w+)', '\\\\2 \\\\1') }} {{ words | regex_replace('o', '0') }} {{ 'abc' | regex_replace('B', 'x', ignorecase=true) }} {{ multiline | regex_replace('^line', 'L', multiline=true) }} {{ 'a.b.c' | regex_replace('\\\\.', '\\\\\\\\') }} {{ 'x1y22' | regex_replace('(?P<d>\\\\d+)', '<\\\\g<d>>') }} {{ 'cost' | regex_replace('^', '$') }}");
        C("regex_search", "{{ version_str | regex_search('[0-9]+\\\\.[0-9]+') }} [{{ words | regex_search('xyz') }}] {{ kernel | regex_search('^(\\\\d+)\\\\.(\\\\d+)', '\\\\1', '\\\\2') }} {{ words | regex_search('(?P<first>\\\\w+)', '\\\\g<first>') }} {{ words | regex_search('WORLD', ignorecase=true) }}");
        C("regex_findall and escape", "{{ kernel | regex_findall('\\\\d+') }} {{ 'a=1 b=2' | regex_findall('(\\\\w)=(\\\\d)') }} {{ 'a.b*c' | regex_escape }}");
        C("to_json", "{{ config | to_json }} {{ unicode | to_json }} {{ [1, 1.5, none, true, 'x\"y'] | to_json }} {{ {} | to_json }} {{ multiline | to_json }}");
        C("to_nice_json", "{{ config | to_nice_json }}\n{{ users[0] | to_nice_json(indent=2) }}\n{{ [] | to_nice_json }} {{ {'b': {}, 'a': []} | to_nice_json }}\n{{ unicode | to_nice_json }}");
        C("to_yaml", "{{ yaml_data | to_yaml }}{{ numbers | to_yaml }}{{ name | to_yaml }}{{ users[1] | to_yaml }}");
        C("to_nice_yaml", "{{ yaml_data | to_nice_yaml }}{{ users | to_nice_yaml }}{{ users | to_nice_yaml(indent=2) }}{{ [[1, 2], [3]] | to_nice_yaml }}{{ {'k': [{'a': 1, 'b': [1, {'c': 2}]}]} | to_nice_yaml(indent=2) }}");
        C("to_nice_yaml scalars", "{{ ['', 'yes', 'no', 'null', '~', '123', '1.5', '0x1f', '2024-01-02', 'a: b', 'a #b', '- x', ':x', 'x:', '#c', '@at', 'it''s', ' lead', 'trail ', 'plain text', 'y', 'n', 'On', '1_000'] | to_nice_yaml }}");
        C("to_nice_yaml numbers", "{{ {'i': -3, 'f': 1.5, 'g': 1e20, 'h': 0.0001, 'b': false, 'n': none} | to_nice_yaml }}");
        C("comment", "{{ 'Managed by Fleet' | comment }}\n{{ 'two\nlines' | comment }}\n{{ 'c style' | comment('c') }}\n{{ 'block' | comment('cblock') }}\n{{ 'xml' | comment('xml') }}\n{{ 'erl' | comment('erlang') }}\n{{ 'custom' | comment(decoration='; ', prefix_count=2) }}\n{{ 'x' | comment('plain', prefix='#!', postfix='#-') }}");
        C("quote", "{{ quote_me | quote }} {{ 'simple' | quote }} {{ '' | quote }} {{ 'a b' | quote }} {{ port | quote }} {{ '@%+=:,./-_' | quote }}");
        C("b64", "{{ 'hello world' | b64encode }} {{ b64 | b64decode }} {{ unicode | b64encode }} {{ unicode | b64encode | b64decode }}");
        C("dict2items items2dict", "{{ config.options | dict2items }} {{ sysctl | dict2items(key_name='name', value_name='val') }} {{ pairs | items2dict }} {{ config | dict2items | items2dict == config }}");
        C("random with a seed (Python's Mersenne Twister)", "{{ 59 | random(seed=name) }} {{ 60 | random(seed='db02.example.com') }} {{ 100 | random(start=10, step=5, seed=42) }} {{ big | random(seed=7) }} {{ ciphers | random(seed='x') }} {{ 1000000 | random(seed=-5) }} {{ numbers | shuffle(seed=name) }}");
        C("random empty range", "{{ 0 | random(seed=1) }}");
        C("urlsplit", "{{ 'http://user:pass@www.Acme.com:9000/dir/index.html?query=term#frag' | urlsplit }} {{ 'https://[::1]:443/x' | urlsplit('port') }} {{ 'mailto:a@b.c' | urlsplit('path') }}");
        C("urlsplit unknown component", "{{ 'http://h/' | urlsplit('nope') }}");
        C("urldecode, urlencode", "{{ 'a%20b+c%C3%A9%zz' | urldecode }} {{ 'a b/c&d=é' | urlencode }} {{ {'a b': 'c/d', 'e': 1} | urlencode }}");
        C("strftime", "{{ '%Y-%m-%d %H:%M:%S' | strftime(0, utc=true) }} {{ '%a %A %b %B %c|%d %e %j %U %W %w %u %V %G %g' | strftime(1700000000, utc=true) }} {{ '%I %l %p %y %C %D %F %T %R %r %s %z %Z %%' | strftime(1700000000.9, utc=true) }} {{ '%-d/%-m %_H %Q' | strftime(1704067200, utc=true) }}");
        C("paths", "{{ ['/etc', 'ssh/', 'x'] | path_join }} {{ '/a/b/c' | relpath('/a/d') }} {{ 'C:x' | win_splitdrive }} {{ 'C:/Users/x/f.txt' | win_basename }} {{ 'C:/Users/x/f.txt' | win_dirname }}");
        C("md5, sha1, to_uuid", "{{ name | md5 }} {{ name | sha1 }} {{ name | to_uuid }} {{ name | to_uuid(namespace='6ba7b810-9dad-11d1-80b4-00c04fd430c8') }}");
        C("log, pow, root", "{{ 100 | log }} {{ 100 | log(10) }} {{ 8 | log(2) }} {{ 2 | pow(10) }} {{ 16 | root }} {{ 27 | root(3) }}");
        C("itertools", "{{ numbers[:3] | combinations(2) | list }} {{ 'abc' | permutations | list }} {{ [1, 2] | product(['a', 'b']) | list }} {{ [0, 1] | product(repeat=2) | list }} {{ [1, 2, 3] | zip_longest(['a']) | list }}");
        C("center, truncate", "[{{ 'ab' | center(7) }}][{{ 'abc' | center(6) }}] {{ 'foo bar baz qux' | truncate(9) }} {{ 'foo bar baz qux' | truncate(9, True) }} {{ 'foo bar baz qux' | truncate(11) }} {{ 'foo bar baz qux' | truncate(11, False, '...', 0) }}");
        C("items", "{{ config | items | list }}");
        C("result and number tests", "{{ [1, 2] is issubset([1, 2, 3]) }} {{ {'unreachable': true} is unreachable }} {{ {'changed': true} is reachable }} {{ {'finished': 0} is finished }} {{ {'started': 1} is started }} {{ 'nan' | float is nan }} {{ 1.5 is isnan }}");
        C("path and uri tests", "{{ '/etc' is directory }} {{ '/etc/hostname' is file }} {{ '/nonexistent' is exists }} {{ 'etc' is abs }} {{ 'http://x' is uri }} {{ 'x/y' is url }} {{ 'file:/x' is url }} {{ 'urn:isbn:1' is urn }} {{ 'http://x' is uri(['https']) }}");
        C("password_hash sha512 (crypt(3))", "{{ 'secret' | password_hash('sha512', 'saltsalt') }}\n{{ 'pässwörd' | password_hash('sha512', 'abcdefghijklmnop') }}\n{{ 'x' | password_hash('sha512', 'shortsalt', rounds=10000) }}");
        C("mandatory", "{{ name | mandatory }}");
        C("mandatory undefined", "{{ missing | mandatory }}");
        C("hash", "{{ 'abc' | hash('sha1') }} {{ 'abc' | hash('md5') }} {{ 'abc' | checksum }} {{ 'abc' | hash('sha256') }}");
        C("type_debug", "{{ name | type_debug }} {{ port | type_debug }} {{ ratio | type_debug }} {{ numbers | type_debug }} {{ config | type_debug }} {{ enabled | type_debug }} {{ nothing | type_debug }}");
        C("from_json", "{{ ('{\"a\": [1, 2.5, null, true]}' | from_json).a }}");
        C("zip and extract", "{{ ciphers | zip(macs) | list }} {{ [0, 2] | map('extract', numbers) | list }}");
        C("split filter", "{{ csv | split(',') }} {{ words | split }}");
        // Tests
        C("defined undefined", "{{ name is defined }} {{ missing is defined }} {{ missing is undefined }} {{ config.port is defined }} {{ config.nope is defined }} {{ nothing is defined }} {{ missing.attr is defined }} {{ users[5] is defined }}");
        C("none string number", "{{ nothing is none }} {{ name is none }} {{ name is string }} {{ port is string }} {{ port is number }} {{ ratio is number }} {{ enabled is number }} {{ port is integer }} {{ ratio is float }} {{ enabled is boolean }}");
        C("mapping sequence iterable", "{{ config is mapping }} {{ numbers is mapping }} {{ numbers is sequence }} {{ name is sequence }} {{ config is sequence }} {{ port is sequence }} {{ numbers is iterable }} {{ name is iterable }} {{ port is iterable }}");
        C("in equalto and comparisons", "{{ 22 is in [22] }} {{ port is equalto 22 }} {{ port is eq(22) }} {{ port is == 22 }} {{ port is ne(22) }} {{ port is lt 100 }} {{ port is gt(100) }} {{ port is ge 22 }} {{ port is le(21) }} {{ port is divisibleby 11 }} {{ port is even }} {{ port is odd }}");
        C("match search regex", "{{ kernel is match('6\\\\.1') }} {{ kernel is match('amd64') }} {{ kernel is search('amd64') }} {{ kernel is regex('AMD', ignorecase=true) }} {{ 'abc' is regex('b', match_type='match') }} {{ name is not match('db') }}");
        C("version", "{{ os_version is version('12', '>=') }} {{ os_version is version('12.10', '<') }} {{ version_str is version('8.5', '>') }} {{ '1.2.3' is version('1.2.3', '==') }} {{ '1.10' is version_compare('1.9', 'gt') }} {{ '2.0' is version('2.0.0', 'lt') }} {{ '1.0.0' is version('1.0.0', 'eq', strict=true) }} {{ ansible_facts.distribution_major_version is version('11', 'ge') }} {{ '9' is version('10', '<') }}");
        C("truthy falsy", "{{ 'yes' is truthy }} {{ '' is truthy }} {{ 'no' is truthy(convert_bool=true) }} {{ 0 is falsy }} {{ 'off' is falsy(convert_bool=true) }}");
        C("lower upper tests and subsets", "{{ 'abc' is lower }} {{ 'ABC' is upper }} {{ [1, 2] is subset([1, 2, 3]) }} {{ [1, 2, 3] is superset([3]) }} {{ numbers is contains 10 }} {{ [true, 1] is all }} {{ [0, ''] is any }}");
        C("sameas true false", "{{ enabled is sameas true }} {{ one is sameas true }} {{ nothing is sameas none }} {{ enabled is true }} {{ disabled is false }} {{ one is true }}");
        C("test binds tighter than arithmetic", "{{ 1 + port is number }} {{ not missing is defined }} {{ missing is not defined and name is defined }}");
        // Statements
        C("if elif else", "{% if port == 2222 %}alt{% elif port == 22 %}std{% else %}other{% endif %}\n{% if disabled %}no{% endif %}\n{% if missing is defined %}def{% else %}undef{% endif %}\n");
        C("nested if", "{% if enabled %}\n{% if port > 10 %}\nbig\n{% else %}\nsmall\n{% endif %}\n{% endif %}\n");
        C("for with loop variables", "{% for c in ciphers %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }}: {{ c }}\n{% endfor %}");
        C("for previtem nextitem cycle", "{% for n in numbers %}{{ loop.cycle('odd', 'even') }}:{{ loop.previtem | default('-') }}<{{ n }}>{{ loop.nextitem | default('-') }} {% endfor %}");
        C("for else", "{% for x in [] %}{{ x }}{% else %}empty list{% endfor %}\n{% for x in numbers if x > 100 %}{{ x }}{% else %}none over 100{% endfor %}\n");
        C("for with filter condition", "{% for u in users if u.active %}{{ u.name }}{{ ',' if not loop.last }}{% endfor %}");
        C("for over dict and items", "{% for key in config.options %}{{ key }} {% endfor %}\n{% for key, value in sysctl.items() %}{{ key }} = {{ value }}\n{% endfor %}{% for k, v in config.options | dictsort %}{{ k }}={{ v }} {% endfor %}");
        C("for over string and range", "{% for ch in 'abc' %}[{{ ch }}]{% endfor %} {% for i in range(3) %}{{ i }}{% endfor %} {% for i in range(1, 10, 3) %}{{ i }}{% endfor %} {% for i in range(5, 0, -2) %}{{ i }}{% endfor %} {{ range(4) | list }}");
        C("nested loops", "{% for u in users %}\n{{ u.name }}:\n{% for g in u.groups %}\n  - {{ g }} ({{ loop.index }} of {{ loop.length }})\n{% else %}\n  (no groups)\n{% endfor %}\n{% endfor %}\n");
        C("loop scoping", "{% set total = 0 %}{% for n in numbers %}{% set total = total + n %}{% endfor %}{{ total }} {% for n in [1] %}{% set inner = 5 %}{{ inner }}{% endfor %} {{ inner is defined }}");
        C("set", "{% set greeting = 'hi ' ~ name %}{{ greeting }}\n{% set a, b = [1, 2] %}{{ a }}{{ b }}\n{% set items = numbers | sort %}{{ items | first }}\n");
        C("set block", "{% set block %}\nline {{ port }}\n{% endset %}[{{ block }}]");
        C("set inside if leaks", "{% if true %}{% set leaked = 'yes' %}{% endif %}{{ leaked }}");
        C("macro", "{% macro option(key, value='default', sep=' ') %}{{ key }}{{ sep }}{{ value }}{% endmacro %}\n{{ option('Port', port) }}\n{{ option('Mode') }}\n{{ option('K', sep='=', value=1) }}\n{% for c in ciphers %}{{ option('Cipher', c) }}\n{% endfor %}");
        C("comments", "a{# a comment #}b\n{# a comment\n   on lines #}\nc {#- stripped -#} d\n");
        C("raw", "{% raw %}{{ not rendered }} {% if %}{% endraw %} after\n{% raw -%}\n  stripped {{ x }}\n{%- endraw %}|\n");
        // Whitespace control
        C("trim_blocks removes the newline after a block tag", "{% if true %}\nyes\n{% endif %}\ndone\n");
        C("variables keep their newline", "{{ name }}\n{{ port }}\n");
        C("minus strips", "a   {%- if true -%}   b   {%- endif -%}   c\n  {{- name -}}  \n!");
        C("minus strips newlines", "start\n\n  {%- for c in ciphers %}\n  {{ c }}\n  {%- endfor %}\nend\n");
        C("plus keeps the newline", "{% if true +%}\nkept\n{% endif +%}\nafter\n");
        C("indented blocks without lstrip", "list:\n  {% for n in [1, 2] %}\n  - {{ n }}\n  {% endfor %}\nend\n");
        C("indented blocks with lstrip_blocks", "list:\n  {% for n in [1, 2] %}\n  - {{ n }}\n  {% endfor %}\n\t{# comment #}\nend  {% if true %}x{% endif %}\n", Lstrip);
        C("lstrip_blocks with plus", "x\n    {%+ if true %}kept{% endif %}\n", Lstrip);
        C("without trim_blocks", "{% if true %}\nyes\n{% endif %}\n{# c #}\nend\n", NoTrim);
        C("trailing newlines kept", "end\n\n");
        C("no trailing newline", "end");
        C("CRLF template", "first\r\n{% if true %}\r\nsecond {{ name }}\r\n{% endif %}\r\nthird\r\n");
        C("CR only", "a\rb{% if true %}\rc{% endif %}\r");
        C("CRLF inside values", "{{ crlf_text }}|{{ 'x\r\ny' }}");
        C("odd whitespace inside tags", "{{name}}{{   port   }}{%if enabled%}Y{%endif%}{%   for x in [1,2]   %}{{x}}{%endfor%}\n{{\nname\n}}");
        C("tabs and trailing spaces", "\tkey\t=\t{{ port }}   \n  \n{% if true %}  \n  body\n{% endif %}\t\n");
        C("braces in strings and dicts", "{{ '}}' }} {{ {'a': {'b': 1}} }} {{ '{%' ~ '%}' }} {{ {'k': '}}'}['k'] }}");
        C("literal braces", "a { b } {x} { {y} }\n");
        // sshd_config the way dev-sec's role writes it
        C("sshd_config", """
            # {{ ansible_managed | default('Managed by Fleet') }}
            Port {{ port }}
            {% if ansible_facts.os_family == 'Debian' %}
            UsePAM yes
            {% endif %}
            Ciphers {{ ciphers | join(',') }}
            MACs {{ macs | join(',') }}
            KexAlgorithms {{ kex | join(',') }}
            {% for key, value in config.options | dictsort %}
            {{ key }} {{ value | ternary('yes', 'no') if value is boolean else value }}
            {% endfor %}
            {% for u in users | selectattr('active') | sort(attribute='name') %}
            Match User {{ u.name }}
              {%- if u.groups %} # groups: {{ u.groups | join(' ') }}{% endif %}

                ForceCommand none
            {% endfor %}
            {% if (ansible_facts.distribution_major_version | int) >= 12 %}
            HostKeyAlgorithms ssh-ed25519,rsa-sha2-512
            {% elif (ansible_facts.distribution_major_version | int) >= 10 %}
            HostKeyAlgorithms ssh-ed25519
            {% endif %}

            """);
        // Undefined handling and errors
        C("undefined variable", "value {{ missing }}");
        C("undefined attribute", "{{ config.nope }}");
        C("undefined in condition", "{% if missing %}x{% endif %}");
        C("undefined in loop", "{% for x in missing %}{{ x }}{% endfor %}");
        C("undefined attribute of undefined", "{{ missing.attr }}");
        C("undefined index", "{{ numbers[10] }}");
        C("undefined compared", "{{ missing == 1 }}");
        C("undefined in filter", "{{ missing | upper }}");
        C("undefined in macro", "{% macro m() %}{{ nope }}{% endmacro %}{{ m() }}");
        C("undefined concatenated", "{{ 'a' ~ missing }}");
        // linux-system-roles sshd's macros: an undefined argument reaches the macro as undefined, as does a `set` of an undefined name
        C("undefined macro argument", "{% macro opt(key, value) %}{% if value is defined %}{{ key }} {{ value }}\n{% endif %}{% endmacro %}{{ opt('Port', sshd_Port) }}{{ opt('Port', config['Port']) }}{{ opt('Name', name) }}{{ opt('Kw', value=missing) }}|");
        C("undefined macro argument used", "{% macro opt(value) %}{{ value }}{% endmacro %}{{ opt(missing) }}");
        C("set of undefined", "{% set value = undefined %}{% if value is not defined %}unset{% endif %} {{ value | default('d') }}");
        C("set of undefined used", "{% set value = missing %}{{ value }}");
        C("undefined argument of a filter", "{{ name | replace(missing, 'x') }}");
        C("defined guard", "{% if missing is defined and missing > 1 %}x{% else %}guarded{% endif %}");
        C("default guard", "{{ (missing | default([])) | length }}");
        C("syntax error unclosed", "{{ name ");
        C("syntax error unclosed block", "{% if true %}x");
        C("syntax error unknown statement", "{% frobnicate %}");
        C("syntax error endfor without for", "{% endfor %}");
        C("syntax error bad expression", "{{ 1 + }}");
        C("syntax error unclosed comment", "{# never closed");
        C("unknown filter", "{{ name | no_such_filter }}");
        C("unknown test", "{{ name is no_such_test }}");
        C("type error", "{{ name + 1 }}");
        C("comparing text with a number", "{{ '12' >= 11 }}");
        C("division by zero", "{{ 1 / 0 }}");
        C("first of empty", "{{ [] | first }}");
        C("lookup unknown refused", "{{ lookup('nope', 'date') }}"); // pipe now runs as Ansible's does: LookupDifferentialTests checks it against ansible-playbook
        C("calling a non callable", "{{ name() }}");
        // Conditions as `when` writes them
        foreach (var (i, condition) in Conditions.Select((c, i) => (i, c)))
        {
            C($"condition {i + 1}: {condition}", "{% if " + condition + " %}True{% else %}False{% endif %}");
        }

        // include, import, from … import, extends and block: other templates from the search path (Jinja's FileSystemLoader)
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["header.j2"] = "# {{ name }} port {{ port }}\n",
            ["item.j2"] = "- {{ c }}{% if loop.last %} (last){% endif %}\n",
            ["sub/part.j2"] = "part {{ words | lower }}\n",
            ["macros.j2"] = "{% macro kv(k, v='none') %}{{ k }} {{ v }}{% endmacro %}{% set sep = ', ' %}{% set _hidden = 1 %}ignored output\n",
            ["ctx.j2"] = "{% macro who() %}{{ name }}{% endmacro %}",
            ["base.j2"] = "# base\n{% block head %}default head\n{% endblock %}middle {{ name }}\n{% block tail %}default tail\n{% endblock %}",
            ["mid.j2"] = "{% extends 'base.j2' %}{% block head %}mid head\n{% endblock %}",
            ["uses_child_set.j2"] = "who={{ who | default('none') }}\n{% block b %}{% endblock %}",
            ["item_no_loop.j2"] = "- {{ c }}\n",
            ["nested_include.j2"] = "[{% include 'header.j2' %}]\n",
        };
        void F(string name, string template, TemplateOptions? options = null) => cases.Add(new Case(name, template, options ?? Ansible, files));
        F("include with context", "{% include 'header.j2' %}body\n");
        F("include eats newline (trim_blocks)", "{% include 'header.j2' %}\nafter\n");
        F("include sees loop variables", "{% for c in ciphers %}{% include 'item_no_loop.j2' %}{% endfor %}");
        F("include from a subdirectory", "{% include 'sub/part.j2' %}");
        F("include nested", "{% include 'nested_include.j2' %}");
        F("include ignore missing", "a{% include 'nope.j2' ignore missing %}b\n");
        F("include first found of a list", "{% include ['nope.j2', 'header.j2'] %}");
        F("include a name from a variable", "{% set t = 'header' ~ '.j2' %}{% include t %}");
        F("include missing is an error", "{% include 'nope.j2' %}");
        F("include without context", "{% include 'header.j2' without context %}");
        F("include with lstrip_blocks", "  {% include 'header.j2' %}\n", Lstrip);
        F("import as a module", "{% import 'macros.j2' as m %}{{ m.kv('Port', port) }}{{ m.sep }}{{ m.kv('Name') }}\n");
        F("import hides underscored names", "{% import 'macros.j2' as m %}{{ m._hidden }}");
        F("from import with alias", "{% from 'macros.j2' import kv as pair, kv %}{{ pair('a', 1) }}/{{ kv('b', v=2) }}\n");
        F("from import a missing name, unused", "{% from 'macros.j2' import nope %}x");
        F("from import a missing name, used", "{% from 'macros.j2' import nope %}{{ nope() }}");
        F("include does not see loop", "{% for c in ciphers %}{% include 'item.j2' %}{% endfor %}");
        F("import without context sees no variables", "{% import 'ctx.j2' as c %}{{ c.who() }}");
        F("import with context", "{% import 'ctx.j2' as c with context %}{{ c.who() }}\n");
        F("from import with context", "{% from 'ctx.j2' import who with context %}{{ who() }}\n");
        F("extends overrides one block", "{% extends 'base.j2' %}{% block tail %}tail for {{ port }}\n{% endblock %}ignored text\n");
        F("extends with nothing overridden", "{% extends 'base.j2' %}");
        F("extends two levels", "{% extends 'mid.j2' %}{% block tail %}leaf\n{% endblock %}");
        F("text before extends is output", "before\n{% extends 'base.j2' %}");
        F("extends parent sees a child's top-level set", "{% extends 'uses_child_set.j2' %}{% set who = 'child' %}{% block b %}b\n{% endblock %}");
        F("block in a plain template", "{% block x %}shown {{ port }}\n{% endblock %}after\n");
        F("extends a missing template", "{% extends 'nope.j2' %}");
        F("endblock with its name", "{% block x %}x{% endblock x %}\n");
        F("endblock with another name", "{% block x %}x{% endblock y %}\n");
        return cases;
    }
}
