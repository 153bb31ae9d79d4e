using System.Globalization;
using System.Text.Json;

namespace Fleet.Core.Remote;

/// <summary>
/// The host side of an <c>async</c> task, in sh only: a job is a detached sh runner (its own session) that runs the task's script
/// under coreutils <c>timeout</c> (its own process group, SIGKILLed at the time limit) and leaves a job file in Ansible's job
/// directory, <c>~/.ansible_async/JID</c> (one JSON line: <c>started</c>, <c>finished</c>, <c>rc</c>), with its output beside it
/// (<c>JID.out</c>, <c>JID.err</c>). Reading a job is read-only, so a poll can be sent again on a new connection.
/// </summary>
public static class AsyncJob
{
    /// <summary>What the runner writes when the host's own watchdog killed the job at the limit (Ansible's async_wrapper's words).</summary>
    public const string HostTimeoutMessage = "Timeout exceeded";

    /// <summary>Exit code of <see cref="Status"/> and <see cref="Cleanup"/> when the job file does not exist.</summary>
    public const int NoJob = 3;

    // The job directory for the user the script runs as (root under become), as Ansible's ~/.ansible_async.
    private const string Directory = "d=\"${HOME:-/root}/.ansible_async\"\n";

    /// <summary>
    /// The detached runner: $1 is the job's path without suffix, $2 the time limit in seconds. It records the job's process
    /// group (for a kill), waits for it, then writes the final job file atomically.
    /// </summary>
    private const string Runner =
        "j=$1; n=$2; s=$(date +%s)\n" +
        "if command -v timeout >/dev/null 2>&1; then timeout -s KILL \"$n\" sh \"$j.sh\" </dev/null >\"$j.out\" 2>\"$j.err\" &\n" +
        "else sh \"$j.sh\" </dev/null >\"$j.out\" 2>\"$j.err\" & fi\n" +
        "p=$!\n" +
        "printf '%s\\n' \"$p\" > \"$j.pid\"\n" +
        "wait \"$p\"; rc=$?\n" +
        "x=''\n" +
        "if [ -f \"$j.killed\" ] || { [ \"$rc\" -ge 124 ] && [ $(( $(date +%s) - s )) -ge \"$n\" ]; }; then x=', \"failed\": true, \"msg\": \"" + HostTimeoutMessage + "\"'; fi\n" +
        "printf '{\"started\": 1, \"finished\": 1, \"ansible_job_id\": \"%s\", \"rc\": %d%s}\\n' \"${j##*/}\" \"$rc\" \"$x\" > \"$j.tmp\" && mv -f \"$j.tmp\" \"$j\"\n" +
        "rm -f \"$j.sh\" \"$j.pid\" \"$j.killed\"\n";

    /// <summary>A new job id in Ansible's shape (<c>j</c>, twelve digits, a dot, a number).</summary>
    public static string NewId() =>
        string.Create(CultureInfo.InvariantCulture, $"j{Random.Shared.NextInt64(100_000_000_000, 1_000_000_000_000)}.{Environment.ProcessId}");

    /// <summary>True for a job id that is safe as a file name in the job directory (letters, digits, dot, dash, underscore; no leading dot).</summary>
    public static bool IsValidId(string jid) =>
        jid.Length is > 0 and <= 128 && jid[0] != '.' && jid.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    /// <summary>
    /// Starts <paramref name="script"/> as job <paramref name="jid"/> with a time limit of <paramref name="seconds"/>, detached from
    /// the SSH session; prints the job file's path. Returns at once.
    /// </summary>
    public static string Start(string jid, string script, long seconds)
    {
        Check(jid);
        ArgumentNullException.ThrowIfNull(script);
        var limit = Math.Max(1, seconds).ToString(CultureInfo.InvariantCulture);
        return "umask 077\n" + Directory + $"j=\"$d\"/{Sh.Quote(jid)}\n" +
            "mkdir -p \"$d\" || exit 1\n" +
            // The job files are the user's alone; the job itself runs with umask 022, as Ansible's async_wrapper sets it.
            $"printf '%s' {Sh.Quote("umask 022\n" + script)} > \"$j.sh\" || exit 1\n" +
            WriteJobFile($"{{\"started\": 1, \"finished\": 0, \"ansible_job_id\": {JsonString(jid)}}}") +
            $"r={Sh.Quote(Runner)}\n" +
            $"if command -v setsid >/dev/null 2>&1; then setsid sh -c \"$r\" fleet-async \"$j\" {limit} </dev/null >/dev/null 2>&1 &\n" +
            $"else sh -c \"$r\" fleet-async \"$j\" {limit} </dev/null >/dev/null 2>&1 & fi\n" +
            "printf '%s\\n' \"$j\"\n";
    }

