namespace Fleet.Core.Tests.Fuzz;

/// <summary>What a case runs: <c>fleet validate -i INVENTORY PLAYBOOK</c> or <c>fleet inventory -i INVENTORY</c>.</summary>
public enum FuzzCommand
{
    /// <summary><c>fleet validate</c>.</summary>
    Validate,

    /// <summary><c>fleet inventory</c>.</summary>
    Inventory,
}

/// <summary>
/// One generated input: its files, the command run on them, the hazards it holds, and whether it holds one that validation must
/// refuse wherever it sits; seed and number replay it.
/// </summary>
public sealed record FuzzCase(int Seed, int Number, FuzzCommand Command, ProjectFiles Files, IReadOnlyList<string> ExtraVars, IReadOnlySet<Hazard> Hazards, bool MustFail)
{
    /// <summary>The playbook, relative to the case directory.</summary>
    public const string Playbook = "site.yml";

    /// <summary>The inventory, relative to the case directory.</summary>
    public const string Inventory = "inventory.yml";

    /// <summary>How to run this case alone.</summary>
    public string Replay => $"FLEET_FUZZ_SEED={Seed} FLEET_FUZZ_CASE={Number}";

    /// <summary>The case in one line for messages.</summary>
    public override string ToString() =>
        $"case {Number} (seed {Seed}; {Command}; hazards: {(Hazards.Count == 0 ? "none" : string.Join(",", Hazards.Order()))}; replay with {Replay})";
}
