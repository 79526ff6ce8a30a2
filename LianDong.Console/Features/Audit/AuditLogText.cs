using System.Globalization;
using LianDong.Console.Localization;

namespace LianDong.Console.Features.Audit;

/// <summary>
/// The audit page's words and the audit actions' names ("Action." + the action, e.g. Action.user.lock → 锁定用户 / User
/// locked): AuditLogText.resx (Chinese, the default) and AuditLogText.en.resx.
/// </summary>
public sealed class AuditLogText : FeatureText<AuditLogText>
{
    /// <summary>An audit action as words in the user's language; an action without a name yet shows as written.</summary>
    public static string ActionName(string action) => Find("Action." + action) ?? action;

    /// <summary>Whether <paramref name="action"/> has a name in <paramref name="culture"/>'s own file.</summary>
    public static bool HasName(string action, CultureInfo culture) => Has("Action." + action, culture);
}
