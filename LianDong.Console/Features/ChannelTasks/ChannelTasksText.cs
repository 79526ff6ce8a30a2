using LianDong.Console.Localization;

namespace LianDong.Console.Features.ChannelTasks;

/// <summary>The channel-task page's words (ChannelTasksText.resx Chinese, ChannelTasksText.en.resx English).</summary>
public sealed class ChannelTasksText : FeatureText<ChannelTasksText>;
