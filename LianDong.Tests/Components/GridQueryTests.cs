using Bunit;
using LianDong.Console.Features.Shared;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace LianDong.Tests.Components;

/// <summary>A list's page, size, sort and filters round-trip through the URL; defaults stay out of it.</summary>
public class GridQueryTests
{
    private static readonly GridQuery.Defaults Defaults = new(PageSize: 25, SortBy: "registeredAt", Descending: true);

    [Fact]
    public void The_defaults_make_a_clean_URL()
    {
        var q = GridQuery.Parse("http://h/members", Defaults);
        Assert.Equal((0, 25, "registeredAt", true), (q.Page, q.PageSize, q.SortBy, q.Descending));
        Assert.Equal("", q.ToQueryString());
        Assert.Equal("http://h/members", q.ToUri("http://h/members?page=1"));
    }

    [Fact]
    public void Page_size_sort_and_filters_round_trip()
    {
        var q = GridQuery.Parse("http://h/members?page=3&size=50&sort=name&dir=asc&rank=Agent&q=%E5%BC%A0", Defaults);
        Assert.Equal((2, 50, "name", false), (q.Page, q.PageSize, q.SortBy, q.Descending));
        Assert.Equal("Agent", q.Filter("rank"));
        Assert.Equal("张", q.Filter("q"));
        Assert.Equal(SortDirection.Ascending, q.DirectionOf("name"));
        Assert.Equal(SortDirection.None, q.DirectionOf("registeredAt"));
        Assert.Equal(q, GridQuery.Parse(q.ToUri("http://h/members"), Defaults));
    }

    [Theory]
    [InlineData("?page=0")]
    [InlineData("?page=-4")]
    [InlineData("?page=abc")]
    [InlineData("?size=7")]
    [InlineData("?size=100000")]
    [InlineData("?dir=sideways")]
    public void Nonsense_in_the_URL_falls_back_to_the_defaults(string query)
    {
        var q = GridQuery.Parse("http://h/members" + query, Defaults);
        Assert.Equal((0, 25, "registeredAt", true), (q.Page, q.PageSize, q.SortBy, q.Descending));
    }

    [Fact]
    public void Setting_a_filter_goes_back_to_the_first_page_and_an_empty_one_is_removed()
    {
        var q = GridQuery.Parse("http://h/members?page=4&rank=Agent", Defaults);
        var next = q.WithFilter("q", "138");
        Assert.Equal(0, next.Page);
        Assert.Equal("?q=138&rank=Agent", next.ToQueryString());
        Assert.Equal("?q=138", next.WithFilter("rank", " ").ToQueryString());
    }

    [Fact]
    public void The_grid_state_replaces_page_size_and_sort_and_keeps_the_filters()
    {
        var q = GridQuery.Parse("http://h/members?rank=Agent", Defaults);
        var state = new GridState<object>
        {
            Page = 1, PageSize = 10,
            SortDefinitions = [new SortDefinition<object>("name", Descending: false, Index: 0, SortFunc: _ => 0)],
        };
        Assert.Equal("?page=2&size=10&sort=name&dir=asc&rank=Agent", q.With(state).ToQueryString());
    }
}

/// <summary>GridView writes the grid's state to the URL and rebuilds itself from a URL changed elsewhere (back button, links).</summary>
public class GridViewTests : MudTestContext
{
    private sealed record Row(int Id, string Name);

    private static readonly GridQuery.Defaults Defaults = new(PageSize: 10, SortBy: "Id");
    private readonly List<GridQuery> loads = [];

    private Task<GridData<Row>> Load(GridQuery q, CancellationToken ct)
    {
        loads.Add(q);
        var all = Enumerable.Range(1, 95).Select(i => new Row(i, "会员" + i));
        var sorted = q.SortBy == "Name" ? all.OrderBy(r => r.Name, StringComparer.Ordinal) : all.OrderBy(r => r.Id);
        if (q.Descending) sorted = q.SortBy == "Name" ? all.OrderByDescending(r => r.Name, StringComparer.Ordinal) : all.OrderByDescending(r => r.Id);
        return Task.FromResult(new GridData<Row> { Items = sorted.Skip(q.Page * q.PageSize).Take(q.PageSize).ToList(), TotalItems = 95 });
    }

    private IRenderedComponent<GridView<Row>> Render(GridQuery query) => Render<GridView<Row>>(p => p
        .Add(g => g.Query, query)
        .Add(g => g.Load, Load)
        .Add<RenderFragment>(g => g.Columns, b =>
        {
            b.OpenComponent<PropertyColumn<Row, int>>(0);
            b.AddAttribute(1, nameof(PropertyColumn<Row, int>.Property), (System.Linq.Expressions.Expression<Func<Row, int>>)(r => r.Id));
            b.AddAttribute(2, nameof(PropertyColumn<Row, int>.InitialDirection), query.DirectionOf("Id"));
            b.CloseComponent();
        }));

    [Fact]
    public void A_URL_with_page_three_shows_page_three_and_the_pager_says_so()
    {
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("/members?page=3");
        var cut = Render(GridQuery.Parse(nav.Uri, Defaults));
        cut.WaitForAssertion(() => Assert.Contains("21", cut.Find("tbody").TextContent));
        Assert.Equal(2, loads[^1].Page);
        Assert.Contains("第 21–30 条，共 95 条", cut.Markup);
    }

    [Fact]
    public void Going_to_the_next_page_writes_it_to_the_URL_and_back_restores_it()
    {
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("/members");
        var cut = Render(GridQuery.Parse(nav.Uri, Defaults));
        cut.WaitForAssertion(() => Assert.NotEmpty(loads));
        cut.Find("button[aria-label='下一页']").Click();
        cut.WaitForAssertion(() => Assert.EndsWith("/members?page=2", nav.Uri));
        Assert.Equal(1, loads[^1].Page);

        // The back button (or a link) changes the URL outside the grid: the grid follows it.
        nav.NavigateTo("/members?page=5");
        cut.WaitForAssertion(() => Assert.Equal(4, loads[^1].Page));
        cut.WaitForAssertion(() => Assert.Contains("第 41–50 条，共 95 条", cut.Markup));
    }

    [Fact]
    public void An_empty_list_says_so_in_the_users_language()
    {
        UseCulture(LianDong.Console.Localization.UiCulture.English);
        var cut = Render<GridView<Row>>(p => p
            .Add(g => g.Query, GridQuery.Parse("http://localhost/x", Defaults))
            .Add(g => g.Load, (_, _) => Task.FromResult(new GridData<Row> { Items = [], TotalItems = 0 }))
            .Add<RenderFragment>(g => g.Columns, b => { }));
        cut.WaitForAssertion(() => Assert.Contains("No data", cut.Find(".ld-empty").TextContent));
    }
}
