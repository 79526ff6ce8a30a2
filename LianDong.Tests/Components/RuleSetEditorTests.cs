using Bunit;
using Bunit.Rendering;
using LianDong.Console.Features.Rules;
using LianDong.Console.Localization;
using LianDong.Domain.Rules;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace LianDong.Tests.Components;

/// <summary>
/// The rule-set editor: live compliance messages in the user's language and in yuan block publishing; the summary
/// follows the fields; publishing asks first, stating from when and what changes.
/// </summary>
public class RuleSetEditorTests : MudTestContext
{
    private readonly List<(RuleParameters Draft, DateTimeOffset From)> published = [];
    private IReadOnlyList<RuleViolation> refusal = [];
    private static readonly PackFigures GP499 = new("GP499", "礼包 499", 49900, 17900);

    private IRenderedComponent<ContainerFragment> Editor() => this.RenderWithProviders<RuleSetEditor>(new Dictionary<string, object?>
    {
        [nameof(RuleSetEditor.Initial)] = RuleParameters.Defaults,
        [nameof(RuleSetEditor.Packs)] = (IReadOnlyList<PackFigures>)[GP499],
        [nameof(RuleSetEditor.Publish)] = (Func<RuleParameters, DateTimeOffset, Task<IReadOnlyList<RuleViolation>>>)((d, f) =>
        {
            published.Add((d, f));
            return Task.FromResult(refusal);
        }),
    });

    private static List<string> Messages(IRenderedComponent<ContainerFragment> cut) =>
        cut.FindAll(".ld-compliance li").Select(li => li.TextContent.Trim()).ToList();

    [Fact]
    public void The_defaults_pass_and_publishing_asks_first_stating_when_and_what_changes()
    {
        var cut = Editor();
        Assert.Contains("通过全部限制", cut.Find(".ld-compliance-ok").TextContent);
        cut.Find("input[name=seePointReward]").Change("180.00");
        var publish = cut.Find("button.ld-publish");
        Assert.False(publish.HasAttribute("disabled"));
        publish.Click();

        var dialog = cut.WaitForElement("[data-testid=confirm-dialog]");
        Assert.Contains("发布新的规则版本？", cut.Markup);
        Assert.Contains("见点奖", dialog.TextContent);
        Assert.Contains("¥200.00 → ¥180.00", dialog.TextContent);
        Assert.Empty(published);

        cut.Find("[data-testid=confirm-ok]").Click();
        cut.WaitForAssertion(() => Assert.Single(published));
        var (draft, from) = published[0];
        Assert.Equal(RuleParameters.Defaults with { SeePointRewardFen = 18000 }, draft);
        Assert.True(from > DateTimeOffset.UtcNow);
    }

