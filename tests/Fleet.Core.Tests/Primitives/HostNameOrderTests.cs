using Fleet.Core.Reports;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Primitives;

/// <summary>Host names are shown in natural order: numbers inside names compare by value.</summary>
public sealed class HostNameOrderTests
{
    private static List<string> Sorted(params string[] names) => names.Order(HostNameOrder.Instance).ToList();

    [Fact]
    public void Compare_NumberedNames_SortByValueNotByCharacter()
    {
        Assert.Equal(["ceo1", "ceo2", "ceo10"], Sorted("ceo1", "ceo10", "ceo2"));
        Assert.Equal(["web-2", "web-10", "web-100"], Sorted("web-100", "web-10", "web-2"));
    }

    [Fact]
    public void Compare_SeveralNumbers_EachRunComparesOnItsOwn()
    {
        Assert.Equal(["rack2-node9", "rack2-node10", "rack10-node1"], Sorted("rack10-node1", "rack2-node10", "rack2-node9"));
        Assert.Equal(["10.0.0.2", "10.0.0.10", "10.0.1.1"], Sorted("10.0.1.1", "10.0.0.10", "10.0.0.2"));
    }

    [Fact]
    public void Compare_TextBeforeNumbersAndPrefixesFirst()
    {
        Assert.Equal(["db", "db-1", "db-a", "web"], Sorted("web", "db-a", "db-1", "db"));
    }

    [Fact]
    public void Compare_LeadingZerosAndCase_OrderIsTotalAndDeterministic()
    {
        // Equal by value: the shorter spelling first, then ordinal, so no two distinct names compare equal.
        Assert.Equal(["web-1", "web-01", "web-2"], Sorted("web-2", "web-01", "web-1"));
        Assert.NotEqual(0, HostNameOrder.Instance.Compare("Web-1", "web-1"));
        Assert.Equal(0, HostNameOrder.Instance.Compare("web-1", "web-1"));
    }

    [Fact]
    public void Compare_NumbersLongerThanALong_DoNotOverflow()
    {
        Assert.Equal(["h99999999999999999999", "h100000000000000000000"], Sorted("h100000000000000000000", "h99999999999999999999"));
    }

    [Fact]
    public void Merge_ShardsInterleaved_ReportHostsInNaturalOrder()
    {
        static RunReport Shard(int index, params string[] hosts) =>
            new("apply", DateTimeOffset.UnixEpoch, 1, hosts.Select(h => new HostResult(h, "10.0.0.1") { Status = HostStatus.Ok }).ToList()) { Shard = new Shard(index, 2) };

        var merged = ReportMerge.Merge([("a.json", Shard(1, "ceo10", "ceo2")), ("b.json", Shard(2, "ceo1", "ceo3"))]);

        Assert.Equal(["ceo1", "ceo2", "ceo3", "ceo10"], merged.Hosts.Select(h => h.Name));
    }
}
