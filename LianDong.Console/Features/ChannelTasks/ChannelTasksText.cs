using System.Globalization;
using System.Resources;

namespace LianDong.Console.Features.ChannelTasks;

/// <summary>The channel-task page's words (ChannelTasksText.resx Chinese, ChannelTasksText.en.resx English).</summary>
public sealed class ChannelTasksText
{
    private static readonly ResourceManager Strings = new(typeof(ChannelTasksText).FullName!, typeof(ChannelTasksText).Assembly);

    public static string Get(string key) => Strings.GetString(key, CultureInfo.CurrentUICulture) ?? key;
}
