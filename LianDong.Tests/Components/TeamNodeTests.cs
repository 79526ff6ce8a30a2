using Bunit;
using LianDong.Console.Features.Team;
using LianDong.Domain.Members;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace LianDong.Tests.Components;

/// <summary>The team tree's node: children load only when it is opened, a page at a time, keyset by the last id shown.</summary>
public class TeamNodeTests : BunitContext
{
    public TeamNodeTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
    }

    private static MemberNode Node(long id, MemberRank rank = MemberRank.Agent, int teamSize = 0, string? slidTo = null, string? formerLeader = null) =>
        new(id, $"m{id}", $"名字{id}", rank, null, null, formerLeader, slidTo, teamSize, 0, 0, 0);

    /// <summary>Node 1 has 120 direct referrals, ids 101..220; pages of 50.</summary>
    private readonly List<(long Parent, long After)> calls = [];

    private Task<NodePage> Loader(long parent, long after)
    {
        calls.Add((parent, after));
        var all = Enumerable.Range(101, 120).Select(i => Node(i)).ToList();
        var page = all.Where(n => n.Id > after).Take(50).ToList();
        return Task.FromResult(new NodePage(page, all.Any(n => n.Id > (page.Count == 0 ? after : page[^1].Id))));
    }

    [Fact]
    public void Children_load_only_when_the_node_is_opened_and_then_page_by_page()
    {
        var cut = Render<TeamNode>(p => p.Add(x => x.Node, Node(1, MemberRank.Partner, 120)).Add(x => x.Loader, Loader));
        Assert.Empty(calls);
        Assert.Single(cut.FindAll("[data-member]"));
        Assert.Contains("合伙人 Partner", cut.Markup);

        cut.Find("button.ld-toggle").Click();
        Assert.Equal([(1L, 0L)], calls);
        Assert.Equal(51, cut.FindAll("[data-member]").Count);

        cut.Find("button.ld-more").Click();
        Assert.Equal((1L, 150L), calls[^1]);
        Assert.Equal(101, cut.FindAll("[data-member]").Count);

        cut.Find("button.ld-more").Click();
        Assert.Equal((1L, 200L), calls[^1]);
        Assert.Equal(121, cut.FindAll("[data-member]").Count);
        Assert.Empty(cut.FindAll("button.ld-more"));

        // Closing and opening again does not load again.
        cut.Find("button.ld-toggle").Click();
        cut.Find("button.ld-toggle").Click();
        Assert.Equal(3, calls.Count);
    }

    [Fact]
    public void A_node_on_the_path_opens_by_itself_and_shows_the_next_node_even_beyond_the_first_page()
    {
        var target = Node(219);
        var cut = Render<TeamNode>(p => p.Add(x => x.Node, Node(1, MemberRank.Partner, 120)).Add(x => x.Loader, Loader)
            .Add(x => x.ExpandPath, new[] { Node(1, MemberRank.Partner, 120), target }).Add(x => x.SelectedId, 219L));
        Assert.Single(calls);
        Assert.NotNull(cut.Find("[data-member=m219] .ld-selected"));
        Assert.Equal(52, cut.FindAll("[data-member]").Count);
    }

    [Fact]
    public void Jump_outs_and_slides_are_marked()
    {
        var cut = Render<TeamNode>(p => p.Add(x => x.Node, Node(5, MemberRank.Partner, formerLeader: "A (A)")).Add(x => x.Loader, Loader));
        Assert.Contains("原队长 former leader: A (A)", cut.Markup);
        var slid = Render<TeamNode>(p => p.Add(x => x.Node, Node(6, slidTo: "A (A)")).Add(x => x.Loader, Loader));
        Assert.Contains("滑落至 slid to A (A)", slid.Markup);
        Assert.Empty(slid.FindAll("button.ld-toggle"));
    }
}
