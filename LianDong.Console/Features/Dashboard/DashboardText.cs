namespace LianDong.Console.Features.Dashboard;

/// <summary>The dashboard's words: DashboardText.resx (Chinese, the default) and DashboardText.en.resx (English).</summary>
public sealed class DashboardText;
