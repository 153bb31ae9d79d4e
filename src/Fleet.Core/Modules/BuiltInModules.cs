using Fleet.Core.Modules.AuthorizedKeys;
using Fleet.Core.Modules.Apt;
using Fleet.Core.Modules.Command;
using Fleet.Core.Modules.Copy;
using Fleet.Core.Modules.Cron;
using Fleet.Core.Modules.Files;
using Fleet.Core.Modules.Find;
using Fleet.Core.Modules.Getent;
using Fleet.Core.Modules.Iptables;
using Fleet.Core.Modules.LineInFile;
using Fleet.Core.Modules.ListeningPorts;
using Fleet.Core.Modules.Lynis;
using Fleet.Core.Modules.Modprobe;
using Fleet.Core.Modules.Mount;
using Fleet.Core.Modules.PamLimits;
using Fleet.Core.Modules.PackageFacts;
using Fleet.Core.Modules.Replace;
using Fleet.Core.Modules.Sshd;
using Fleet.Core.Modules.Stat;
using Fleet.Core.Modules.Users;
using Fleet.Core.Modules.Sysctl;
using Fleet.Core.Modules.Templates;
using Fleet.Core.Modules.Ufw;
using Fleet.Core.Modules.Service;

namespace Fleet.Core.Modules;

/// <summary>The modules Fleet ships.</summary>
public static class BuiltInModules
{
    /// <summary>A new instance of every built-in module.</summary>
    public static IReadOnlyList<Module> All() =>
    [
        new CommandModule(),
        new ShellModule(),
        new CopyModule(),
        new FileModule(),
        new LineInFileModule(),
        new BlockInFileModule(),
        new LynisModule(),
        new CronModule(),
        new ListeningPortsModule(),
        new SshdModule(),
        new UserModule(),
        new GroupModule(),
        new AuthorizedKeyModule(),
        new UfwModule(),
        new SysctlModule(),
        new AptModule(),
        new PackageModule(),
        new ServiceModule(),
        new SystemdModule(),
        new SystemdServiceModule(),
        new TemplateModule(),
        new ReplaceModule(),
        new PackageFactsModule(),
        new ServiceFactsModule(),
        new PamLimitsModule(),
        new GetentModule(),
        new ModprobeModule(),
        new StatModule(),
        new Slurp.SlurpModule(),
        new IptablesModule(),
        new FindModule(),
        new MountModule(),
        new AptSources.AptRepositoryModule(),
        new GetUrl.GetUrlModule(),
        new AptSources.AptKeyModule(),
        new IniFile.IniFileModule(),
        new Tempfile.TempfileModule(),
        new DpkgDivert.DpkgDivertModule(),
        new Pamd.PamdModule(),
        new OpensshKeypair.OpensshKeypairModule(),
        new AsyncStatus.AsyncStatusModule(),
        new Unarchive.UnarchiveModule(), new Fetch.FetchModule(), new Acl.AclModule(),
        new Git.GitModule(),
    ];
}
