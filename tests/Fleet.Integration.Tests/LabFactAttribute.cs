namespace Fleet.Integration.Tests;

/// <summary>Why a test that needs root (lab hosts, sshd, namespaces) cannot run here, or null when it can.</summary>
internal static class RootRequirement
{
    /// <summary>Null as root, and always null with CI=true (CI must run these tests: a missing privilege fails them there).</summary>
    public static string? SkipReason
    {
        get
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            if (!OperatingSystem.IsLinux())
            {
                return "needs Linux (network namespaces, overlayfs, sshd); skipped outside CI";
            }

            return Environment.UserName == "root" ? null : "needs root (lab hosts use namespaces and mounts); run as root or set CI=true";
        }
    }
}

/// <summary>A test that needs root on Linux: it skips with the reason elsewhere, never under CI=true.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LabFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public LabFactAttribute() => Skip = RootRequirement.SkipReason;
}

/// <summary>A data-driven test that needs root on Linux: it skips with the reason elsewhere, never under CI=true.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LabTheoryAttribute : TheoryAttribute
{
    /// <summary>Creates the attribute.</summary>
    public LabTheoryAttribute() => Skip = RootRequirement.SkipReason;
}
