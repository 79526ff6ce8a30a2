using Bunit;
using LianDong.Console.Features.Team;
using LianDong.Console.Localization;
using LianDong.Console.Security;
using LianDong.Domain.Identity;
using LianDong.Domain.Members;
using LianDong.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Components;

/// <summary>
/// The team page's search on a real database: it says how many matched, opens and scrolls to the first, and a search
/// that finds nothing says so and clears the previous result, in the user's language.
/// </summary>
public class TeamPageTests : MudTestContext
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public TeamPageTests()
    {
        using (var db = Database.NewContext())
        {
            var a = new Member("A", null, At, "王芳", "13800000001");
            db.Members.Add(a);
            db.SaveChanges();
            var d = new Member("D", a, At, "张伟");
            db.Members.Add(d);
            db.SaveChanges();
            db.Members.AddRange(new Member("G", d, At, "赵敏"), new Member("K", d, At, "赵雷"));
            db.SaveChanges();
        }
        var user = new TestCurrentUser();
        user.SignIn("admin@test", AppRoles.PlatformAdmin);
        Services.AddScoped<ICurrentUser>(_ => user);
        Services.AddScoped<TeamService>();
    }

    private IRenderedComponent<TeamPage> Search(string text)
    {
        var cut = Render<TeamPage>();
        return Find(cut, text);
    }

    private static IRenderedComponent<TeamPage> Find(IRenderedComponent<TeamPage> cut, string text)
    {
        cut.Find("input[name=find]").Input(text);
        cut.Find("[data-testid=team-find]").Click();
        return cut;
    }

    [Fact]
    public void A_search_says_how_many_matched_opens_the_path_to_the_first_and_scrolls_to_it()
    {
        var cut = Search("赵");
        cut.WaitForAssertion(() => Assert.Equal("找到 2 名会员", cut.Find("[data-testid=team-message]").TextContent.Trim()));
        Assert.Equal(2, cut.FindAll("[data-testid=team-results] button").Count);
        // The first match (by name) is selected, with its ancestors open above it.
        Assert.Contains("赵敏 (G)", cut.Find(".ld-node-row.ld-selected").TextContent);
        Assert.NotNull(cut.Find(".ld-node-row[data-member=A]"));
        Assert.NotNull(cut.Find(".ld-node-row[data-member=D]"));
        cut.WaitForAssertion(() => Assert.Contains(JSInterop.Invocations, i =>
            i.Identifier.Contains("scrollIntoView", StringComparison.OrdinalIgnoreCase) && i.Arguments.Any(a => a?.ToString()?.Contains("data-member=\"G\"") == true)));
    }

    [Fact]
    public void A_search_that_finds_nothing_says_so_and_clears_the_previous_result()
    {
        var cut = Search("赵");
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find(".ld-node-row.ld-selected")));

        Find(cut, "钱");
        cut.WaitForAssertion(() => Assert.Equal("没有找到与“钱”匹配的会员。", cut.Find("[data-testid=team-message]").TextContent.Trim()));
        Assert.Empty(cut.FindAll(".ld-node-row.ld-selected"));
        Assert.Empty(cut.FindAll("[data-testid=team-results]"));
        Assert.Empty(cut.FindAll(".ld-node-row[data-member=G]"));
    }

    [Fact]
    public void In_English_the_search_messages_are_English()
    {
        UseCulture(UiCulture.English);
        var cut = Search("13800000001");
        cut.WaitForAssertion(() => Assert.Equal("Found 1 member", cut.Find("[data-testid=team-message]").TextContent.Trim()));
        Assert.Contains("王芳 (A)", cut.Find(".ld-node-row.ld-selected").TextContent);

        Find(cut, "nobody");
        cut.WaitForAssertion(() => Assert.Equal("No member matches \"nobody\".", cut.Find("[data-testid=team-message]").TextContent.Trim()));
        Assert.Empty(cut.FindAll(".ld-node-row.ld-selected"));
        Assert.DoesNotContain("没有", cut.Markup);
    }
}
