using System.Diagnostics;
using System.Text;
using Fleet.Core.Inputs;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Tests.Inventory;

using Fleet.Tests;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>
/// A seeded mutation run over the shipped playbooks and inventory, through the entry point of <c>fleet validate</c>: every mutant
/// either validates or fails with a <see cref="FleetInputException"/> whose every error is located (file:line:column), each within
/// a time and memory bound. Same seed, same mutants: a failure names the seed and case to replay.
/// </summary>
public sealed class FuzzTests : IDisposable
{
    private const int Seed = 20_260_007;

    private const int PlaybookMutants = 300;

    private const int InventoryMutants = 150;

    private static readonly string[] Metacharacters =
        [":", ": ", "- ", "[", "]", "{", "}", "&a ", "*a", "!", "!!str ", "!vault ", "|", ">", "'", "\"", "#", "%", "@", "`", "? ", ",", "\t", "{{", "}}", "{{ x }}", "---\n", "...\n", "\\", "99999999999999999999", "[0:99999]", "~"];

    private readonly TempFiles _files = new();

    [Fact]
    public async Task Validate_MutatedShippedFiles_SucceedOrReportLocatedInputErrors()
    {
        var root = Repository.Root;
        var playbooks = Path.Combine(_files.Dir, "playbooks");
        Directory.CreateDirectory(playbooks);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "playbooks"), "*.yml"))
        {
            File.Copy(file, Path.Combine(playbooks, Path.GetFileName(file)));
        }

        var inventory = Path.Combine(_files.Dir, "inventory.yml");
        var shippedInventory = File.ReadAllText(Path.Combine(root, "inventories", "example.yml"));
        var random = new Random(Seed);
        var names = Directory.EnumerateFiles(playbooks).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var failures = new List<string>();
        var valid = 0;
        for (var i = 0; i < PlaybookMutants + InventoryMutants; i++)
        {
            File.WriteAllText(inventory, shippedInventory);
            string target, original;
            if (i < PlaybookMutants)
            {
                target = Path.Combine(playbooks, names[random.Next(names.Count)]!);
            }
            else
            {
                target = inventory;
            }

            original = File.ReadAllText(target);
            var (mutation, text) = Mutate(original, random);
            File.WriteAllText(target, text);
            var (problem, ok) = await CheckAsync(inventory, i < PlaybookMutants ? target : Path.Combine(playbooks, "08-baseline.yml"));
            valid += ok ? 1 : 0;
            if (problem is not null)
            {
                failures.Add($"case {i} (seed {Seed}, {Path.GetFileName(target)}, {mutation}): {problem}");
            }

            File.WriteAllText(target, original);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        // Both outcomes occur, so the run exercises the readers past their first error and also their errors.
        Assert.InRange(valid, 20, PlaybookMutants + InventoryMutants - 100);
    }

    /// <summary>Problem: null when the mutant behaves, otherwise what went wrong; Valid: it validated without errors.</summary>
    private static async Task<(string? Problem, bool Valid)> CheckAsync(string inventory, string playbook)
    {
        // The validation's own thread's bytes: the process-wide count also holds every test class running beside this one.
        long allocated = 0;
        var run = Task.Factory.StartNew(
            () =>
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    RunInputs.Load(new RunInputsOptions { Inventory = inventory, InventoryOptional = true, Playbooks = [playbook], CheckTargets = false });
                }
                finally
                {
                    allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        // A hang (a parser loop, catastrophic backtracking) never ends; 30 s is far above a validation even on a loaded machine.
        if (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30))) != run)
        {
            return ("did not end within 30 s", false);
        }

        if (Interlocked.Read(ref allocated) is var bytes and > 256L * 1024 * 1024)
        {
            return ($"allocated {bytes / (1024 * 1024)} MiB", false);
        }

        return run.Exception?.InnerException switch
        {
            null => (null, true),
            FleetInputException input when input.Errors.FirstOrDefault(e => e.Location is not { File: not null, Line: >= 1, Column: >= 1 }) is { } unlocated
                => ($"error without file:line:column: {unlocated}", false),
            FleetInputException => (null, false),
            var other => ($"{other.GetType().Name}: {other.Message}", false),
        };
    }

    /// <summary>One random mutation of the text and its name: lines deleted, duplicated or swapped, metacharacters inserted, indentation changed, truncation.</summary>
    private static (string Name, string Text) Mutate(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        var line = random.Next(lines.Count);
        switch (random.Next(7))
        {
            case 0:
                lines.RemoveAt(line);
                return ($"delete line {line + 1}", string.Join('\n', lines));
            case 1:
                lines.Insert(line, lines[line]);
                return ($"duplicate line {line + 1}", string.Join('\n', lines));
            case 2:
                var other = random.Next(lines.Count);
                (lines[line], lines[other]) = (lines[other], lines[line]);
                return ($"swap lines {line + 1} and {other + 1}", string.Join('\n', lines));
            case 3:
            case 4:
                var meta = Metacharacters[random.Next(Metacharacters.Length)];
                var column = random.Next(lines[line].Length + 1);
                lines[line] = lines[line].Insert(column, meta);
                return ($"insert {Escape(meta)} at {line + 1}:{column + 1}", string.Join('\n', lines));
            case 5:
                var shift = random.Next(-3, 4);
                lines[line] = shift >= 0 ? new string(' ', shift) + lines[line] : lines[line][Math.Min(-shift, lines[line].Length - lines[line].TrimStart().Length)..];
                return ($"indent line {line + 1} by {shift}", string.Join('\n', lines));
            default:
                var at = random.Next(text.Length + 1);
                return ($"truncate at {at}", text[..at]);
        }
    }

    private static string Escape(string text) => new StringBuilder(text).Replace("\n", "\\n").Replace("\t", "\\t").ToString();

    public void Dispose() => _files.Dispose();
}
