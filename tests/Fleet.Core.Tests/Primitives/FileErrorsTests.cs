using Fleet.Core.Reports;

namespace Fleet.Core.Tests.Primitives;

/// <summary>File system errors in Fleet's words: the reason only, never the runtime's sentence, the path again or a probe file's name.</summary>
public sealed class FileErrorsTests
{
    public static TheoryData<Exception, string> Cases => new()
    {
        { new UnauthorizedAccessException("Access to the path '/proc/.x.json.1.probe' is denied."), "permission denied" },
        { new FileNotFoundException("Could not find file '/tmp/r.json'."), "it does not exist" },
        { new DirectoryNotFoundException("Could not find a part of the path '/nope/r.json'."), "its directory does not exist" },
        { new IOException("Read-only file system : '/mnt/.r.json.1.probe'"), "read-only file system" },
        { new IOException("No space left on device : '/var/r.json'"), "no space left on device" },
        { new IOException("it is a directory"), "it is a directory" },
        { new IOException("The file '/tmp/x' already exists."), "input/output error" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reason_RuntimeError_IsTheReasonAlone(Exception error, string reason)
    {
        Assert.Equal(reason, FileErrors.Reason(error));
    }

    [Fact]
    public void CheckWritable_UnderProc_NamesTheOptionAndNoProbeFile()
    {
        var error = Assert.Throws<FleetInputException>(() => AtomicFile.CheckWritable("/proc/fleet-test.json", "-o"));

        Assert.StartsWith("-o /proc/fleet-test.json: cannot write there: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("probe", error.Message, StringComparison.Ordinal);
    }
}