    /// <summary>
    /// Records job <paramref name="jid"/> as already finished without running anything (its task had nothing to change), so
    /// <c>async_status</c> finds it; prints the job file's path.
    /// </summary>
    public static string Finished(string jid, string message)
    {
        Check(jid);
        return "umask 077\n" + Directory + $"j=\"$d\"/{Sh.Quote(jid)}\n" + "mkdir -p \"$d\" || exit 1\n" +
            WriteJobFile($"{{\"started\": 1, \"finished\": 1, \"ansible_job_id\": {JsonString(jid)}, \"rc\": 0, \"changed\": false, \"msg\": {JsonString(message)}}}") +
            ": > \"$j.out\"; : > \"$j.err\"\n" +
            "printf '%s\\n' \"$j\"\n";
    }

    /// <summary>
    /// Reads job <paramref name="jid"/>: the job file's path, its JSON line, and once it finished its output (stdout after those
    /// two lines, stderr as stderr); exit 3 when there is no such job. With <paramref name="cleanup"/>, a finished job's files
    /// are removed after the read.
    /// </summary>
    public static string Status(string jid, bool cleanup = false)
    {
        Check(jid);
        return Directory + $"j=\"$d\"/{Sh.Quote(jid)}\n" +
            "printf '%s\\n' \"$j\"\n" +
            $"[ -f \"$j\" ] || exit {NoJob}\n" +
            "s=$(cat \"$j\")\n" +
            "printf '%s\\n' \"$s\"\n" +
            "case \"$s\" in *'\"finished\": 1'*)\n" +
            "  [ -f \"$j.out\" ] && cat \"$j.out\"\n" +
            "  [ -f \"$j.err\" ] && cat \"$j.err\" >&2\n" +
            (cleanup ? "  rm -f \"$j\" \"$j.out\" \"$j.err\"\n" : "") +
            "  ;;\nesac\nexit 0\n";
    }

    /// <summary>Kills job <paramref name="jid"/>'s whole process group (the controller gave up on it); its runner then records it as timed out.</summary>
    public static string Kill(string jid)
    {
        Check(jid);
        return Directory + $"j=\"$d\"/{Sh.Quote(jid)}\n" +
            "[ -f \"$j.pid\" ] || exit 0\n" +
            ": > \"$j.killed\"\n" +
            "p=$(cat \"$j.pid\")\n" +
            // dash (Debian's sh) takes no "--" in kill: without the second form only the group's leader died and the job lived on.
            "kill -KILL -- \"-$p\" 2>/dev/null || kill -KILL \"-$p\" 2>/dev/null || kill -KILL \"$p\" 2>/dev/null\n" +
            "exit 0\n";
    }

    /// <summary>Removes job <paramref name="jid"/>'s files (<c>async_status: mode=cleanup</c>); prints the job file's path, exit 3 when there is none.</summary>
    public static string Cleanup(string jid)
    {
        Check(jid);
        return Directory + $"j=\"$d\"/{Sh.Quote(jid)}\n" +
            "printf '%s\\n' \"$j\"\n" +
            $"[ -f \"$j\" ] || exit {NoJob}\n" +
            "rm -f \"$j\" \"$j.out\" \"$j.err\" \"$j.sh\" \"$j.pid\" \"$j.killed\"\n";
    }

