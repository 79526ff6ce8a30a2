using MudBlazor;

namespace LianDong.Console.Components.Layout;

/// <summary>The console's colours (brand red, calm greys) and fonts: system fonts with the CJK faces Chinese text needs, nothing fetched from the web.</summary>
public static class ConsoleTheme
{
    private static readonly string[] Fonts =
        ["system-ui", "-apple-system", "Segoe UI", "Roboto", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#b71c1c",
            Secondary = "#37474f",
            AppbarBackground = "#b71c1c",
            Background = "#f6f7f9",
            DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#ef9a9a",
            Secondary = "#b0bec5",
            AppbarBackground = "#3b1416",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = Fonts },
            H1 = new H1Typography { FontFamily = Fonts, FontSize = "1.6rem", FontWeight = "600", LineHeight = "1.3" },
        },
    };
}
