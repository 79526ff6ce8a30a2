using Bunit;
using Bunit.Rendering;
using LianDong.Console.Features.ChannelTasks;
using LianDong.Console.Localization;
using LianDong.Domain.Engine;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Components;

/// <summary>The channel-task list on the worked example: paged on the server, its filters and page in the URL.</summary>
public class ChannelTasksPageTests : ConsoleTestContext
{
    public ChannelTasksPageTests() => UseCulture(UiCulture.English);

    private async Task<List<(long Id, string Status)>> SeedAsync()
    {
        var now = DateTimeOffset.UtcNow;
        await PastWorkedExample.SeedAsync(Services, "WX", now.AddDays(-40), PlatformTime.LocalDate(now).AddDays(-1));
        await using var db = await Services.GetRequiredService<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync();
        return (await db.ChannelTasks.OrderByDescending(t => t.Id).Select(t => new { t.Id, t.Status }).ToListAsync())
            .Select(t => (t.Id, t.Status.ToString())).ToList();
    }

    private static List<string> Ids(IRenderedComponent<ContainerFragment> cut) =>
        cut.FindAll(".ld-tasks tr.mud-table-row td:first-child").Select(td => td.TextContent.Trim()).ToList();

    [Fact]
    public async Task Tasks_are_listed_newest_first_under_the_template_in_force()
    {
        var tasks = await SeedAsync();
        Assert.NotEmpty(tasks);
        var cut = this.RenderWithProviders<ChannelTasksPage>();
        cut.WaitForAssertion(() => Assert.Equal(tasks.Select(t => t.Id.ToString()), Ids(cut)));
        Assert.Contains("Task template in force", cut.Markup);
    }

    [Fact]
    public async Task A_status_in_the_URL_shows_only_those_tasks_and_an_unknown_partner_shows_none()
    {
        var tasks = await SeedAsync();
        var status = tasks[0].Status;
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/channel-tasks?status={status}");
        var cut = this.RenderWithProviders<ChannelTasksPage>();
        cut.WaitForAssertion(() => Assert.Equal(tasks.Where(t => t.Status == status).Select(t => t.Id.ToString()), Ids(cut)));

        cut.Find("input[name=partner]").Change("nobody");
        Assert.EndsWith($"/channel-tasks?partner=nobody&status={status}", Services.GetRequiredService<NavigationManager>().Uri);
        cut.WaitForAssertion(() => Assert.Empty(Ids(cut)));
        Assert.Contains("No data", cut.Markup);
    }
}
