using System.Security.Claims;
using LianDong.Console.Localization;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Account;

public enum ThemeChoice { System, Light, Dark }

/// <summary>A user's language and theme, kept on their account so every browser they sign in from shows the same.</summary>
public sealed class UserPreferences(IDbContextFactory<LianDongDbContext> dbFactory)
{
    public static ThemeChoice ParseTheme(string? value) =>
        Enum.TryParse<ThemeChoice>(value, ignoreCase: true, out var t) && Enum.IsDefined(t) ? t : ThemeChoice.System;

    public async Task<(string Culture, ThemeChoice Theme)> ReadAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (id is null) return (UiCulture.Chinese, ThemeChoice.System);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new { u.Culture, u.Theme }).FirstOrDefaultAsync(ct);
        return (UiCulture.Parse(row?.Culture) ?? UiCulture.Chinese, ParseTheme(row?.Theme));
    }

    public async Task SetThemeAsync(ClaimsPrincipal user, ThemeChoice theme, CancellationToken ct = default)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (id is null) return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Theme, theme.ToString().ToLowerInvariant()), ct);
    }

    public async Task SetCultureAsync(ClaimsPrincipal user, string culture, CancellationToken ct = default)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (id is null) return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Culture, culture), ct);
    }
}
