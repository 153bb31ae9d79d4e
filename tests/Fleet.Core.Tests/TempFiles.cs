namespace Fleet.Core.Tests;

/// <summary>A temporary directory for input files, removed after the test.</summary>
public sealed class TempFiles : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-core-test-");

    public string Dir => _dir.FullName;

    public string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
