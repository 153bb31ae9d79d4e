using System.Globalization;
using System.Text;
using System.Xml;
using Fleet.Core.Results;

namespace Fleet.Core.Reports;

/// <summary>
/// Writes JUnit XML: one testsuite per host, one testcase per task (classname HOST.PLAY); failed tasks are failures, an unreachable
/// host is one failed "connect" testcase, and in check mode a task that would change is a failure of type "drift".
/// </summary>
public static class JUnitReportWriter
{
    /// <summary>The report as JUnit XML text.</summary>
    public static string ToXml(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var check = report.Mode == "check";
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(new StringWriter(text, CultureInfo.InvariantCulture), new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8 }))
        {
            var suites = report.Hosts.Select(h => (Host: h, Cases: Cases(h, check))).ToList();
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", "fleet");
            xml.WriteAttributeString("tests", Count(suites.Sum(s => s.Cases.Count)));
            xml.WriteAttributeString("failures", Count(suites.Sum(s => s.Cases.Count(c => c.Failure is not null))));
            xml.WriteAttributeString("errors", "0");
            xml.WriteAttributeString("time", Seconds(report.DurationMs));
            foreach (var (host, cases) in suites)
            {
                xml.WriteStartElement("testsuite");
                xml.WriteAttributeString("name", host.Name);
                xml.WriteAttributeString("tests", Count(cases.Count));
                xml.WriteAttributeString("failures", Count(cases.Count(c => c.Failure is not null)));
                xml.WriteAttributeString("errors", "0");
                xml.WriteAttributeString("skipped", Count(cases.Count(c => c.Skipped)));
                xml.WriteAttributeString("time", Seconds(host.DurationMs));
                xml.WriteAttributeString("hostname", host.Address);
                foreach (var testCase in cases)
                {
                    xml.WriteStartElement("testcase");
                    xml.WriteAttributeString("classname", PrintableText.Of(testCase.ClassName));
                    xml.WriteAttributeString("name", PrintableText.Of(testCase.Name));
                    xml.WriteAttributeString("time", Seconds(testCase.DurationMs));
                    if (testCase.Failure is { } failure)
                    {
                        xml.WriteStartElement("failure");
                        xml.WriteAttributeString("type", failure.Type);
                        xml.WriteAttributeString("message", PrintableText.Of(failure.Message));
                        xml.WriteString(PrintableText.Of(failure.Body));
                        xml.WriteEndElement();
                    }
                    else if (testCase.Skipped)
                    {
                        xml.WriteStartElement("skipped");
                        xml.WriteEndElement();
                    }

                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal) + "\n";
    }

    /// <summary>Writes the XML to <paramref name="path"/> atomically.</summary>
    public static void Write(RunReport report, string path) => AtomicFile.Write(path, ToXml(report));

    private sealed record Failure(string Type, string Message, string Body);

    private sealed record Case(string ClassName, string Name, long DurationMs, Failure? Failure, bool Skipped);

    private static List<Case> Cases(HostResult host, bool check)
    {
        var cases = new List<Case>();
        if (host.Status == HostStatus.Unreachable && host.Tasks.Count == 0)
        {
            cases.Add(new Case(host.Name, "connect", host.DurationMs, new Failure("unreachable", host.Error ?? "unreachable", host.Error ?? ""), false));
            return cases;
        }

        foreach (var task in host.Tasks)
        {
            Failure? failure = task.Status switch
            {
                TaskOutcome.Failed when !task.Ignored => new Failure("failed", task.Message ?? "failed", task.Message ?? ""),
                TaskOutcome.Changed when check => new Failure("drift", "would change: " + string.Join("; ", task.Changes), string.Join("\n", task.Changes) + (task.Diff is null ? "" : "\n" + task.Diff)),
                _ => null,
            };
            cases.Add(new Case($"{host.Name}.{task.Play}", task.Name, task.DurationMs, failure, task.Status == TaskOutcome.Skipped));
        }

        if (host.Status == HostStatus.Unreachable)
        {
            cases.Add(new Case(host.Name, "connection", host.DurationMs, new Failure("unreachable", host.Error ?? "connection lost", host.Error ?? ""), false));
        }

        return cases;
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(long ms) => (ms / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
}
