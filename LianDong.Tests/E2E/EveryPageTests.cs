using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using LianDong.Console.Localization;
using LianDong.Console.Navigation;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using LianDong.Tests.Components;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LianDong.Tests.E2E;

/// <summary>
/// Every page, as each role sees it, in Chinese and English, light and dark, at 1440×900: a screenshot of each kept in
/// the test output (screenshots/pages/), no serious or critical accessibility violation (axe), no label from the other
/// language and no amount in fen.
/// </summary>
public partial class EveryPageTests(AdminBrowserFixture fx) : IClassFixture<AdminBrowserFixture>
{
    private BrowserFixture B => fx.Browser;

    /// <summary>
    /// The console's own words (headings, menus, buttons, column heads, labels, messages), not the data: table cells and
    /// anything marked translate="no" (names, codes, e-mails) are left out.
    /// </summary>
    private const string ChromeSelector =
        "h1, h2, h3, h4, h5, h6, th, button, label, legend, .mud-nav-link-text, .mud-tab, .mud-input-label, .mud-alert-message, " +
        ".ld-empty, .mud-table-pagination-caption, .mud-chip-content, .mud-snackbar, .ld-menu-label, .ld-user-roles, .mud-typography-caption";

    private async Task<IPage> SignedInAsync(string role, string culture, string theme)
    {
        var (email, password) = role == AppRoles.PlatformAdmin ? (B.Console.AdminEmail, B.Console.AdminPassword) : await UserAsync(role);
        var page = await B.SignedInAsync(email, password);
        await page.ClickAsync("[data-testid=user-menu]");
        await page.ClickAsync($"button[name=culture][value={culture}]");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.ClickAsync("[data-testid=user-menu]");
        await page.ClickAsync($"button[name=theme][value={theme}]");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", culture);
        return page;
    }

    private readonly Dictionary<string, (string, string)> users = [];

    private async Task<(string Email, string Password)> UserAsync(string role)
    {
        if (users.TryGetValue(role, out var known)) return known;
        using var scope = B.Console.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LianDongDbContext>();
        var merchantId = role == AppRoles.Merchant ? (await db.Merchants.SingleAsync(m => m.Code == "DEMO")).Id : (long?)null;
        var email = TestSecrets.NewEmail(role.ToLowerInvariant());
        var password = TestSecrets.NewPassword();
        var manager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, MerchantId = merchantId };
        Assert.True((await manager.CreateAsync(user, password)).Succeeded);
        Assert.True((await manager.AddToRoleAsync(user, role)).Succeeded);
        return users[role] = (email, password);
    }

    private static IEnumerable<string> PathsFor(string role) =>
        NavCatalog.Entries.Where(e => e.RoleList.Contains(role)).Select(e => e.Path)
            .Concat(role is AppRoles.PlatformAdmin or AppRoles.Finance ? ["/members/D"] : []);

    public static TheoryData<string, string, string> Views()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var role in AppRoles.All)
            foreach (var culture in UiCulture.Supported)
                foreach (var theme in new[] { "light", "dark" })
                    data.Add(role, culture, theme);
        return data;
    }

    [Theory]
    [MemberData(nameof(Views))]
    public async Task Every_page_is_in_one_language_shows_yuan_and_passes_axe(string role, string culture, string theme)
    {
        var page = await SignedInAsync(role, culture, theme);
        var folder = Path.Combine(B.ScreenshotFolder, "pages");
        Directory.CreateDirectory(folder);
        var problems = new List<string>();
        foreach (var path in PathsFor(role))
        {
            var slug = path == "/" ? "dashboard" : path.Trim('/').Replace('/', '-');
            await B.ScenarioAsync(page, $"{role}-{culture}-{theme}-{slug}", async () =>
            {
                await page.GotoAsync(path);
                await BrowserFixture.WaitForCircuitAsync(page);
                await Expect(page.Locator("h1")).ToHaveCountAsync(1);
                await Expect(page.Locator(".mud-table-loading, .mud-progress-linear")).ToHaveCountAsync(0);
                await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{role}-{culture}-{theme}-{slug}.png") });

                var texts = await page.Locator(ChromeSelector).EvaluateAllAsync<string[]>(
                    "els => els.filter(e => e.offsetParent !== null && !e.closest('[lang]:not(html)') && !e.closest('td') && !e.closest('[translate=no]'))" +
                    ".map(e => { const c = e.cloneNode(true); c.querySelectorAll('[translate=no]').forEach(d => d.remove()); return c.textContent.trim(); }).filter(t => t)");
                foreach (var text in texts)
                    if (OtherLanguage(text, culture) is { } word) problems.Add($"{path}: \"{word}\" in \"{text}\"");
                var body = await page.InnerTextAsync("main, .ld-main");
                foreach (Match fen in FenAmount().Matches(body)) problems.Add($"{path}: an amount in fen \"{fen.Value}\"");

                var axe = await page.RunAxe();
                foreach (var v in axe.Violations.Where(v => v.Impact is "serious" or "critical"))
                    problems.Add($"{path}: axe {v.Impact} {v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))})");
            });
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>A word of the other language in a label, or null. English keeps the reward terms' Chinese names.</summary>
    private static string? OtherLanguage(string text, string culture)
    {
        if (culture == UiCulture.English)
        {
            var rest = ResourceFilesTests.KeptChineseTerms.Aggregate(text, (t, term) => t.Replace(term, ""));
            return rest.FirstOrDefault(ResourceFilesTests.IsChinese) is var c && c != default ? c.ToString() : null;
        }
        var word = EnglishWord().Matches(ResourceFilesTests.WithoutLiterals(text)).Select(m => m.Value).FirstOrDefault(w => !AllowedInChinese.Contains(w));
        return word;
    }

    private static readonly HashSet<string> AllowedInChinese =
        ["API", "CSV", "Excel", "PNG", "JPEG", "WebP", "ID", "Ctrl", "URL", "UTF", "GB18030", "GBK", "PB", "GP", "JSON"];

    [GeneratedRegex(@"(?<![A-Za-z0-9@._-])[A-Za-z]{3,}(?![A-Za-z0-9@._-])")]
    private static partial Regex EnglishWord();

    [GeneratedRegex(@"\d[\d,]*\s*(fen\b|分(?!钟|类|配|享|组|布|析|之|别|成))")]
    private static partial Regex FenAmount();
}
