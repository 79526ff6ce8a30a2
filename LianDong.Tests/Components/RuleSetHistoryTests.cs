using Bunit;
using LianDong.Console.Features.Rules;
using LianDong.Domain.Rules;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Radzen;
using Radzen.Blazor;
using Bunit.Rendering;

namespace LianDong.Tests.Components;

/// <summary>The rules history: only a version not yet in effect offers 撤回 Withdraw, and only after a confirmation naming it.</summary>
public class RuleSetHistoryTests : BunitContext
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 4, 0, 0, TimeSpan.Zero); // 12:00 in Shanghai
    private readonly List<int> withdrawn = [];

    public RuleSetHistoryTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
    }

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

    private IRenderedComponent<ContainerFragment> Page(params RuleSet[] versions) => Render(b =>
    {
        b.OpenComponent<RadzenDialog>(0);
        b.CloseComponent();
        b.OpenComponent<RuleSetHistory>(1);
        b.AddAttribute(2, nameof(RuleSetHistory.Versions), (IReadOnlyList<RuleSet>)versions.OrderByDescending(v => v.Version).ToList());
        b.AddAttribute(3, nameof(RuleSetHistory.InEffect), versions.Where(v => !v.IsWithdrawn && v.EffectiveFrom <= Now).MaxBy(v => v.EffectiveFrom));
        b.AddAttribute(4, nameof(RuleSetHistory.Now), Now);
        b.AddAttribute(5, nameof(RuleSetHistory.Withdraw), EventCallback.Factory.Create<RuleSet>(this, v => withdrawn.Add(v.Version)));
        b.CloseComponent();
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
        Assert.Equal(["已撤回 withdrawn 2026-03-01 11:00 · finance-lead@liandong.local", "待生效 scheduled", "现行 in effect", ""], states);
        Assert.Contains("现行版本 In effect: v2", cut.Markup);
    }

    [Fact]
    public void Withdrawing_asks_for_confirmation_naming_the_version_and_its_effective_time_in_Shanghai()
    {
        var cut = Page(V1, V2, V3());
        cut.Find("button.ld-withdraw").Click();

        var dialog = cut.WaitForElement(".rz-dialog");
        Assert.Contains("撤回规则版本 Withdraw rule-set version", dialog.TextContent);
        Assert.Contains("Withdraw v3, due to take effect on 2026-03-10 08:00 (Asia/Shanghai)? It will never take effect.", dialog.TextContent);
        Assert.Contains("v2 stays in force instead.", dialog.TextContent);
        Assert.Empty(withdrawn);

        cut.FindAll(".rz-dialog button").Single(b => b.TextContent.Contains("取消 Cancel")).Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".rz-dialog")));
        Assert.Empty(withdrawn);

        cut.Find("button.ld-withdraw").Click();
        cut.WaitForElement(".rz-dialog");
        cut.FindAll(".rz-dialog button").Single(b => b.TextContent.Contains("确认撤回 Withdraw")).Click();
        cut.WaitForAssertion(() => Assert.Equal([3], withdrawn));
    }
}
