using LianDong.Console.Localization;

namespace LianDong.Console.Features.ApiKeys;

/// <summary>The API keys page's words: ApiKeysText.resx (Chinese, the default) and ApiKeysText.en.resx.</summary>
public sealed class ApiKeysText : FeatureText<ApiKeysText>;
