using LianDong.Console.Localization;

namespace LianDong.Console.Features.Rules;

/// <summary>
/// The rules page's words (RulesText.resx Chinese, RulesText.en.resx English); also the words of compliance messages
/// wherever the console shows them (the pack form too), through <see cref="RuleWords"/>.
/// </summary>
public sealed class RulesText : FeatureText<RulesText>;
