using LianDong.Domain;

namespace LianDong.Tests.Domain;

/// <summary>The one yuan text: "¥1,234.56" on screens and in messages, "1234.56" in files; exact, culture-free.</summary>
public class MoneyTests
{
    [Theory]
    [InlineData(0L, "¥0.00")]
    [InlineData(5L, "¥0.05")]
    [InlineData(44001L, "¥440.01")]
    [InlineData(99999L, "¥999.99")]
    [InlineData(100000L, "¥1,000.00")]
    [InlineData(123456L, "¥1,234.56")]
    [InlineData(100000000L, "¥1,000,000.00")]
    [InlineData(-1205L, "-¥12.05")]
    [InlineData(-5L, "-¥0.05")]
    [InlineData(-123456789L, "-¥1,234,567.89")]
    [InlineData(long.MaxValue, "¥92,233,720,368,547,758.07")]
    [InlineData(long.MinValue, "-¥92,233,720,368,547,758.08")]
    public void Shows_yuan_with_separators_and_two_decimals(long fen, string text)
    {
        Assert.Equal(text, Money.FromFen(fen).ToString());
        Assert.Equal(text, Money.FromFen(fen).ToString("G", null));
        Assert.Equal(text, $"{Money.FromFen(fen)}");
    }

    [Theory]
    [InlineData(0L, "0.00")]
    [InlineData(5L, "0.05")]
    [InlineData(123456L, "1234.56")]
    [InlineData(100000000L, "1000000.00")]
    [InlineData(-1205L, "-12.05")]
    [InlineData(long.MinValue, "-92233720368547758.08")]
    public void Plain_format_for_files_has_no_symbol_and_no_separators(long fen, string text) =>
        Assert.Equal(text, Money.FromFen(fen).ToString("F", null));

    [Fact]
    public void The_text_is_the_same_in_every_culture()
    {
        var before = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            // de-DE writes 1.234,56 for numbers; money text must not follow it.
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal("¥1,234.56", $"{Money.FromFen(123456)}");
            Assert.Equal("1234.56", string.Format("{0:F}", Money.FromFen(123456)));
        }
        finally { System.Globalization.CultureInfo.CurrentCulture = before; }
    }

    [Fact]
    public void An_unknown_format_is_refused() => Assert.Throws<FormatException>(() => Money.FromFen(1).ToString("N2", null));

    [Fact]
    public void Arithmetic_is_exact_and_checked()
    {
        Assert.Equal(Money.FromFen(30), Money.FromFen(10) + Money.FromFen(20));
        Assert.Equal(Money.FromFen(-10), Money.FromFen(10) - Money.FromFen(20));
        Assert.True(Money.FromFen(1) > Money.Zero);
        Assert.Throws<OverflowException>(() => Money.FromFen(long.MaxValue) + Money.FromFen(1));
        Assert.Throws<OverflowException>(() => -Money.FromFen(long.MinValue));
    }

    [Theory]
    [InlineData("1,000.00", 100000L)]
    [InlineData("¥1,234.56", 123456L)]
    [InlineData("1234.5", 123450L)]
    [InlineData("12", 1200L)]
    [InlineData("-¥12.05", -1205L)]
    [InlineData(" ¥0.01 ", 1L)]
    [InlineData("92,233,720,368,547,758.07", long.MaxValue)]
    public void Parses_what_it_writes(string text, long fen)
    {
        Assert.True(Money.TryParse(text, out var m));
        Assert.Equal(fen, m.Fen);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1.234")]
    [InlineData("1,00.00")]
    [InlineData("1000,000")]
    [InlineData(",100")]
    [InlineData(".5")]
    [InlineData("1.")]
    [InlineData("1.2.3")]
    [InlineData("¥-5")]
    [InlineData("92,233,720,368,547,758.08")]
    public void Refuses_anything_else(string text) => Assert.False(Money.TryParse(text, out _));

    [Theory]
    [InlineData(0L)]
    [InlineData(123456789L)]
    [InlineData(-5L)]
    [InlineData(long.MinValue)]
    public void Round_trips(long fen)
    {
        Assert.True(Money.TryParse(Money.FromFen(fen).ToString(), out var a));
        Assert.True(Money.TryParse(Money.FromFen(fen).ToString("F", null), out var b));
        Assert.Equal(fen, a.Fen);
        Assert.Equal(fen, b.Fen);
    }
}
