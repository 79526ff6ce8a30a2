using LianDong.Console.Features.Shared;

namespace LianDong.Tests.Domain;

/// <summary>Amounts typed in yuan become fen without floating point; anything else is refused, not guessed.</summary>
public class DisplayTests
{
    [Theory]
    [InlineData("12", 1200L)]
    [InlineData("12.5", 1250L)]
    [InlineData("12.05", 1205L)]
    [InlineData("¥0.01", 1L)]
    [InlineData(" 3000.00 ", 300000L)]
    [InlineData("1,000", 100000L)]
    [InlineData("¥13,229,489.37", 1322948937L)]
    [InlineData("１，０００．５０", 100050L)]
    [InlineData("￥１２", 1200L)]
    public void Yuan_text_parses_to_fen(string text, long fen) => Assert.Equal(fen, Display.ParseYuan(text));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1.234")]
    [InlineData("-5")]
    [InlineData("1,00")]
    [InlineData("-0")]
    [InlineData(".5")]
    [InlineData("1.2.3")]
    public void Anything_else_is_refused(string text) => Assert.Null(Display.ParseYuan(text));

}
