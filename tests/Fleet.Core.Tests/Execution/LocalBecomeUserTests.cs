using System.Diagnostics;
using Fleet.Core.Execution;
using Fleet.Core.Execution.Placement;

namespace Fleet.Core.Tests.Execution;

/// <summary>
/// On the controller (<c>ansible_connection: local</c>, <c>delegate_to: localhost</c>), a task that becomes runs through sudo as
/// Ansible's local connection does: another user than the controller's gets the script on stdin (it could not read this user's
/// file). The lab test <c>LocalBecomeLabTests</c> runs it as a created user becoming another one.
/// </summary>
public sealed class LocalBecomeUserTests
{
    private const string File = "/tmp/fleet-x.sh";

    [Fact]
    public void CommandLine_NoBecome_OrTheControllersOwnUser_IsShOnTheFile()
    {
        Assert.Equal(["/bin/sh", File], LocalConnection.CommandLine(new RemoteCommand("id"), "root", false, File));
        Assert.Equal(["/bin/sh", File], LocalConnection.CommandLine(new RemoteCommand("id", Become: true), "root", false, File));
        Assert.Equal(["/bin/sh", File], LocalConnection.CommandLine(new RemoteCommand("id", Become: true) { BecomeUser = "ops" }, "ops", false, File));
    }

    [Fact]
    public void CommandLine_UserControllerBecomesRoot_IsSudoOnTheFile()
    {
        Assert.Equal(["sudo", "-n", "/bin/sh", File], LocalConnection.CommandLine(new RemoteCommand("id", Become: true), "ops", false, File));
        Assert.Equal(["sudo", "-S", "-p", "", "/bin/sh", File], LocalConnection.CommandLine(new RemoteCommand("id", Become: true), "ops", true, File));
    }

    [Fact]
    public void CommandLine_BecomeAnotherUser_IsAnsiblesSudoWithTheScriptOnStdin()
    {
        var line = LocalConnection.CommandLine(new RemoteCommand("id -un", Become: true) { BecomeUser = "postgres" }, "root", false, File);

        Assert.Equal(["sudo", "-H", "-S", "-n", "-u", "postgres", "/bin/sh", "-c"], line.Take(8));
        Assert.Equal("fleet", line[^2]);
        Assert.Equal("6", line[^1]);
        Assert.DoesNotContain(File, line);
    }

    [Fact]
    public void CommandLine_BecomeFlags_ReplaceTheDefaults()
    {
        var line = LocalConnection.CommandLine(new RemoteCommand("id", Become: true) { BecomeUser = "app", BecomeFlags = ["-i", "-E"] }, "root", false, File);

        Assert.Equal(["sudo", "-i", "-E", "-u", "app", "/bin/sh"], line.Take(6));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a password sudo left unread\n")]
    public async Task StdinRunner_RunsTheWholeScript_WhoseCommandsCannotReadTheRest(string before)
    {
        const string script = "read -r line || echo no-stdin\necho \"rest $0\" | head -c 4\necho\nexit 3\n";
        var line = LocalConnection.CommandLine(new RemoteCommand(script, Become: true) { BecomeUser = "app" }, "root", false, File);
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in line.Skip(line.ToList().IndexOf("/bin/sh") + 1))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(before + LocalConnection.Framed(script) + "echo leaked\n");
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(("no-stdin\nrest\n", 3), (output, process.ExitCode));
    }
}
