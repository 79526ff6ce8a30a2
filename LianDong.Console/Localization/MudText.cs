using Microsoft.Extensions.Localization;
using MudBlazor;

namespace LianDong.Console.Localization;

/// <summary>
/// MudBlazor's own words (pager, dialogs' close button, tree items) in Chinese, from MudText.resx. In English the
/// library's built-in texts are kept: a key reported as not found falls back to them.
/// </summary>
public sealed class MudText : MudLocalizer
{
    private static readonly System.Resources.ResourceManager Strings = new(typeof(MudText).FullName!, typeof(MudText).Assembly);

    public override LocalizedString this[string key]
    {
        get
        {
            var text = UiCulture.IsEnglish ? null : Strings.GetString(key, System.Globalization.CultureInfo.InvariantCulture);
            return new LocalizedString(key, text ?? key, resourceNotFound: text is null);
        }
    }
}