    /// <summary>The job file's path that <see cref="Start"/>, <see cref="Finished"/> and <see cref="Cleanup"/> print.</summary>
    public static string PathOf(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var end = result.Stdout.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? result.Stdout : result.Stdout[..end]).Trim();
    }

    /// <summary>What <see cref="Status"/> printed, read; a job file that cannot be read counts as not written yet (running), as Ansible reads it.</summary>
    public static AsyncJobStatus Parse(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = result.Stdout;
        var first = text.IndexOf('\n', StringComparison.Ordinal);
        var path = (first < 0 ? text : text[..first]).Trim();
        if (result.ExitCode == NoJob)
        {
            return new AsyncJobStatus(path, Found: false, Finished: true, null, "", "", ModuleVars());
        }

        if (result.ExitCode != 0 || first < 0)
        {
            throw new FormatException($"reading the job failed (exit {result.ExitCode}): {result.Stderr.Trim()}");
        }

        var second = text.IndexOf('\n', first + 1);
        var line = second < 0 ? text[(first + 1)..] : text[(first + 1)..second];
        var fields = ModuleVars();
        try
        {
            using var json = JsonDocument.Parse(line);
            foreach (var property in json.RootElement.EnumerateObject())
            {
                fields[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.Number => property.Value.TryGetInt64(out var n) ? (object)n : property.Value.GetDouble(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.String => property.Value.GetString(),
                    _ => property.Value.GetRawText(),
                };
            }
        }
        catch (JsonException)
        {
            return new AsyncJobStatus(path, Found: true, Finished: false, null, "", "", fields);
        }

        // As Ansible's async_status: a job file without "started" is a final result.
        var finished = !fields.ContainsKey("started") || fields.GetValueOrDefault("finished") is 1L or true;
        var rc = fields.GetValueOrDefault("rc") is long code ? (int?)code : null;
        var stdout = finished && second >= 0 ? text[(second + 1)..] : "";
        return new AsyncJobStatus(path, Found: true, finished, rc, stdout, finished ? result.Stderr : "", fields);
    }

    private static Dictionary<string, object?> ModuleVars() => new(StringComparer.Ordinal);

    private static string JsonString(string text) => "\"" + JsonEncodedText.Encode(text) + "\"";

    /// <summary>Writes the job file's one JSON line atomically (a poll never reads half of it).</summary>
    private static string WriteJobFile(string json) =>
        $"printf '%s\\n' {Sh.Quote(json)} > \"$j.tmp\" && mv -f \"$j.tmp\" \"$j\" || exit 1\n";

    private static void Check(string jid)
    {
        if (!IsValidId(jid))
        {
            throw new ArgumentException($"'{jid}' is not a job id", nameof(jid));
        }
    }
}

/// <summary>One read of an async job.</summary>
/// <param name="ResultsFile">The job file's path on the host.</param>
/// <param name="Found">The job file exists.</param>
/// <param name="Finished">The job ended (or was never found: nothing is left to wait for).</param>
/// <param name="ExitCode">The job's exit code once it finished, or null.</param>
/// <param name="Stdout">The job's stdout once it finished.</param>
/// <param name="Stderr">The job's stderr once it finished.</param>
/// <param name="Fields">The job file's fields as written (<c>started</c>, <c>finished</c>, <c>rc</c>, <c>failed</c>, <c>msg</c>…).</param>
public sealed record AsyncJobStatus(string ResultsFile, bool Found, bool Finished, int? ExitCode, string Stdout, string Stderr, IReadOnlyDictionary<string, object?> Fields)
{
    /// <summary>The host's watchdog killed the job at its time limit.</summary>
    public bool TimedOut => Fields.GetValueOrDefault("msg") is AsyncJob.HostTimeoutMessage && Fields.GetValueOrDefault("failed") is true;
}
