using Fleet.Cli.Output;
using Fleet.Core.Execution;

namespace Fleet.Integration.Tests.Output;

public sealed class LoggingTests
{
    [Fact]
    public void LogFile_HostTaggedEvents_SecretsMasked()
    {
        var file = Path.Combine(Path.GetTempPath(), $"fleet-log-test-{Guid.NewGuid():N}.json");
        try
        {
            using (var logger = Logging.Create(verbose: false, file))
            {
                logger.ForContext("Host", "web-1").Information("connecting with {@Password} and {Plain}", new Secret("hunter2"), new Secret("hunter3"));
            }

            var text = File.ReadAllText(file);
            Assert.Contains("\"Host\":\"web-1\"", text, StringComparison.Ordinal);
            Assert.Contains("********", text, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter3", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
