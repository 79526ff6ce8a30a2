using LianDong.Console.Features.Team;
using LianDong.Domain.Identity;
using LianDong.Domain.Members;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Persistence;

/// <summary>The team tree's reads on a real database: a member with 10,000 direct referrals opens one page at a time.</summary>
public class TeamPagingTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_member_with_ten_thousand_direct_referrals_returns_one_page_and_the_count()
    {
        await using var h = new ServiceHarness();
        await h.InitializeAsync();
        h.CurrentUser.SignIn("admin@test", AppRoles.PlatformAdmin);
        long rootId;
        await using (var db = await h.Get<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync())
        {
            var root = new Member("R", null, At, "根");
            db.Members.Add(root);
            await db.SaveChangesAsync();
            rootId = root.Id;
            db.Members.AddRange(Enumerable.Range(1, 10_000).Select(i => new Member($"c{i:00000}", root, At.AddSeconds(i))));
            await db.SaveChangesAsync();
        }
        var team = h.Get<TeamService>();

        var first = await team.GetReferralsAsync(rootId);
        Assert.Equal(TeamService.PageSize, first.Nodes.Count);
        Assert.True(first.HasMore);
        Assert.Equal(10_000, first.Total);
        Assert.Equal("c00001", first.Nodes[0].ExternalId);
        Assert.Equal("c00100", first.Nodes[^1].ExternalId);

        var second = await team.GetReferralsAsync(rootId, first.Nodes[^1].Id);
        Assert.Equal("c00101", second.Nodes[0].ExternalId);
        Assert.Equal(TeamService.PageSize, second.Nodes.Count);

        var last = await team.GetReferralsAsync(rootId, second.Nodes[0].Id + 9_898);
        Assert.Equal("c10000", Assert.Single(last.Nodes).ExternalId);
        Assert.False(last.HasMore);

        var roots = await team.GetRootsAsync();
        Assert.Equal((1, 1L, false), (roots.Nodes.Count, roots.Total, roots.HasMore));
    }

    [Fact]
    public async Task Only_admins_read_the_tree()
    {
        await using var h = new ServiceHarness();
        await h.InitializeAsync();
        h.CurrentUser.SignIn("fin@test", AppRoles.Finance);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => h.Get<TeamService>().GetReferralsAsync(1));
    }
}
