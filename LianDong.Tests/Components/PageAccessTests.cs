using System.Reflection;
using LianDong.Console.Navigation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;

namespace LianDong.Tests.Components;

/// <summary>The menu (NavCatalog) and the pages' [Authorize] attributes are one matrix: they must agree.</summary>
public class PageAccessTests
{
    private static readonly IReadOnlyList<(string Route, Type Page)> Pages = typeof(Program).Assembly.GetTypes()
        .Where(t => typeof(IComponent).IsAssignableFrom(t))
        .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => (r.Template, t)))
        .ToList();

    [Fact]
    public void Every_menu_entry_has_a_page_whose_roles_match()
    {
        foreach (var entry in NavCatalog.Entries)
        {
            var (_, page) = Assert.Single(Pages, p => p.Route == entry.Path);
            var authorize = page.GetCustomAttribute<AuthorizeAttribute>();
            Assert.True(authorize is not null, $"{page.Name} has no [Authorize]");
            Assert.Equal(entry.Roles, authorize.Roles);
        }
    }

    [Fact]
    public void Every_page_is_either_in_the_menu_or_a_known_anonymous_or_shared_page()
    {
        var shared = new[] { "/account/login", "/account/access-denied", "/error", "/not-found", "/account/password" };
        // Detail pages below a menu entry carry the entry's roles.
        var details = new[] { "/members/{ExternalId}", "/payouts/{Batch}", "/settlements/{Day}" };
        foreach (var (route, page) in Pages)
        {
            if (NavCatalog.Entries.Any(e => e.Path == route)) continue;
            if (details.Contains(route))
            {
                var parent = NavCatalog.Entries.Single(e => route.StartsWith(e.Path + "/"));
                Assert.Equal(parent.Roles, page.GetCustomAttribute<AuthorizeAttribute>()?.Roles);
                continue;
            }
            Assert.Contains(route, shared);
        }
        foreach (var route in shared.Except(["/not-found", "/account/password"]))
            Assert.NotNull(Pages.Single(p => p.Route == route).Page.GetCustomAttribute<AllowAnonymousAttribute>());
    }
}
