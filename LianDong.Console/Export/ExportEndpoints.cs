using System.Globalization;
using LianDong.Console.Navigation;
using LianDong.Console.Security;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Payouts;
using Microsoft.AspNetCore.Authorization;

namespace LianDong.Console.Export;

/// <summary>
/// Excel downloads. Finance and admins: settlement batch, payout batch (bank file), member ledger. Merchants too:
/// merchant payables, limited to their own merchant. Bad input is a problem+json naming the field.
/// </summary>
public static class ExportEndpoints
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static void MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        var finance = new AuthorizeAttribute { Roles = PageAccess.AdminAndFinance };
        var exports = app.MapGroup("/exports");

        exports.MapGet("/settlements/{date}.xlsx", async (string date, HttpContext http, ExportService export, CancellationToken ct) =>
        {
            if (!TryDate(date, out var d)) return Bad("date", $"date \"{date}\" is not yyyy-MM-dd");
            return await StreamAsync(http, $"settlement-{d:yyyyMMdd}.xlsx", s => export.SettlementBatchAsync(d, s, Actor(http), ct),
                $"no settlement batch for {d:yyyy-MM-dd}");
        }).RequireAuthorization(finance);

        // The bank file carries full account numbers: finance users only (admins see the masked lines on screen).
        var financeOnly = new AuthorizeAttribute { Roles = AppRoles.Finance };
        exports.MapGet("/payouts/{id:long}.xlsx", (long id, HttpContext http, ExportService export, CancellationToken ct) =>
            BankFileAsync(http, id, ContentType, $"payout-{PayoutBatch.ReferenceOf(id)}.xlsx", s => export.PayoutBatchAsync(id, s, Actor(http), ct)))
            .RequireAuthorization(financeOnly);

        exports.MapGet("/payouts/{id:long}.csv", (long id, string? encoding, HttpContext http, ExportService export, CancellationToken ct) =>
        {
            if (BankText.Named(encoding) is not { } enc) return Task.FromResult(Bad("encoding", $"encoding \"{encoding}\" must be utf-8 or gb18030"));
            var charset = BankText.NameOf(enc);
            return BankFileAsync(http, id, $"text/csv; charset={charset}", $"payout-{PayoutBatch.ReferenceOf(id)}-{charset.Replace("-", "")}.csv",
                s => export.PayoutBatchCsvAsync(id, s, enc, Actor(http), ct));
        }).RequireAuthorization(financeOnly);

        exports.MapGet("/members/{externalId}/ledger.xlsx", async (string externalId, string? from, string? to, HttpContext http, ExportService export, CancellationToken ct) =>
        {
            if (Range(from, to) is { } bad) return bad;
            var (f, t) = (ParseDate(from!), ParseDate(to!));
            return await StreamAsync(http, $"ledger-{externalId}-{f:yyyyMMdd}-{t:yyyyMMdd}.xlsx",
                s => export.MemberLedgerAsync(externalId, f, t, s, Actor(http), ct), $"no member \"{externalId}\"");
        }).RequireAuthorization(finance);

        exports.MapGet("/merchant-payables.xlsx", async (string? from, string? to, HttpContext http, ExportService export, CancellationToken ct) =>
        {
            if (Range(from, to) is { } bad) return bad;
            var (f, t) = (ParseDate(from!), ParseDate(to!));
            long? scope = null;
            if (!http.User.IsInRole(AppRoles.PlatformAdmin) && !http.User.IsInRole(AppRoles.Finance))
                scope = http.User.GetMerchantId() ?? -1; // a Merchant user with no binding sees nothing
            return await StreamAsync(http, $"payables-{f:yyyyMMdd}-{t:yyyyMMdd}.xlsx", async s =>
            {
                await export.MerchantPayablesAsync(scope, f, t, s, Actor(http), ct);
                return true;
            }, "");
        }).RequireAuthorization(new AuthorizeAttribute { Roles = PageAccess.Everyone });
    }

    /// <summary>
    /// Writes the workbook to a temp file first, then sends it: the export never holds the workbook in memory, and a
    /// refusal (not found, not approved) still becomes a clean status code instead of a half-sent body.
    /// </summary>
    private static async Task<IResult> StreamAsync(HttpContext http, string fileName, Func<Stream, Task<bool>> write, string notFound, string contentType = ContentType)
    {
        var path = Path.GetTempFileName();
        var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        try
        {
            if (!await write(file))
            {
                await file.DisposeAsync();
                return Results.Problem(title: "Not found", detail: notFound, statusCode: StatusCodes.Status404NotFound);
            }
            file.Position = 0;
            return Results.File(file, contentType, fileName); // disposes (and so deletes) the file when sent
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A bank file: refused (409, nothing written, the attempt audited) for a batch that is not approved or has nothing
    /// left to pay; a key ring that cannot decrypt the accounts is said in words, not as a stack trace.
    /// </summary>
    private static async Task<IResult> BankFileAsync(HttpContext http, long id, string contentType, string fileName, Func<Stream, Task<bool>> write)
    {
        try
        {
            return await StreamAsync(http, fileName, write, $"no payout batch {id}", contentType);
        }
        catch (EngineException e)
        {
            return Results.Problem(title: "The batch cannot be exported", detail: e.Message, statusCode: StatusCodes.Status409Conflict);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return Results.Problem(title: "The payout accounts cannot be decrypted",
                detail: "The data-protection keys that encrypted the payout accounts are missing or different: restore them with the database (see the operations guide).",
                statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    private static string Actor(HttpContext http) => http.User.Identity?.Name ?? "unknown";

    private static bool TryDate(string? s, out DateOnly d) => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out d);

    private static DateOnly ParseDate(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static IResult? Range(string? from, string? to)
    {
        if (!TryDate(from, out var f)) return Bad("from", $"from \"{from}\" is not yyyy-MM-dd");
        if (!TryDate(to, out var t)) return Bad("to", $"to \"{to}\" is not yyyy-MM-dd");
        if (t < f) return Bad("to", $"to {t:yyyy-MM-dd} is before from {f:yyyy-MM-dd}");
        if (t.DayNumber - f.DayNumber > 366) return Bad("to", "the range is longer than 366 days");
        return null;
    }

    private static IResult Bad(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Invalid export request");
}
