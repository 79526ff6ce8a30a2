using LianDong.Console.Localization;
using LianDong.Console.Navigation;
using LianDong.Console.Security;
using LianDong.Domain.Identity;
using LianDong.Domain.Payouts;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Shared;

/// <summary>One thing the command palette can open: its kind, what it shows and where it goes.</summary>
public sealed record PaletteHit(string Kind, string Text, string Href);

/// <summary>
/// The Ctrl+K palette's search: pages by name, members by id, phone or name prefix, orders by id prefix, payout batches
/// by reference, each limited to what the user's role may open (a merchant finds only its own orders). Every lookup is a
/// prefix range on an index, a handful of rows each, so it answers at once at a million members.
/// </summary>
public sealed class PaletteSearch(IDbContextFactory<LianDongDbContext> dbFactory, ICurrentUser current)
{
    private const int PerKind = 5;

    public async Task<IReadOnlyList<PaletteHit>> FindAsync(string? text, CancellationToken ct = default)
    {
        var user = await current.GetPrincipalAsync();
        var q = (text ?? "").Trim();
        var hits = NavCatalog.VisibleTo(user)
            .Where(e => q.Length == 0 || e.Title.Contains(q, StringComparison.OrdinalIgnoreCase) || e.Path.Contains(q, StringComparison.OrdinalIgnoreCase))
            .Select(e => new PaletteHit(UiText.Get("Palette.Page"), e.Title, e.Path.TrimStart('/')))
            .ToList();
        if (q.Length == 0) return hits;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var upper = q + '\uffff';
        if (user.IsInRole(AppRoles.PlatformAdmin) || user.IsInRole(AppRoles.Finance))
        {
            var members = await db.Members.AsNoTracking()
                .Where(m => (string.Compare(m.ExternalId, q) >= 0 && string.Compare(m.ExternalId, upper) < 0)
                            || (m.Phone != null && string.Compare(m.Phone, q) >= 0 && string.Compare(m.Phone, upper) < 0)
                            || (m.Name != null && string.Compare(m.Name, q) >= 0 && string.Compare(m.Name, upper) < 0))
                .OrderBy(m => m.ExternalId).Take(PerKind)
                .Select(m => new { m.ExternalId, m.Name }).ToListAsync(ct);
            hits.AddRange(members.Select(m => new PaletteHit(UiText.Get("Palette.Member"),
                m.Name is null ? m.ExternalId : $"{m.ExternalId} · {m.Name}", "members/" + Uri.EscapeDataString(m.ExternalId))));
        }
        if (user.IsInRole(AppRoles.PlatformAdmin) || user.IsInRole(AppRoles.Merchant))
        {
            var scope = await current.GetMerchantScopeAsync();
            var orders = db.Orders.AsNoTracking().Where(o => string.Compare(o.ExternalId, q) >= 0 && string.Compare(o.ExternalId, upper) < 0);
            if (!scope.IsAll)
                orders = orders.Where(o => o.PackId != null && db.GiftPacks.Any(p => p.Id == o.PackId && p.MerchantId == scope.MerchantId));
            var found = await orders.OrderBy(o => o.ExternalId).Take(PerKind).Select(o => o.ExternalId).ToListAsync(ct);
            hits.AddRange(found.Select(id => new PaletteHit(UiText.Get("Palette.Order"), id, "orders?q=" + Uri.EscapeDataString(id))));
        }
        if ((user.IsInRole(AppRoles.PlatformAdmin) || user.IsInRole(AppRoles.Finance))
            && BatchId(q) is { } batchId && await db.PayoutBatches.AsNoTracking().AnyAsync(b => b.Id == batchId, ct))
            hits.Add(new PaletteHit(UiText.Get("Palette.Batch"), PayoutBatch.ReferenceOf(batchId), "payouts/" + batchId));
        return hits;
    }

    /// <summary>"PB000012", "pb12" or "12" as batch 12.</summary>
    private static long? BatchId(string q)
    {
        var digits = q.StartsWith("PB", StringComparison.OrdinalIgnoreCase) ? q[2..] : q;
        return digits.Length is > 0 and <= 12 && digits.All(char.IsAsciiDigit) ? long.Parse(digits) : null;
    }
}
