using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using LianDong.Domain.Compliance;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Api;

public sealed record ApiKeyRow(long Id, string Name, string Prefix, string? MerchantCode, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset? RevokedAt, string? RevokedBy, DateTimeOffset? LastUsedAt)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>Who is calling the storefront API: a platform key (<see cref="MerchantId"/> null) or a merchant's key.</summary>
public sealed record ApiCaller(long KeyId, string Name, long? MerchantId, string? MerchantCode)
{
    public bool IsPlatform => MerchantId is null;
    /// <summary>The audit log's actor for changes made through this key.</summary>
    public string Actor => $"api:{Name}#{KeyId}";

    /// <summary>The caller the API key scheme signed in, or null (no key, or not an API request).</summary>
    public static ApiCaller? Of(System.Security.Claims.ClaimsPrincipal user) =>
        user.Identities.OfType<ApiKeyIdentity>().FirstOrDefault()?.Caller;

    /// <summary>The caller of an endpoint behind the API's policy, which admits only a signed-in key.</summary>
    public static ApiCaller Of(HttpContext http) =>
        Of(http.User) ?? throw new InvalidOperationException("This endpoint is not behind the storefront API's key policy.");
}

/// <summary>A key request that does not validate; <see cref="Field"/> names the input.</summary>
public sealed class ApiKeyInputException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>
/// Creates, lists, revokes and checks storefront API keys. Used by the API keys page (through
/// <c>ApiKeyService</c>, which checks the admin role), the <c>api-key create</c> verb and the API itself.
/// Keys are <c>ld_</c> + 43 base64url characters (256 random bits); only their SHA-256 is stored.
/// A key's last use is recorded off the request path (<see cref="AuthenticateAsync"/>); disposal waits for those writes.
/// </summary>
public sealed class ApiKeyStore(IDbContextFactory<LianDongDbContext> dbs, TimeProvider clock, ILogger<ApiKeyStore>? log = null)
    : IAsyncDisposable, IDisposable
{
    public const string KeyPrefix = "ld_";
    public const string AuditCreate = "apikey.create";
    public const string AuditRevoke = "apikey.revoke";
    /// <summary>Last-used is written at most this often per key, so reads do not queue behind the one SQLite writer.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Per key, the use this process last took it upon itself to record: one write per key and resolution,
    /// however many requests arrive at once.</summary>
    private readonly ConcurrentDictionary<long, DateTimeOffset> _usageClaims = new();
    private readonly ConcurrentDictionary<Task, bool> _usageWrites = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _usageWritesMade;

    /// <summary>Last-used writes this store has made (a write that found the key already recorded counts too).</summary>
    public long UsageWrites => Interlocked.Read(ref _usageWritesMade);

    public async Task<(ApiKeyRow Key, string Secret)> CreateAsync(string? name, string? merchantCode, string actor, CancellationToken ct = default)
    {
        var trimmed = (name ?? "").Trim();
        if (trimmed.Length is 0 or > 100) throw new ApiKeyInputException("name", "名称 Name: 1–100 characters");
        if (trimmed.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format))
            throw new ApiKeyInputException("name", "名称 Name: no control or invisible characters (line breaks, NUL, zero-width, direction marks)");
        await using var db = await dbs.CreateDbContextAsync(ct);
        long? merchantId = null;
        var code = string.IsNullOrWhiteSpace(merchantCode) ? null : merchantCode.Trim();
        if (code is not null)
        {
            merchantId = await db.Merchants.Where(m => m.Code == code).Select(m => (long?)m.Id).FirstOrDefaultAsync(ct)
                ?? throw new ApiKeyInputException("merchant", $"没有该商户 No merchant with code \"{code}\"");
        }

        var secret = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        var key = new ApiKey(trimmed, secret[..11], HashOf(secret), merchantId, now, actor);
        db.ApiKeys.Add(key);
        db.AuditLog.Add(new AuditLogEntry(now, actor, AuditCreate, $"apikey:{key.Prefix}", null,
            code is null ? $"name={trimmed}; scope=platform" : $"name={trimmed}; scope=merchant {code}"));
        await db.SaveChangesAsync(ct);
        return (new ApiKeyRow(key.Id, key.Name, key.Prefix, code, key.CreatedAt, key.CreatedBy, null, null, null), secret);
    }

    /// <summary>All keys, newest first (a platform has a handful; no paging needed).</summary>
    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rows = await (from k in db.ApiKeys.AsNoTracking()
                          join m in db.Merchants on k.MerchantId equals m.Id into ms
                          from m in ms.DefaultIfEmpty()
                          orderby k.Id descending
                          select new { k, Code = m == null ? null : m.Code }).ToListAsync(ct);
        return rows.Select(r => new ApiKeyRow(r.k.Id, r.k.Name, r.k.Prefix, r.Code, r.k.CreatedAt, r.k.CreatedBy, r.k.RevokedAt, r.k.RevokedBy, r.k.LastUsedAt)).ToList();
    }

    /// <summary>Revokes a key (at once: the next request with it is 401). False when there is no such key or it was revoked already.</summary>
    public async Task<bool> RevokeAsync(long id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || key.IsRevoked) return false;
        var now = clock.GetUtcNow();
        key.Revoke(now, actor);
        db.AuditLog.Add(new AuditLogEntry(now, actor, AuditRevoke, $"apikey:{key.Prefix}", "active", "revoked"));
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// The caller a presented key stands for, or null when it is unknown or revoked. When the key's last use is older
    /// than <see cref="LastUsedResolution"/>, one request (per key and resolution, in this process) starts writing the
    /// new one in the background. The request does not wait for it: the write needs SQLite's one writer, which an
    /// engine batch or a nightly step may hold, and a request must neither wait for that nor fail because of it.
    /// A write that fails is logged and left to the next request.
    /// </summary>
    public async Task<ApiCaller?> AuthenticateAsync(string presented, CancellationToken ct = default)
    {
        if (!presented.StartsWith(KeyPrefix, StringComparison.Ordinal) || presented.Length > 100) return null;
        var hash = HashOf(presented);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await (from k in db.ApiKeys.AsNoTracking()
                         where k.Hash == hash && k.RevokedAt == null
                         join m in db.Merchants on k.MerchantId equals m.Id into ms
                         from m in ms.DefaultIfEmpty()
                         select new { k.Id, k.Name, k.MerchantId, Code = m == null ? null : m.Code, k.LastUsedAt }).FirstOrDefaultAsync(ct);
        if (row is null) return null;
        var now = clock.GetUtcNow();
        if ((row.LastUsedAt is null || now - row.LastUsedAt.Value >= LastUsedResolution) && TryClaimUsage(row.Id, now))
            TrackUsageWrite(RecordUseAsync(row.Id, now));
        return new ApiCaller(row.Id, row.Name, row.MerchantId, row.Code);
    }

    /// <summary>Completes when every last-use write started so far has finished (written, or failed and logged).</summary>
    public Task UsageRecorded() => Task.WhenAll(_usageWrites.Keys);

    private bool TryClaimUsage(long keyId, DateTimeOffset now)
    {
        while (true)
        {
            if (!_usageClaims.TryGetValue(keyId, out var claimed))
            {
                if (_usageClaims.TryAdd(keyId, now)) return true;
                continue;
            }
            if (now - claimed < LastUsedResolution) return false;
            if (_usageClaims.TryUpdate(keyId, now, claimed)) return true;
        }
    }

    private void TrackUsageWrite(Task write)
    {
        _usageWrites.TryAdd(write, true);
        _ = write.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, bool>)state!).TryRemove(t, out _), _usageWrites,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RecordUseAsync(long keyId, DateTimeOffset now)
    {
        await Task.Yield(); // off the request's path before the first database call
        try
        {
            var stop = _stopping.Token;
            await using var db = await dbs.CreateDbContextAsync(stop);
            var threshold = now - LastUsedResolution;
            await db.ApiKeys.Where(k => k.Id == keyId && (k.LastUsedAt == null || k.LastUsedAt <= threshold))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), stop);
            Interlocked.Increment(ref _usageWritesMade);
        }
        catch (Exception e)
        {
            // Informational only: give the claim back so a later request tries again.
            _usageClaims.TryRemove(KeyValuePair.Create(keyId, now));
            if (!_stopping.IsCancellationRequested) log?.LogWarning(e, "The last use of API key #{KeyId} was not recorded", keyId);
        }
    }

    /// <summary>Lets the last-use writes in progress finish (each is one short statement; a busy database is given up on).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        try { await UsageRecorded().WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (TimeoutException) { }
        await _stopping.CancelAsync();
        await UsageRecorded();
        _stopping.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal static string HashOf(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
