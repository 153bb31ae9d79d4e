using System.Diagnostics;

namespace Fleet.Core.Templating;

/// <summary>A shell command run on the controller for <c>pipe</c> and <c>lines</c>, in the playbook's directory as Ansible runs it.</summary>
internal static class ControllerCommand
{
    /// <summary>The command's standard output; a non-zero exit is an error naming the lookup and the status.</summary>
    public static string Run(string lookup, string command, IVariableLookup variables)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        if (variables.TryGet("playbook_dir", out var dir) && dir is string { Length: > 0 } directory && Directory.Exists(directory))
        {
            start.WorkingDirectory = directory;
        }

        using var process = Process.Start(start) ?? throw Filters.Error($"lookup_plugin.{lookup}({command}) could not start /bin/sh");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw Filters.Error($"lookup_plugin.{lookup}({command}) returned {process.ExitCode}");
    }
}
