using Fleet.Core.Facts;
using Fleet.Core.Templating;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Facts;

public sealed class SystemFactTests
{
    private const string LabHost = """
        hostname=lab-01
        fqdn=lab-01.lab
        id=debian
        name=Debian GNU/Linux
        version=12
        codename=bookworm
        kernel=6.1.0-18-amd64
        arch=x86_64
        service=sysv
        user=root
        pkg=apt
        virt-dockerenv=
        virt-pid1=tini
        mount=overlay / overlay rw,relatime,lowerdir=/ 0 0
        mount=proc /proc proc rw 0 0
        mount=/dev/sda1 /srv\040data ext4 rw,nodev 0 0
        mount=nfs.example:/export /mnt/nfs nfs4 rw 0 0
        mount=/dev/sda1 /srv/fleet-apt ext4 ro,relatime 0 0
        bind=/srv/fleet-apt
        env=HOME=/root
        env=PATH=/usr/sbin:/usr/bin
        env=MOTD=Hello\nfrom C:\\fleet
        iface=eth0
        iface=lo
        route=default via 10.77.0.1 dev eth0
        addr=1: lo    inet 127.0.0.1/8 scope host lo\       valid_lft forever preferred_lft forever
        addr=2: eth0    inet 10.77.0.11/24 brd 10.77.0.255 scope global eth0\       valid_lft forever preferred_lft forever
        vcpus=2
        sockets=1
        cores=2
        vendor=QEMU
        python=/usr/bin/python3 Python 3.11.2
        local=cpuinfo=0=eyAicmRyYW5kIiA6IHRydWUgfQ==
        memMemTotal=4039680
        memMemFree=1023000
        memSwapTotal=0
        """;

    [Fact]
    public void Parse_LabHost_GivesAnsiblesFacts()
    {
        var variables = new SystemFact().Parse(LabHost, 0).ToVariables();
        var facts = (IReadOnlyDictionary<string, object?>)variables["ansible_facts"]!;
        var scope = VariableScope.Of(variables);
        string Render(string text) => Template.RenderString(text, scope, default);

        Assert.Equal("Debian", facts["os_family"]);
        Assert.Equal("12", variables["ansible_distribution_major_version"]);
        Assert.Equal("container guest", Render("{{ ansible_facts.virtualization_type }} {{ ansible_virtualization_role }}"));
        Assert.Equal("/srv data,/mnt/nfs,/srv/fleet-apt", Render("{{ ansible_facts.mounts | map(attribute='mount') | join(',') }}"));
        Assert.Equal("rw,nodev ro,relatime,bind", Render("{{ ansible_mounts | map(attribute='options') | select('search', 'o') | join(' ') }}"));
        Assert.Equal("rw,nodev", Render("{{ (ansible_mounts | selectattr('mount', 'equalto', '/srv data') | first).options }}"));
        Assert.Equal("/root", Render("{{ ansible_facts.env.HOME }}"));
        Assert.Equal("Hello\nfrom C:\\fleet", facts["env"] is IReadOnlyDictionary<string, object?> env ? env["MOTD"] : null);
        Assert.Equal("eth0 10.77.0.11 10.77.0.1 255.255.255.0 10.77.0.0", Render("{{ ansible_default_ipv4.interface }} {{ ansible_default_ipv4.address }} {{ ansible_default_ipv4.gateway }} {{ ansible_default_ipv4.netmask }} {{ ansible_default_ipv4.network }}"));
        Assert.Equal("2 1 2 3945", Render("{{ ansible_processor_vcpus }} {{ ansible_processor_count }} {{ ansible_processor_cores }} {{ ansible_memtotal_mb }}"));
        Assert.Equal("eth0 lo", Render("{{ ansible_interfaces | join(' ') }}"));
        Assert.Equal("QEMU 3 True True False", Render("{{ ansible_system_vendor }} {{ ansible_python.version.major }} {{ ansible_local.cpuinfo.rdrand }} {{ ansible_facts.ansible_local.cpuinfo.rdrand }} {{ ansible_facts.local is defined }}"));
        Assert.Equal("3.11.2.final.0 /usr/bin/python3", Render("{{ ansible_python.version_info | join('.') }} {{ ansible_python.executable }}"));
    }

