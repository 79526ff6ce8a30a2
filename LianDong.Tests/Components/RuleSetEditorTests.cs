using Bunit;
using LianDong.Console.Features.Rules;
using LianDong.Domain.Rules;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace LianDong.Tests.Components;

/// <summary>The rule-set editor: live compliance messages block publishing; the summary follows the fields.</summary>
public class RuleSetEditorTests : BunitContext
{
    private readonly List<(RuleParameters Draft, DateTimeOffset From)> published = [];
    private static readonly PackFigures GP499 = new("GP499", "礼包 499", 49900, 17900);

    public RuleSetEditorTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
    }

    private IRenderedComponent<RuleSetEditor> Editor() => Render<RuleSetEditor>(p => p
        .Add(x => x.Initial, RuleParameters.Defaults)
        .Add(x => x.Packs, new[] { GP499 })
        .Add(x => x.Publish, (d, f) => { published.Add((d, f)); return Task.FromResult<IReadOnlyList<string>>([]); }));

    [Fact]
    public void The_defaults_pass_exactly_and_can_be_published()
    {
        var cut = Editor();
        Assert.Contains("通过 Passes every limit", cut.Markup);
        var publish = cut.Find("button.ld-publish");
        Assert.False(publish.HasAttribute("disabled"));
        publish.Click();
        var (draft, from) = Assert.Single(published);
        Assert.Equal(RuleParameters.Defaults, draft);
        Assert.True(from > DateTimeOffset.UtcNow);
    }

    [Fact]
    public void A_see_point_above_the_margin_shows_the_reason_and_blocks_publishing()
    {
        var cut = Editor();
        cut.Find("input[name=seePointRewardFen]").Change("25000");
        var messages = cut.FindAll(".ld-compliance li").Select(li => li.TextContent).ToList();
        // 10000 + 25000 + 2500 = 37500 > 49900 − 17900 = 32000
        Assert.Equal(["largest payout per qualifying order for GP499 is 37500 fen, 5500 fen above price − cost 32000"], messages);
        Assert.True(cut.Find("button.ld-publish").HasAttribute("disabled"));
        Assert.Contains("Publishing is blocked", cut.Find(".ld-blocked").TextContent);

        cut.Find("input[name=seePointRewardFen]").Change("20000");
        Assert.Empty(cut.FindAll(".ld-compliance li"));
        Assert.False(cut.Find("button.ld-publish").HasAttribute("disabled"));
    }

    [Fact]
    public void Distance_and_retail_limits_are_checked_live()
    {
        var cut = Editor();
        cut.Find("input[name=maxReferralDistance]").Change("4");
        cut.Find("input[name=level1Percent]").Change("38");
        var messages = string.Join("\n", cut.FindAll(".ld-compliance li").Select(li => li.TextContent));
        Assert.Contains("maxReferralDistance is 4, 1 above the limit 3", messages);
        Assert.Contains("retail percents sum to 43, 3 above retail.maxTotalPercent 40", messages);
        Assert.True(cut.Find("button.ld-publish").HasAttribute("disabled"));
    }

    [Fact]
    public void The_summary_matches_the_fields()
    {
        var cut = Editor();
        string Summary() => string.Join("\n", cut.FindAll(".ld-summary li").Select(li => li.TextContent));
        Assert.Contains("An agent earns ¥100.00 and a partner ¥100.00 直推奖 (direct reward) for each direct referral", Summary());
        Assert.Contains("after 2 qualified direct referrals", Summary());

        cut.Find("input[name=agentFen]").Change("8050");
        cut.Find("input[name=upgradeThreshold]").Change("1");
        cut.Find("input[name=peerPercent]").Change("5");
        Assert.Contains("An agent earns ¥80.50 and a partner ¥100.00", Summary());
        Assert.Contains("after 1 qualified direct referral.", Summary());
        Assert.Contains("earns 5% of each see-point reward (¥10.00)", Summary());
        Assert.Equal(RuleSummary.Describe(RuleParameters.Defaults with { DirectAgentFen = 8050, UpgradeThreshold = 1, PeerPercent = 5 }),
            cut.FindAll(".ld-summary li").Select(li => li.TextContent).ToList());
    }
}
