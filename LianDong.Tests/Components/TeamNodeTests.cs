using Bunit;
using LianDong.Console.Features.Team;
using LianDong.Console.Localization;
using LianDong.Domain.Members;
using LianDong.Tests.Support;

namespace LianDong.Tests.Components;

/// <summary>
/// The team tree: a node's children load only when it is opened, a page at a time with a "load more" row, keyset by
/// the last id shown; the path to a member opens by itself; rows mark jump-outs and slides, in the user's language.
/// </summary>
public class TeamNodeTests : MudTestContext
{
    internal static MemberNode Node(long id, MemberRank rank = MemberRank.Agent, int teamSize = 0, string? slidTo = null, string? formerLeader = null) =>
        new(id, $"m{id}", $"名字{id}", rank, null, null, formerLeader, slidTo, teamSize, 0, 0, 0);

    /// <summary>Calls made to the loader: (whose children, after which id).</summary>
    private readonly List<(ChildrenOf Of, long After)> calls = [];

    /// <summary>Node 1 is the only root and has 250 direct referrals, ids 101..350 (each with one child); pages of 100.</summary>
    private Task<NodePage> Loader(ChildrenOf of, long after)
    {
        calls.Add((of, after));
        var all = of.Kind switch
        {
            ChildrenKind.Roots => [Node(1, MemberRank.Partner, 500)],
            ChildrenKind.Referrals when of.ParentId == 1 => Enumerable.Range(101, 250).Select(i => Node(i, teamSize: 1)).ToList(),
            _ => [Node(of.ParentId * 1000)],
        };
        var page = all.Where(n => n.Id > after).Take(TeamService.PageSize).ToList();
        return Task.FromResult(new NodePage(page, all.Any(n => n.Id > (page.Count == 0 ? after : page[^1].Id)), all.Count));
    }

    private IRenderedComponent<TeamTree> Tree(IReadOnlyList<MemberNode>? path = null, long selected = 0) =>
        Render<TeamTree>(p => p.Add(x => x.Load, Loader).Add(x => x.Path, path ?? []).Add(x => x.SelectedId, selected));

    /// <summary>Clicks the expand arrow of a member's row.</summary>
    private static void Open(IRenderedComponent<TeamTree> cut, string member) =>
        cut.Find($".ld-node-row[data-member={member}]").Closest(".mud-treeview-item-content")!.QuerySelector("button")!.Click();

    [Fact]
    public void Children_load_only_when_a_node_is_opened_and_then_a_page_at_a_time()
    {
        var cut = Tree();
        Assert.Equal([(new ChildrenOf(ChildrenKind.Roots), 0L)], calls);
        Assert.Single(cut.FindAll(".ld-node-row"));
        Assert.Contains("合伙人", cut.Find(".ld-node-row[data-member=m1]").TextContent);

        Open(cut, "m1");
        cut.WaitForAssertion(() => Assert.Equal(101, cut.FindAll(".ld-node-row").Count));
        Assert.Equal((new ChildrenOf(ChildrenKind.Referrals, 1), 0L), calls[^1]);
        Assert.Equal("加载更多（已显示 100 / 250）", cut.Find("button.ld-more").TextContent.Trim());

        cut.Find("button.ld-more").Click();
        cut.WaitForAssertion(() => Assert.Equal(201, cut.FindAll(".ld-node-row").Count));
        Assert.Equal((new ChildrenOf(ChildrenKind.Referrals, 1), 200L), calls[^1]);
        Assert.Equal("加载更多（已显示 200 / 250）", cut.Find("button.ld-more").TextContent.Trim());

        cut.Find("button.ld-more").Click();
        cut.WaitForAssertion(() => Assert.Equal(251, cut.FindAll(".ld-node-row").Count));
        Assert.Equal((new ChildrenOf(ChildrenKind.Referrals, 1), 300L), calls[^1]);
        Assert.Empty(cut.FindAll("button.ld-more"));

        // Closing and opening again does not load again.
        Open(cut, "m1");
        Open(cut, "m1");
        Assert.Equal(4, calls.Count);
    }

    [Fact]
    public void In_English_the_load_more_row_is_English()
    {
        UseCulture(UiCulture.English);
        var cut = Tree();
        Open(cut, "m1");
        cut.WaitForAssertion(() => Assert.Equal("Load more (100 of 250 shown)", cut.Find("button.ld-more").TextContent.Trim()));
        Assert.Contains("Partner", cut.Find(".ld-node-row[data-member=m1]").TextContent);
        Assert.DoesNotContain("合伙人", cut.Markup);
    }

    [Fact]
    public void The_path_to_a_member_opens_by_itself_and_shows_it_even_beyond_the_first_page()
    {
        var target = Node(349, teamSize: 1);
        var cut = Tree([Node(1, MemberRank.Partner, 500), target], 349);
        Assert.Equal([(new ChildrenOf(ChildrenKind.Referrals, 1), 0L)], calls); // the path's root is the only top row: no roots page
        Assert.NotNull(cut.Find(".ld-node-row.ld-selected[data-member=m349]"));
        Assert.Equal(102, cut.FindAll(".ld-node-row").Count);

        // Loading more does not show the member twice.
        cut.Find("button.ld-more").Click();
        cut.Find("button.ld-more").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("button.ld-more")));
        Assert.Single(cut.FindAll(".ld-node-row[data-member=m349]"));
        Assert.Equal(251, cut.FindAll(".ld-node-row").Count);
    }

    [Fact]
    public void Jump_outs_and_slides_are_marked_in_the_users_language()
    {
        var jumped = Render<TeamNode>(p => p.Add(x => x.Node, Node(5, MemberRank.Partner, formerLeader: "王芳 (A)")));
        Assert.Equal("原队长：王芳 (A)", jumped.Find("[data-testid=former-leader]").TextContent);
        var slid = Render<TeamNode>(p => p.Add(x => x.Node, Node(6, slidTo: "王芳 (A)")));
        Assert.Equal("滑落至 王芳 (A)", slid.Find("[data-testid=slid-to]").TextContent);

        UseCulture(UiCulture.English);
        slid = Render<TeamNode>(p => p.Add(x => x.Node, Node(6, slidTo: "王芳 (A)")));
        Assert.Equal("Slid to 王芳 (A)", slid.Find("[data-testid=slid-to]").TextContent);
        Assert.Contains("Team 0 · Agents 0 · Partners 0", slid.Markup);
    }
}