    [Fact]
    public void Cancelling_the_confirmation_publishes_nothing()
    {
        var cut = Editor();
        cut.Find("button.ld-publish").Click();
        cut.WaitForElement("[data-testid=confirm-dialog]");
        cut.Find("[data-testid=confirm-cancel]").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=confirm-dialog]")));
        Assert.Empty(published);
    }

    [Fact]
    public void A_see_point_above_the_margin_is_refused_in_Chinese_in_yuan_and_blocks_publishing()
    {
        var cut = Editor();
        cut.Find("input[name=seePointReward]").Change("250");
        // 100 + 250 + 25 = ¥375.00 > 499 − 179 = ¥320.00
        Assert.Equal(["礼包 GP499：单笔最高奖励 ¥375.00 超过礼包毛利 ¥320.00"], Messages(cut));
        Assert.True(cut.Find("button.ld-publish").HasAttribute("disabled"));
        Assert.Contains("不能发布", cut.Find(".ld-blocked").TextContent);

        cut.Find("input[name=seePointReward]").Change("200.00");
        Assert.Empty(Messages(cut));
        Assert.False(cut.Find("button.ld-publish").HasAttribute("disabled"));
    }

    [Fact]
    public void A_see_point_above_the_margin_is_refused_in_English_in_yuan()
    {
        UseCulture(UiCulture.English);
        var cut = Editor();
        cut.Find("input[name=seePointReward]").Change("250");
        Assert.Equal(["Pack GP499: Largest reward per order ¥375.00, above the pack's margin of ¥320.00"], Messages(cut));
        Assert.Contains("Publishing is blocked", cut.Find(".ld-blocked").TextContent);
        Assert.DoesNotContain("fen", cut.Markup);
    }

    [Theory]
    [InlineData(UiCulture.Chinese, "零售佣金合计 43%，超过上限 40%", "最大层级为 4，超过上限 3")]
    [InlineData(UiCulture.English, "Retail commissions total 43%, above the limit of 40%", "Maximum referral distance is 4, above the maximum of 3")]
    public void Distance_and_retail_limits_are_checked_live_in_the_users_language(string culture, string retail, string distance)
    {
        UseCulture(culture);
        var cut = Editor();
        cut.Find("input[name=maxReferralDistance]").Change("4");
        cut.Find("input[name=level1Percent]").Change("38");
        Assert.Equal([distance, retail], Messages(cut));
        Assert.True(cut.Find("button.ld-publish").HasAttribute("disabled"));
    }

    [Theory]
    [InlineData(UiCulture.Chinese, "请输入以元为单位的金额")]
    [InlineData(UiCulture.English, "Enter an amount in yuan")]
    public void An_amount_that_is_not_yuan_is_marked_at_its_field_and_blocks_publishing(string culture, string message)
    {
        UseCulture(culture);
        var cut = Editor();
        cut.Find("input[name=agent]").Change("abc");
        Assert.Contains(message, cut.Markup);
        Assert.True(cut.Find("button.ld-publish").HasAttribute("disabled"));
        cut.Find("input[name=agent]").Change("８０.５０"); // full-width digits are yuan too
        Assert.False(cut.Find("button.ld-publish").HasAttribute("disabled"));
    }

    [Fact]
    public void A_refusal_from_publishing_is_shown_in_the_users_language_with_yuan()
    {
        UseCulture(UiCulture.English);
        refusal = [new PayoutAboveMargin("GP149", 32000, 14900, 3)];
        var cut = Editor();
        cut.Find("button.ld-publish").Click();
        cut.WaitForElement("[data-testid=confirm-ok]").Click();
        cut.WaitForAssertion(() => Assert.Equal("Pack GP149: Largest reward per order ¥320.00, above the pack's margin of ¥149.00 (rule set v3)",
            cut.Find(".ld-refusal").TextContent.Trim()));
    }

    [Fact]
    public void The_summary_matches_the_fields()
    {
        var cut = Editor();
        string Summary() => string.Join("\n", cut.FindAll(".ld-summary li").Select(li => li.TextContent));
        Assert.Contains("代理每直推一名购买礼包的会员，得直推奖 ¥100.00；合伙人得 ¥100.00。", Summary());
        Assert.Contains("代理直推 2 名合格会员后升为合伙人。", Summary());

        cut.Find("input[name=agent]").Change("80.50");
        cut.Find("input[name=upgradeThreshold]").Change("1");
        cut.Find("input[name=peerPercent]").Change("5");
        var draft = RuleParameters.Defaults with { DirectAgentFen = 8050, UpgradeThreshold = 1, PeerPercent = 5 };
        Assert.Equal(RuleWords.Summary(draft), cut.FindAll(".ld-summary li").Select(li => li.TextContent).ToList());
    }

    [Fact]
    public void The_summary_is_in_English_when_the_user_chose_English()
    {
        UseCulture(UiCulture.English);
        var english = Editor();
        english.Find("input[name=agent]").Change("80.50");
        english.Find("input[name=upgradeThreshold]").Change("1");
        var lines = string.Join("\n", english.FindAll(".ld-summary li").Select(li => li.TextContent));
        Assert.Contains("An agent earns ¥80.50 and a partner ¥100.00 直推奖 (direct reward)", lines);
        Assert.Contains("after 1 qualified direct referral.", lines);
    }
}
