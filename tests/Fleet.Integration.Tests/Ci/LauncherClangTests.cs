using Fleet.Integration.Tests.Cli;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Ci;

/// <summary>
/// scripts/clang.sh, which ./fleet and scripts/release.sh use to pick the compiler NativeAOT links with: plain clang first, else
/// the newest versioned clang-NN (Debian's clang-14 package alone installs no clang), else none (the launcher then builds
/// ReadyToRun and says so).
/// </summary>
public sealed class LauncherClangTests : IDisposable
{
    private readonly DirectoryInfo _bin = Directory.CreateTempSubdirectory("fleet-clang-path-");

    [Theory]
    [InlineData(new[] { "clang-14" }, "clang-14\n-p:CppCompilerAndLinker=clang-14")]
    [InlineData(new[] { "clang-9", "clang-14", "clang-19", "clang-cl-20", "clang-format-21" }, "clang-19\n-p:CppCompilerAndLinker=clang-19")]
    [InlineData(new[] { "clang-19", "llvm-objcopy-19" }, "clang-19\n-p:CppCompilerAndLinker=clang-19\n-p:ObjCopyName=llvm-objcopy-19")]
    [InlineData(new[] { "clang", "clang-19" }, "clang\n-p:CppCompilerAndLinker=clang")]
    [InlineData(new string[0], "")]
    public async Task FleetClang_PrefersClang_ElseNewestVersioned_WithItsObjcopy(string[] commands, string expected)
    {
        // Only the fake directory on the PATH (bash and chmod by their full paths): the machine's own clang must not answer.
        var fakes = string.Concat(commands.Select(c => $"printf '#!/bin/sh\\n' > {_bin.FullName}/{c}; /bin/chmod 0500 {_bin.FullName}/{c}; "));
        var script = fakes + $"source {Path.Combine(Repository.Root, "scripts", "clang.sh")}; cc=\"$(fleet_clang)\"; [ -z \"$cc\" ] || {{ echo \"$cc\"; fleet_clang_properties \"$cc\"; }}";
        var (exit, stdout, stderr) = await FleetProcess.RunProgramAsync("/bin/bash", new Dictionary<string, string> { ["PATH"] = _bin.FullName }, "-c", script);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal(expected, stdout.TrimEnd('\n'));
    }

    public void Dispose() => _bin.Delete(recursive: true);
}
