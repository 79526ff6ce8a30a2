namespace LianDong.Console.Features.Settlements;

/// <summary>The settlements pages' words: SettlementsText.resx (Chinese, the default) and SettlementsText.en.resx, read through <c>IStringLocalizer&lt;SettlementsText&gt;</c>.</summary>
public sealed class SettlementsText;
