using Cutover.Web.Cli.Output;

namespace Cutover.Tests.Unit.Cli;

/// <summary>Plain-text tables for people.</summary>
public sealed class TableTests
{
    [Fact]
    public void Table_AlignsEachColumnToItsWidestCell()
    {
        var text = new Table("APP", "STATUS", "IMAGE").Add("shop", "completed", "shop:2").Add("blog-api", "rolled_back", "b:1").ToString();

        Assert.Equal(
            """
            APP       STATUS       IMAGE
            shop      completed    shop:2
            blog-api  rolled_back  b:1

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Table_ShowsNullAsADash_AndKeepsEachRowOnOneLine()
    {
        var text = new Table("A", "B", "C").Add(null, "two\nlines", "tab\there").ToString();

        Assert.Equal("A  B          C\n-  two lines  tab here\n", text);
    }

    [Fact]
    public void Table_NeverEndsALineInBlanks()
    {
        var text = new Table("NAME", "NOTE").Add("a-long-name", "").Add("b", "x").ToString();

        Assert.DoesNotContain(" \n", text);
    }

    [Fact]
    public void Table_RefusesMoreCellsThanColumns() =>
        Assert.Throws<ArgumentException>(() => new Table("A").Add("1", "2"));

    [Theory]
    [InlineData(512, "512 B")]
    [InlineData(1536, "1.5 KB")]
    [InlineData(4194304, "4.0 MB")]
    public void Bytes_ArePowersOf1024(long bytes, string expected) => Assert.Equal(expected, Units.Bytes(bytes));

    [Theory]
    [InlineData(0.25, "250 ms")]
    [InlineData(8.21, "8.2 s")]
    [InlineData(245, "4m05s")]
    [InlineData(7380, "2h03m")]
    public void Durations_ReadAsPeopleSayThem(double seconds, string expected) => Assert.Equal(expected, Units.Duration(TimeSpan.FromSeconds(seconds)));
}
