using System.Diagnostics;
using Fleet.Core.Facts;
using Fleet.Core.Modules;

namespace Fleet.Core.Tests.Modules;

/// <summary>Runs facts and change scripts with the machine's real /bin/sh, as the engine would on a host (no SSH).</summary>
internal static class LocalHost
{
    public static (int Exit, string Stdout, string Stderr) Sh(string script)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }

    /// <summary>Reads the facts a module declares in one batch, as the engine does.</summary>
    public static FactCache Gather(IEnumerable<Fact> facts)
    {
        var cache = new FactCache();
        var batch = new FactBatch(facts);
        batch.Parse(Sh(batch.Script()).Stdout, cache);
        return cache;
    }

    /// <summary>Plans a task against the local machine and, when it is a change, runs it; returns the plan.</summary>
    public static TaskPlan Apply(Module module, ModuleArguments args, bool checkMode = false) =>
        Apply(module, args, new ModuleContext("local", checkMode, Path.GetTempPath()));

    /// <summary>Plans a task in the given context (playbook directory, variables) and, when it is a change outside check mode, runs it.</summary>
    public static TaskPlan Apply(Module module, ModuleArguments args, ModuleContext context)
    {
        var checkMode = context.CheckMode;
        var plan = module.Plan(args, Gather(module.Facts(args, context)), context);
        if (plan is Change change && !checkMode)
        {
            var (exit, _, stderr) = Sh(change.Script);
            Assert.True(exit == 0, $"change script failed: {stderr}\n{change.Script}");
        }

        return plan;
    }

    public static ModuleArguments Args(params (string Key, object? Value)[] values) =>
        new(values.ToDictionary(v => v.Key, v => v.Value));
}
