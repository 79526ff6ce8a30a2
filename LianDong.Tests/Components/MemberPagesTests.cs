using Bunit;
using Bunit.TestDoubles;
using LianDong.Console.Features.Members;
using LianDong.Console.Localization;
using LianDong.Console.Security;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rewards;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace LianDong.Tests.Components;

/// <summary>
/// The member pages on a real database of members registered through the engine: the list pages on the server with its
/// filters in the URL and counts from the tree's counters; finance reads a member without the admin's actions; the
/// ledger export checks its date range in the user's language.
/// </summary>
public class MemberPagesTests : MudTestContext
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TestCurrentUser user = new();

    private readonly BunitAuthorizationContext auth;

    public MemberPagesTests()
    {
        Seed(Database.ConnectionString);
        Services.AddSingleton(TimeProvider.System);
        Services.AddDataProtection();
        Services.AddLianDongEngine();
        Services.AddScoped<ICurrentUser>(_ => user);
        Services.AddScoped<MembersService>();
        auth = AddAuthorization();
    }

    /// <summary>A (王芳) and D (张伟) under it, then M01..M28 alternately under D and A: 30 members, registered through the engine.</summary>
    private static void Seed(string connectionString)
    {
        using var sp = new ServiceCollection().AddLianDongPersistence(connectionString).AddSingleton(TimeProvider.System)
            .AddLianDongEngine().AddDataProtection().Services.BuildServiceProvider();
        var engine = sp.GetRequiredService<RewardEngineService>();
        engine.RegisterAsync(new RegisterMember("A", null, At, "王芳", "13800000001")).GetAwaiter().GetResult();
        engine.RegisterAsync(new RegisterMember("D", "A", At.AddMinutes(1), "张伟")).GetAwaiter().GetResult();
        for (var i = 1; i <= 28; i++)
            engine.RegisterAsync(new RegisterMember($"M{i:00}", i % 2 == 0 ? "A" : "D", At.AddMinutes(1 + i))).GetAwaiter().GetResult();
    }

    private void SignIn(params string[] roles)
    {
        user.SignIn("someone@test", roles);
        auth.SetAuthorized("someone@test").SetRoles(roles);
    }

    private IRenderedComponent<MembersPage> List(string query = "")
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("members" + query);
        return Render<MembersPage>();
    }

    [Fact]
    public void The_list_shows_a_page_of_the_newest_members_and_counts_all_of_them()
    {
        SignIn(AppRoles.PlatformAdmin);
        var cut = List();
        cut.WaitForAssertion(() => Assert.Equal(25, cut.FindAll("[data-testid=member-link]").Count));
        Assert.Equal("M28", cut.FindAll("[data-testid=member-link]")[0].TextContent);
        Assert.Equal("共 30", cut.Find("[data-testid=members-count]").TextContent);
    }

    [Theory]
    [InlineData("?q=张", "D", 1, "共 1")]
    [InlineData("?q=13800000001", "A", 1, "共 1")]
    [InlineData("?q=M0", "M09", 9, "共 9")]
    [InlineData("?sort=ExternalId&dir=asc&size=10&page=2", "M09", 10, "共 30")]
    [InlineData("?sort=Name&dir=desc", "A", 25, "共 30")]
    [InlineData("?rank=Member&page=2", "M03", 5, "共 30")]
    [InlineData("?rank=Agent", null, 0, "共 0")]
    public void Filters_sort_and_page_come_from_the_url(string query, string? first, int rows, string count)
    {
        SignIn(AppRoles.Finance);
        var cut = List(query);
        cut.WaitForAssertion(() =>
        {
            Assert.Equal(count, cut.Find("[data-testid=members-count]").TextContent);
            var links = cut.FindAll("[data-testid=member-link]");
            Assert.Equal((first, rows), (links.FirstOrDefault()?.TextContent, links.Count));
        });
    }

    [Fact]
    public void A_typed_member_id_can_be_opened_directly()
    {
        SignIn(AppRoles.PlatformAdmin);
        var cut = List("?q=M0");
        cut.WaitForAssertion(() => Assert.Equal("members/M0", cut.Find("[data-testid=members-open]").GetAttribute("href")));
        Assert.Equal("按会员号打开", cut.Find("[data-testid=members-open]").TextContent.Trim());
    }

    [Fact]
    public void A_page_number_in_the_url_is_the_page_the_grid_and_its_pager_show()
    {
        SignIn(AppRoles.PlatformAdmin);
        var cut = List("?page=2");
        cut.WaitForAssertion(() => Assert.Contains("第 26–30 条，共 30 条", cut.Markup));
        Assert.Equal(["M03", "M02", "M01", "D", "A"], cut.FindAll("[data-testid=member-link]").Select(a => a.TextContent));
        Assert.EndsWith("members?page=2", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void Finance_reads_a_member_without_the_admins_actions()
    {
        SignIn(AppRoles.Finance);
        var cut = Render<MemberDetailPage>(p => p.Add(x => x.ExternalId, "D"));
        cut.WaitForAssertion(() => Assert.Contains("张伟", cut.Find("h1").TextContent));
        Assert.Equal("王芳 (A)", cut.Find("[data-testid=member-chain]").TextContent);
        Assert.NotNull(cut.Find("[data-testid=ledger-export]"));
        Assert.NotNull(cut.Find("[data-testid=read-only]"));
        Assert.Empty(cut.FindAll("[data-testid=appoint-partner]"));
        Assert.Empty(cut.FindAll("[data-testid=open-tree]"));
    }

    [Fact]
    public void An_admin_sees_the_actions_in_English_when_English_is_chosen()
    {
        UseCulture(UiCulture.English);
        SignIn(AppRoles.PlatformAdmin);
        var cut = Render<MemberDetailPage>(p => p.Add(x => x.ExternalId, "D"));
        cut.WaitForAssertion(() => Assert.Equal("Appoint as partner", cut.Find("[data-testid=appoint-partner]").TextContent.Trim()));
        Assert.Equal("Open the team tree at this member", cut.Find("[data-testid=open-tree]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=read-only]"));
        Assert.Contains("Members 14 · Agents 0 · Partners 0 · Agents led 0", cut.Find("[data-testid=member-relations]").TextContent);
        Assert.DoesNotContain("会员", cut.Find(".ld-page").TextContent);

        var missing = Render<MemberDetailPage>(p => p.Add(x => x.ExternalId, "nobody"));
        missing.WaitForAssertion(() => Assert.Equal("No member \"nobody\".", missing.Find("[data-testid=member-not-found]").TextContent));
    }

    [Fact]
    public void The_ledger_export_offers_the_file_for_a_valid_range_and_says_what_is_wrong_otherwise()
    {
        SignIn(AppRoles.Finance);
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        void Open(DateOnly from, DateOnly to) => provider.InvokeAsync(() => dialogs.ShowAsync<LedgerExportDialog>("", new DialogParameters<LedgerExportDialog>
        {
            { d => d.Member, "D" }, { d => d.From, from }, { d => d.To, to },
        }));

        Open(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31));
        provider.WaitForAssertion(() => Assert.Equal("exports/members/D/ledger.xlsx?from=2026-01-01&to=2026-01-31",
            provider.Find("[data-testid=export-download]").GetAttribute("href")));
        Assert.Empty(provider.FindAll("[data-testid=export-error]"));

        Open(new DateOnly(2026, 2, 1), new DateOnly(2026, 1, 31));
        provider.WaitForAssertion(() => Assert.Equal("结束日期早于开始日期", provider.FindAll("[data-testid=export-error]")[^1].TextContent));

        UseCulture(UiCulture.English);
        Assert.Equal("The range cannot be longer than 366 days", LedgerExportDialog.Check(new DateOnly(2025, 1, 1), new DateOnly(2026, 1, 31)));
        Assert.Equal("Choose a start and an end date", LedgerExportDialog.Check(null, new DateOnly(2026, 1, 31)));
        Assert.Null(LedgerExportDialog.Check(new DateOnly(2025, 1, 31), new DateOnly(2026, 1, 31)));
    }
}
