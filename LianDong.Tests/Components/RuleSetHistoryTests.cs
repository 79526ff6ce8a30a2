using Bunit;
using Bunit.Rendering;
using LianDong.Console.Features.Rules;
using LianDong.Console.Localization;
using LianDong.Domain.Rules;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace LianDong.Tests.Components;

/// <summary>The rules history: only a version not yet in effect offers 撤回 Withdraw, and only after a confirmation naming it.</summary>
public class RuleSetHistoryTests : MudTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 4, 0, 0, TimeSpan.Zero); // 12:00 in Shanghai
    private readonly List<int> withdrawn = [];

    private static RuleSet Version(int n, DateTimeOffset from, DateTimeOffset? withdrawnAt = null)
    {
        var v = new RuleSet(n, from, from.AddDays(-3), "admin@liandong.local", RuleParameters.Defaults);
        typeof(RuleSet).GetProperty(nameof(RuleSet.Id))!.SetValue(v, (long)n);
        if (withdrawnAt is { } at)
        {
            typeof(RuleSet).GetProperty(nameof(RuleSet.WithdrawnAt))!.SetValue(v, at);
            typeof(RuleSet).GetProperty(nameof(RuleSet.WithdrawnBy))!.SetValue(v, "finance-lead@liandong.local");
        }
        return v;
    }

    private IRenderedComponent<ContainerFragment> Page(params RuleSet[] versions) => this.RenderWithProviders<RuleSetHistory>(new Dictionary<string, object?>
    {
        [nameof(RuleSetHistory.Versions)] = (IReadOnlyList<RuleSet>)versions.OrderByDescending(v => v.Version).ToList(),
        [nameof(RuleSetHistory.InEffect)] = versions.Where(v => !v.IsWithdrawn && v.EffectiveFrom <= Now).MaxBy(v => v.EffectiveFrom),
        [nameof(RuleSetHistory.Now)] = Now,
        [nameof(RuleSetHistory.Withdraw)] = EventCallback.Factory.Create<RuleSet>(this, v => withdrawn.Add(v.Version)),
    });

    private static readonly RuleSet V1 = Version(1, Now.AddDays(-30));
    private static readonly RuleSet V2 = Version(2, Now.AddDays(-1));
    private static RuleSet V3() => Version(3, new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero)); // 08:00 in Shanghai

    [Fact]
    public void Only_the_version_not_yet_in_effect_has_a_withdraw_button()
    {
        var cut = Page(V1, V2, V3(), Version(4, Now.AddDays(20), withdrawnAt: Now.AddHours(-1)));
        var buttons = cut.FindAll("button.ld-withdraw");
        Assert.Equal(["3"], buttons.Select(b => b.GetAttribute("data-version")));
        var states = cut.FindAll(".ld-version-state").Select(s => s.TextContent.Trim()).ToList();
        Assert.Equal(["已撤回 2026-03-01 11:00 · finance-lead@liandong.local", "待生效", "现行", ""], states);
        Assert.Contains("现行版本：v2（自 2026-02-28 12:00 起）", cut.Find(".ld-in-effect").TextContent);
    }

    [Fact]
    public void Withdrawing_asks_for_confirmation_naming_the_version_its_time_in_Shanghai_and_what_stays_in_force()
    {
        var cut = Page(V1, V2, V3());
        cut.Find("button.ld-withdraw").Click();

        var dialog = cut.WaitForElement("[data-testid=confirm-dialog]");
        Assert.Contains("撤回规则版本 v3？", cut.Markup);
        Assert.Contains("v3 原定于 2026-03-10 08:00（北京时间）生效，撤回后永不生效。", dialog.TextContent);
        Assert.Contains("v2（继续执行）", dialog.TextContent);
        Assert.Empty(withdrawn);

        cut.Find("[data-testid=confirm-cancel]").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=confirm-dialog]")));
        Assert.Empty(withdrawn);

        cut.Find("button.ld-withdraw").Click();
        cut.WaitForElement("[data-testid=confirm-ok]").Click();
        cut.WaitForAssertion(() => Assert.Equal([3], withdrawn));
    }

    [Fact]
    public void The_confirmation_is_in_English_when_the_user_chose_English()
    {
        UseCulture(UiCulture.English);
        var cut = Page(V1, V2, V3());
        Assert.Equal(["Scheduled", "In effect", ""], cut.FindAll(".ld-version-state").Select(s => s.TextContent.Trim()).ToList());
        cut.Find("button.ld-withdraw").Click();
        var dialog = cut.WaitForElement("[data-testid=confirm-dialog]");
        Assert.Contains("v3 is due to take effect on 2026-03-10 08:00 (Asia/Shanghai); once withdrawn it never takes effect.", dialog.TextContent);
        Assert.Contains("v2 (stays in force)", dialog.TextContent);
        Assert.DoesNotContain("撤回", dialog.TextContent);
    }
}
