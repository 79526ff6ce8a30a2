using LianDong.Console.Localization;

namespace LianDong.Console.Features.Jobs;

/// <summary>The jobs page's words and the run-now messages: JobsText.resx (Chinese, the default) and JobsText.en.resx.</summary>
public sealed class JobsText : FeatureText<JobsText>;
