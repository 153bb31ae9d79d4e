using System.Diagnostics;
using Fleet.Core.Remote;

namespace Fleet.Core.Tests.Remote;

/// <summary>The job scripts' text and what a read of a job means, from the output the status script prints.</summary>
public sealed class AsyncJobTests
{
    private static CommandResult Read(int exit, string stdout, string stderr = "") => new(exit, stdout, stderr, TimeSpan.Zero);

    [Fact]
    public void Parse_RunningJob_NotFinishedWithoutOutput()
    {
        var status = AsyncJob.Parse(Read(0, "/root/.ansible_async/j1.2\n{\"started\": 1, \"finished\": 0, \"ansible_job_id\": \"j1.2\"}\n"));

        Assert.Equal(("/root/.ansible_async/j1.2", true, false, (int?)null, ""), (status.ResultsFile, status.Found, status.Finished, status.ExitCode, status.Stdout));
    }

    [Fact]
    public void Parse_FinishedJob_HasItsExitCodeAndOutput_EvenALineThatLooksLikeJson()
    {
        var status = AsyncJob.Parse(Read(0, "/r/j1.2\n{\"started\": 1, \"finished\": 1, \"ansible_job_id\": \"j1.2\", \"rc\": 2}\n{\"finished\": 0}\nline two\n", "oops\n"));

        Assert.True(status.Finished);
        Assert.Equal((2, "{\"finished\": 0}\nline two\n", "oops\n"), (status.ExitCode, status.Stdout, status.Stderr));
        Assert.False(status.TimedOut);
    }

    [Fact]
    public void Parse_HostWatchdogKilledIt_IsATimeout()
    {
        var status = AsyncJob.Parse(Read(0, "/r/j\n{\"started\": 1, \"finished\": 1, \"ansible_job_id\": \"j\", \"rc\": 137, \"failed\": true, \"msg\": \"Timeout exceeded\"}\n"));

        Assert.True(status.TimedOut);
    }

    [Fact]
    public void Parse_NoJobFile_FoundFalse()
    {
        var status = AsyncJob.Parse(Read(AsyncJob.NoJob, "/r/j9.9\n"));

        Assert.Equal((false, "/r/j9.9"), (status.Found, status.ResultsFile));
    }

    [Fact]
    public void Parse_HalfWrittenJobFile_CountsAsRunning_AsAnsibleReadsIt()
    {
        var status = AsyncJob.Parse(Read(0, "/r/j\n{\"started\": 1, \"fin\n"));

        Assert.False(status.Finished);
    }

    [Theory]
    [InlineData("j123456789012.42", true)]
    [InlineData("my-job_1", true)]
    [InlineData("../etc/passwd", false)]
    [InlineData(".hidden", false)]
    [InlineData("a b", false)]
    [InlineData("j1;rm -rf /", false)]
    [InlineData("", false)]
    public void IsValidId_OnlyPlainFileNames(string jid, bool valid) => Assert.Equal(valid, AsyncJob.IsValidId(jid));

    [Fact]
    public void Start_ScriptTextTravelsQuoted_NeverReparsedByTheStartingShell()
    {
        var script = AsyncJob.Start("j1.1", "echo '$(reboot)'; `x` \"$HOME\"", 60);

        Assert.Contains("printf '%s' 'umask 022\necho '\\''$(reboot)'\\''; `x` \"$HOME\"' > \"$j.sh\"", script, StringComparison.Ordinal);
        Assert.Contains("fleet-async \"$j\" 60", script, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => AsyncJob.Start("x;y", "true", 1));
    }

    [Fact]
    public void NewId_HasAnsiblesShape()
    {
        Assert.Matches(@"^j\d{12}\.\d+$", AsyncJob.NewId());
        Assert.NotEqual(AsyncJob.NewId(), AsyncJob.NewId());
    }

    [Fact]
    public async Task Kill_ThroughDebiansSh_EndsTheJobsWholeProcessGroup()
    {
        // The controller's kill (it gave up before the host's own limit) once ended only the group's leader under dash.
        var home = Directory.CreateTempSubdirectory("fleet-async-kill-");
        try
        {
            const string Marker = "sleep 3188";
            await ShAsync(home.FullName, AsyncJob.Start("j1.7", $"{Marker} & {Marker}; wait", 600));
            var pidFile = Path.Combine(home.FullName, ".ansible_async", "j1.7.pid");
            Assert.True(await PollAsync(() => File.Exists(pidFile)), "the job never recorded its process group");

            await ShAsync(home.FullName, AsyncJob.Kill("j1.7"));

            Assert.True(await PollAsync(() => !Running(Marker)), "the job's processes outlived the kill");
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    private static async Task ShAsync(string home, string script)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", script]) { RedirectStandardOutput = true };
        start.Environment["HOME"] = home;
        using var process = Process.Start(start)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
    }

    private static bool Running(string marker)
    {
        using var pgrep = Process.Start(new ProcessStartInfo("pgrep", ["-f", marker]) { RedirectStandardOutput = true })!;
        pgrep.WaitForExit();
        return pgrep.ExitCode == 0;
    }

    private static async Task<bool> PollAsync(Func<bool> done)
    {
        for (var i = 0; i < 100; i++)
        {
            if (done())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
