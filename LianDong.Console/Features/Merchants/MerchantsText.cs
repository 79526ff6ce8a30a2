using LianDong.Console.Localization;

namespace LianDong.Console.Features.Merchants;

/// <summary>The merchant pages' words (MerchantsText.resx Chinese, MerchantsText.en.resx English).</summary>
public sealed class MerchantsText : FeatureText<MerchantsText>;
