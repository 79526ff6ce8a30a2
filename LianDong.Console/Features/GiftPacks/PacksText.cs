using LianDong.Console.Localization;

namespace LianDong.Console.Features.GiftPacks;

/// <summary>The gift-pack pages' words (PacksText.resx Chinese, PacksText.en.resx English); compliance messages come from RulesText.</summary>
public sealed class PacksText : FeatureText<PacksText>;
