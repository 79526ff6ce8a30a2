using MudBlazor;

namespace LianDong.Console.Components.Layout;

/// <summary>The console's colours (brand red, calm greys) and fonts: system fonts with the CJK faces Chinese text needs, nothing fetched from the web.</summary>
public static class ConsoleTheme
{
    private static readonly string[] Fonts =
        ["system-ui", "-apple-system", "Segoe UI", "Roboto", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        // Colours chosen for contrast (WCAG AA, checked by axe in EveryPageTests): white text on every filled chip and
        // button, secondary text dark (light) or bright (dark) enough on the page background.
        PaletteLight = new PaletteLight
        {
            Primary = "#b71c1c",
            Secondary = "#37474f",
            Info = "#0369a1",
            Success = "#15803d",
            Warning = "#a16207",
            Error = "#b91c1c",
            AppbarBackground = "#b71c1c",
            AppbarText = "#ffffff",
            Background = "#f6f7f9",
            DrawerBackground = "#ffffff",
            TextSecondary = "rgba(0,0,0,0.68)",
            ActionDefault = "rgba(0,0,0,0.62)",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#f19999",
            Secondary = "#b0bec5",
            Info = "#7cc4fa",
            Success = "#6ee7a0",
            Warning = "#fcd34d",
            Error = "#fca5a5",
            PrimaryContrastText = "#1f1f1f",
            InfoContrastText = "#1f1f1f",
            SuccessContrastText = "#1f1f1f",
            WarningContrastText = "#1f1f1f",
            ErrorContrastText = "#1f1f1f",
            AppbarBackground = "#5c1a1d",
            AppbarText = "#ffffff",
            TextSecondary = "rgba(255,255,255,0.75)",
            ActionDefault = "rgba(255,255,255,0.75)",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = Fonts },
            H1 = new H1Typography { FontFamily = Fonts, FontSize = "1.6rem", FontWeight = "600", LineHeight = "1.3" },
        },
    };
}
