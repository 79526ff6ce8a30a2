using Bunit;
using LianDong.Console.Components.Layout;
using LianDong.Console.Navigation;
using LianDong.Domain.Identity;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace LianDong.Tests.Components;

public class NavMenuTests : BunitContext
{
    public NavMenuTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
    }

    private IReadOnlyList<string> MenuFor(params string[] roles)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@test.liandong.local");
        auth.SetRoles(roles);
        var menu = Render<NavMenu>();
        return menu.FindAll(".rz-navigation-item-text").Select(e => e.TextContent.Trim()).ToList();
    }

    [Fact]
    public void Admin_sees_every_entry_in_order()
    {
        Assert.Equal(NavCatalog.Entries.Select(e => e.Title), MenuFor(AppRoles.PlatformAdmin));
    }

    [Fact]
    public void Merchant_sees_dashboard_gift_packs_and_orders()
    {
        Assert.Equal(["概览 Dashboard", "礼包 Gift packs", "订单 Orders"], MenuFor(AppRoles.Merchant));
    }

    [Fact]
    public void Finance_sees_dashboard_settlements_payouts_support_fund_and_audit_log()
    {
        Assert.Equal(["概览 Dashboard", "结算 Settlements", "提现 Payouts", "帮扶基金 Support fund", "审计日志 Audit log"], MenuFor(AppRoles.Finance));
    }

    [Fact]
    public void A_user_with_two_roles_sees_both_sets_once()
    {
        Assert.Equal(["概览 Dashboard", "礼包 Gift packs", "订单 Orders", "结算 Settlements", "提现 Payouts", "帮扶基金 Support fund", "审计日志 Audit log"],
            MenuFor(AppRoles.Merchant, AppRoles.Finance));
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
        var links = menu.FindAll("a.rz-navigation-item-link").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(NavCatalog.Entries.Select(e => e.Path.TrimStart('/')), links);
        Assert.Equal(NavCatalog.Entries.Count, menu.FindAll(".rz-navigation-item-icon").Count);
    }
}

public class MainLayoutTests : BunitContext
{
    public MainLayoutTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
    }

    [Fact]
    public void Header_shows_the_user_roles_and_a_sign_out_form_and_the_body()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("fin@test.liandong.local");
        auth.SetRoles(AppRoles.Finance);
        var layout = RenderLayout(b => b.AddMarkupContent(0, "<p id=\"body\">page body</p>"));

        Assert.Equal("fin@test.liandong.local", layout.Find(".ld-user-name").TextContent);
        Assert.Equal("Finance", layout.Find(".ld-user-roles").TextContent);
        var form = layout.Find("form.ld-signout");
        Assert.Equal("account/logout", form.GetAttribute("action"));
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Contains("Sign out", form.TextContent);
        Assert.Equal("page body", layout.Find("#body").TextContent);
        Assert.Contains("链动 LianDong", layout.Find(".ld-brand").TextContent);
        Assert.Equal(5, layout.FindAll(".ld-nav .rz-navigation-item-text").Count);
        Assert.Equal("true", layout.Find(".rz-body").GetAttribute("data-interactive"));
    }

    [Fact]
    public void A_failing_page_is_caught_by_the_error_boundary()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("admin@test.liandong.local");
        auth.SetRoles(AppRoles.PlatformAdmin);
        var layout = RenderLayout(b =>
        {
            b.OpenComponent<Throwing>(0);
            b.CloseComponent();
        });

        Assert.Contains("Something went wrong: page exploded", layout.Find(".ld-error").TextContent);
        Assert.NotEmpty(layout.FindAll(".ld-nav .rz-navigation-item-text"));
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