    [Theory]
    [InlineData("python=/usr/bin/python3 Python 3.11.2", "3.11.2.final.0 final")]
    [InlineData("python=/usr/local/bin/python3 Python 3.13.0rc1", "3.13.0.candidate.1 candidate")]
    [InlineData("python=/opt/py/bin/python3 Python 3.14.0a7", "3.14.0.alpha.7 alpha")]
    [InlineData("python=/usr/bin/python3 ", "{} ")]
    public void Parse_PythonVersionText_IsAnsiblesPythonFact(string line, string expected)
    {
        var variables = new SystemFact().Parse(LabHost.Replace("python=/usr/bin/python3 Python 3.11.2", line, StringComparison.Ordinal), 0).ToVariables();
        string Render(string text) => Template.RenderString(text, VariableScope.Of(variables), default);

        Assert.Equal(expected, Render("{{ ansible_python.version_info | default({}) | join('.') if ansible_python else '{}' }} {{ ansible_python.version.releaselevel | default('') }}"));
    }

    [Fact]
    public void Command_OnThisMachine_AgreesWithTheToolsItReplaces()
    {
        var fact = new SystemFact();
        var info = Gather([fact]).Get(fact);
        var output = Sh(
            "export FLEET_TWO_LINES='first\nsecond\\third'\n" + fact.Command + "\necho ---\n" +
            "uname -r; hostname; id -un; ip -4 route show default | head -n 1; grep -c '^processor' /proc/cpuinfo\n").Stdout;
        var separator = output.IndexOf("---\n", StringComparison.Ordinal);
        var withVariable = fact.Parse(output[..separator], 0);
        var afterScript = output[(separator + 4)..].Split('\n');

        Assert.Equal(afterScript[0], info.Kernel);
        Assert.Equal(afterScript[1], info.Hostname);
        Assert.Equal(afterScript[2], info.UserId);
        var route = afterScript[3].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(route.Length > 2 ? route[Array.IndexOf(route, "dev") + 1] : null, info.DefaultIpv4.GetValueOrDefault("interface"));
        Assert.Equal(long.Parse(afterScript[4], System.Globalization.CultureInfo.InvariantCulture), info.Processors.Vcpus);
        Assert.True(info.MemoryMb.Total > 0);
        Assert.Contains("PATH", info.Environment.Keys);
        Assert.Equal("first\nsecond\\third", withVariable.Environment["FLEET_TWO_LINES"]);
        Assert.NotEqual("", info.VirtualizationType);
        Assert.Equal(Sh("getent passwd \"$(id -un)\" | cut -d: -f6").Stdout.Trim(), info.Account?.Dir);
        Assert.Equal(Sh("id -u").Stdout.Trim(), info.Account?.EffectiveUid.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Parse_UserAccount_IsAnsiblesUserFacts()
    {
        var facts = new SystemFact().Parse("kernel=6.1.0\nuser=app\nids=1001 1001 1002\npasswd=app:x:1001:1002:App User,,,:/srv/app:/bin/sh\n", 0).ToFacts();

        Assert.Equal("app 1001 1002 App User,,, /srv/app /bin/sh 1001 1001 1002 1002", string.Join(" ", new[]
        {
            "user_id", "user_uid", "user_gid", "user_gecos", "user_dir", "user_shell", "real_user_id", "effective_user_id", "real_group_id", "effective_group_id",
        }.Select(name => facts[name])));
    }

    [Theory]
    [InlineData("ids=0 0 0\n")]
    [InlineData("ids=0 0 0\npasswd=\n")]
    [InlineData("ids=0 0\npasswd=root:x:0:0:root:/root:/bin/sh\n")]
    [InlineData("ids=0 0 0\npasswd=root:x:zero:0:root:/root:/bin/sh\n")]
    public void Parse_UserAccountUnreadable_GivesNoUserFacts(string lines) =>
        Assert.DoesNotContain("user_dir", new SystemFact().Parse("kernel=6.1.0\n" + lines, 0).ToFacts().Keys);

    [Theory]
    [InlineData("virt-dockerenv=1\nvirt-env=lxc\nvirt-pid1=tini", "docker")]
    [InlineData("virt-containerenv=1\nvirt-pid1=tini", "podman")]
    [InlineData("virt-env=lxc\nvirt-pid1=systemd\nvirt-detect=none", "lxc")]
    [InlineData("virt-pid1=tini\nvirt-hypervisor=1", "container")]
    [InlineData("virt-pid1=systemd\nvirt-detect=kvm\nvirt-hypervisor=1", "kvm")]
    [InlineData("virt-pid1=systemd\nvirt-detect=none\nvirt-hypervisor=1", "kvm")]
    [InlineData("virt-pid1=init\nvirt-detect=none", "NA")]
    public void Parse_Virtualization_WeighsTheSignalsInAnsiblesOrder(string signals, string expected)
    {
        var info = new SystemFact().Parse("kernel=6.1.0\n" + signals + "\n", 0);

        Assert.Equal(expected, info.VirtualizationType);
        Assert.Equal(expected == "NA" ? "NA" : "guest", info.VirtualizationRole);
    }

    [Theory]
    [InlineData("", "{status: Missing selinux Python library} False")]
    [InlineData("selinux-lib=1", "{status: disabled} True")]
    [InlineData("selinux-lib=1\nselinuxfs=/sys/fs/selinux", "{status: disabled} True")]
    [InlineData("selinux-lib=1\nselinuxfs=/sys/fs/selinux\nselinux-enforce=0\nselinux-policyvers=33\nselinux-config=1\nselinux-SELINUX=enforcing\nselinux-SELINUXTYPE=targeted",
        "{status: enabled, policyvers: 33, config_mode: enforcing, mode: permissive, type: targeted} True")]
    [InlineData("selinux-lib=1\nselinuxfs=/sys/fs/selinux\nselinux-config=1", "{status: enabled, policyvers: unknown, config_mode: unknown, mode: unknown, type: unknown} True")]
    public void Parse_Selinux_IsAnsiblesSelinuxFacts(string signals, string expected)
    {
        var facts = new SystemFact().Parse("kernel=6.1.0\n" + signals + "\n", 0).ToFacts();
        var selinux = (IReadOnlyDictionary<string, object?>)facts["selinux"]!;

        Assert.Equal(expected, $"{{{string.Join(", ", selinux.Select(kv => $"{kv.Key}: {kv.Value}"))}}} {facts["selinux_python_present"]}");
    }

    [Fact]
    public void Command_OnThisMachine_FindsLibselinux_AsAnsiblesFactsDo()
    {
        var fact = new SystemFact();
        var info = Gather([fact]).Get(fact);
        var library = Sh("ldconfig -p 2>/dev/null | grep -q 'libselinux.so.1 ' && echo yes || echo no").Stdout.Trim();

        Assert.Equal(library == "yes", info.SelinuxPythonPresent);
        Assert.Equal(Directory.Exists("/sys/fs/selinux/booleans") && File.Exists("/etc/selinux/config") ? "enabled" : library == "yes" ? "disabled" : "Missing selinux Python library", info.Selinux["status"]);
    }

    [Fact]
    public void Placeholders_AnswerAnyFactKey_ForValidation()
    {
        var scope = VariableScope.Of(FactVariables.Placeholders);

        Assert.Equal(true, Template.Render("{{ 'openssh-server' in ansible_facts.packages }}", scope, default));
        Assert.Equal(0L, Template.Render("{{ ansible_facts.services['ssh'].state | length }}", scope, default));
        Assert.Equal(false, Template.Render("{{ ansible_facts.distribution_major_version | int >= 12 }}", scope, default));
    }
}
