using Bunit;
using LianDong.Console.Components.Layout;
using LianDong.Console.Features.Account;
using LianDong.Console.Localization;
using LianDong.Console.Navigation;
using LianDong.Domain.Identity;
using LianDong.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Components;

public class NavMenuTests : MudTestContext
{
    private IReadOnlyList<string> MenuFor(params string[] roles)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@test.liandong.local");
        auth.SetRoles(roles);
        var menu = Render<NavMenu>();
        return menu.FindAll(".mud-nav-link-text").Select(e => e.TextContent.Trim()).ToList();
    }

    [Fact]
    public void Admin_sees_every_entry_in_order()
    {
        Assert.Equal(NavCatalog.Entries.Select(e => e.TitleIn(UiCulture.Chinese)), MenuFor(AppRoles.PlatformAdmin));
    }

    [Fact]
    public void Merchant_sees_dashboard_gift_packs_and_orders()
    {
        Assert.Equal(["概览", "礼包", "订单"], MenuFor(AppRoles.Merchant));
    }

    [Fact]
    public void Finance_sees_dashboard_members_settlements_payouts_support_fund_and_audit_log()
    {
        Assert.Equal(["概览", "会员", "结算", "提现", "帮扶基金", "审计日志"], MenuFor(AppRoles.Finance));
    }

    [Fact]
    public void A_user_with_two_roles_sees_both_sets_once()
    {
        Assert.Equal(["概览", "会员", "礼包", "订单", "结算", "提现", "帮扶基金", "审计日志"], MenuFor(AppRoles.Merchant, AppRoles.Finance));
    }

    [Fact]
    public void In_English_the_menu_is_English_only()
    {
        UseCulture(UiCulture.English);
        Assert.Equal(["Dashboard", "Gift packs", "Orders"], MenuFor(AppRoles.Merchant));
    }

    [Fact]
    public void A_signed_in_user_without_a_role_sees_nothing()
    {
        Assert.Empty(MenuFor());
    }

    [Fact]
    public void Entries_link_to_their_pages_with_icons()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("admin@test.liandong.local");
        auth.SetRoles(AppRoles.PlatformAdmin);
        var menu = Render<NavMenu>();
        var links = menu.FindAll("a.mud-nav-link").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(NavCatalog.Entries.Select(e => e.Path.TrimStart('/')), links);
        Assert.Equal(NavCatalog.Entries.Count, menu.FindAll("a.mud-nav-link svg.mud-nav-link-icon").Count);
    }
}

public class MainLayoutTests : MudTestContext
{
    public MainLayoutTests() => Services.AddScoped<UserPreferences>();

    [Fact]
    public void Header_shows_the_user_roles_the_menu_forms_and_the_body()
    {
        _ = Database;
        var auth = AddAuthorization();
        auth.SetAuthorized("fin@test.liandong.local");
        auth.SetRoles(AppRoles.Finance);
        var layout = RenderLayout(b => b.AddMarkupContent(0, "<p id=\"body\">page body</p>"));

        Assert.Equal("fin@test.liandong.local", layout.Find(".ld-user-name").TextContent);
        Assert.Equal("财务", layout.Find(".ld-user-roles").TextContent);
        var signOut = layout.Find("form.ld-signout");
        Assert.Equal("account/logout", signOut.GetAttribute("action"));
        Assert.Equal("post", signOut.GetAttribute("method"));
        Assert.Contains("退出登录", signOut.TextContent);
        var language = layout.Find($"form[action='{AccountEndpoints.LanguagePath.TrimStart('/')}']");
        Assert.Equal(["zh-CN", "en-US"], language.QuerySelectorAll("button[name=culture]").Select(b => b.GetAttribute("value")));
        Assert.Equal(["system", "light", "dark"],
            layout.Find($"form[action='{AccountEndpoints.ThemePath.TrimStart('/')}']").QuerySelectorAll("button[name=theme]").Select(b => b.GetAttribute("value")));
        Assert.Equal("page body", layout.Find("#body").TextContent);
        Assert.Equal("链动", layout.Find(".ld-brand").TextContent);
        Assert.Equal(6, layout.FindAll(".ld-nav .mud-nav-link-text").Count); // finance: dashboard, members, settlements, payouts, support fund, audit
        Assert.Equal("true", layout.Find(".ld-main").GetAttribute("data-interactive"));
    }

    [Fact]
    public void In_English_the_shell_has_no_Chinese_but_the_language_name()
    {
        _ = Database;
        UseCulture(UiCulture.English);
        var auth = AddAuthorization();
        auth.SetAuthorized("fin@test.liandong.local");
        auth.SetRoles(AppRoles.Finance);
        var layout = RenderLayout(b => b.AddMarkupContent(0, "<p>body</p>"));

        Assert.Equal("Finance", layout.Find(".ld-user-roles").TextContent);
        Assert.Contains("Sign out", layout.Find("form.ld-signout").TextContent);
        Assert.Equal("LianDong", layout.Find(".ld-brand").TextContent);
        // The one Chinese word is the language switch's own name for Chinese, marked lang="zh-CN"; 帮扶基金 is a kept term.
        var chinese = layout.FindAll("*").Where(e => e.ChildNodes.Any(n => n.NodeType == AngleSharp.Dom.NodeType.Text && n.TextContent.Any(c => c >= '\u4e00' && c <= '\u9fff')))
            .Where(e => e.GetAttribute("lang") != "zh-CN" && !e.TextContent.Contains("帮扶基金")).Select(e => e.OuterHtml).ToList();
        Assert.Empty(chinese);
    }

    [Fact]
    public void A_failing_page_is_caught_by_the_error_boundary_and_the_shell_stays()
    {
        _ = Database;
        var auth = AddAuthorization();
        auth.SetAuthorized("admin@test.liandong.local");
        auth.SetRoles(AppRoles.PlatformAdmin);
        var layout = RenderLayout(b =>
        {
            b.OpenComponent<Throwing>(0);
            b.CloseComponent();
        });

        var error = layout.Find(".ld-error");
        Assert.Contains("出错了", error.TextContent);
        Assert.DoesNotContain("page exploded", error.TextContent);
        Assert.NotEmpty(layout.FindAll(".ld-nav .mud-nav-link-text"));
    }

    private IRenderedComponent<MainLayout> RenderLayout(Microsoft.AspNetCore.Components.RenderFragment body)
    {
        // As in a live circuit (set after the services, which the renderer freezes).
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return Render<MainLayout>(p => p.Add(l => l.Body, body));
    }

    private sealed class Throwing : Microsoft.AspNetCore.Components.ComponentBase
    {
        protected override void OnInitialized() => throw new InvalidOperationException("page exploded");
    }
}
