using System.Net;
using System.Text;
using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Rewards;
using LianDong.Domain.Settlement;
using LianDong.Domain.Identity;
using LianDong.Domain.Payouts;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Finance;

/// <summary>
/// Issue 13: the bank file over real HTTP. It carries the full account number, name and bank, only for finance users,
/// as .xlsx or CSV (UTF-8 with BOM or GB18030), in the columns of a bank batch-transfer template; every download is
/// audited; a batch that is not approved, or is cancelled or closed, gets a problem (409) and no file.
/// </summary>
public class BankFileHttpTests : IClassFixture<BankFileFixture>
{
    private readonly BankFileFixture fx;
    public BankFileHttpTests(BankFileFixture fx) => this.fx = fx;

    private static readonly string[] Header = ["收款账号", "收款户名", "开户行", "金额(元)", "用途", "参考号"];

    [Fact]
    public async Task The_bank_file_of_an_approved_batch_has_every_line_with_the_full_account_in_xlsx_and_both_csv_encodings()
    {
        var batch = await fx.ApprovedBatchAsync();
        var expected = await fx.ExpectedLinesAsync(batch.Id);
        Assert.Equal(2, expected.Count);
        var client = await fx.SignedInAsync(fx.Finance2);

        var xlsx = await client.GetAsync($"/exports/payouts/{batch.Id}.xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        using (var x = new XlsxReader(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync())))
        {
            var rows = XlsxReader.Rows(x.Sheet("批量代发"));
            Assert.Equal(Header, rows[0].Elements<DocumentFormat.OpenXml.Spreadsheet.Cell>().Select(XlsxReader.Text));
            Assert.Equal(expected.Count + 1, rows.Count); // one header row, no totals row: a bank reads every row as a payment
            var got = rows.Skip(1).Select(r => new[] { "A", "B", "C", "D", "E", "F" }.Select(c => XlsxReader.Text(XlsxReader.CellAt(r, c))).ToArray()).ToList();
            Assert.Equal(expected, got);
            Assert.True(XlsxReader.IsNumber(XlsxReader.CellAt(rows[1], "D")));
        }

        var utf8 = await client.GetAsync($"/exports/payouts/{batch.Id}.csv?encoding=utf-8");
        Assert.Equal(HttpStatusCode.OK, utf8.StatusCode);
        var bytes = await utf8.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        AssertCsv(Encoding.UTF8.GetString(bytes[3..]), expected);

        var gbk = await client.GetAsync($"/exports/payouts/{batch.Id}.csv?encoding=gb18030");
        Assert.Equal(HttpStatusCode.OK, gbk.StatusCode);
        Assert.Contains("gb18030", gbk.Content.Headers.ContentType!.ToString(), StringComparison.OrdinalIgnoreCase);
        var gbkBytes = await gbk.Content.ReadAsByteArrayAsync();
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(gbkBytes)); // really GBK, not UTF-8
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        AssertCsv(Encoding.GetEncoding("GB18030").GetString(gbkBytes), expected);

        // Every download is audited: who, which batch, which format; the first one moved the batch to Exported.
        await using var db = await fx.Db.CreateDbContextAsync();
        var audits = await db.AuditLog.Where(a => a.Action == AuditActions.PayoutExport && a.Subject == $"payout:{batch.Reference}").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(3, audits.Count);
        Assert.All(audits, a => Assert.Equal(fx.Finance2, a.Actor));
        Assert.Equal(["bank file xlsx; lines=2", "bank file csv utf-8; lines=2", "bank file csv gb18030; lines=2"], audits.Select(a => a.NewValue));
        Assert.Equal(PayoutBatchStatus.Exported, (await fx.Payouts.GetBatchAsync(batch.Id))!.Status);
    }

    /// <summary>The CSV text against the expected fields, quoted as RFC 4180 says (a field with a comma or quote).</summary>
    private static void AssertCsv(string text, IReadOnlyList<string[]> expected)
    {
        static string Quote(string f) => f.Contains(',') || f.Contains('"') ? "\"" + f.Replace("\"", "\"\"") + "\"" : f;
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(",", Header), lines[0]);
        Assert.Equal(expected.Select(e => string.Join(",", e.Select(Quote))), lines.Skip(1));
    }

    [Fact]
    public async Task The_bank_file_pays_the_account_the_batch_was_built_with_even_if_it_changed_since()
    {
        var batch = await fx.ApprovedBatchAsync();
        var before = await fx.ExpectedLinesAsync(batch.Id);
        await fx.Services.GetRequiredService<PayoutAccountService>().SetAsync("A", "冒名顶替", "其他银行", "6200000000009999", "attacker");
        var client = await fx.SignedInAsync(fx.Finance2);
        var csv = await client.GetAsync($"/exports/payouts/{batch.Id}.csv");
        var text = Encoding.UTF8.GetString((await csv.Content.ReadAsByteArrayAsync())[3..]);
        Assert.DoesNotContain("6200000000009999", text);
        AssertCsv(text, before);
    }

    [Theory]
    [InlineData(AppRoles.PlatformAdmin)]
    [InlineData(AppRoles.Merchant)]
    public async Task Only_finance_users_may_download_a_bank_file(string role)
    {
        var batch = await fx.ApprovedBatchAsync();
        var client = await fx.SignedInAsync(fx.UserFor(role));
        foreach (var url in new[] { $"/exports/payouts/{batch.Id}.xlsx", $"/exports/payouts/{batch.Id}.csv" })
        {
            var response = await client.GetAsync(url);
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden
                || (response.StatusCode == HttpStatusCode.Redirect && response.RedirectPath() == "/account/access-denied"), $"{role} {url}: {response.StatusCode}");
        }
        Assert.Equal(PayoutBatchStatus.Approved, (await fx.Payouts.GetBatchAsync(batch.Id))!.Status);
    }

    [Fact]
    public async Task A_batch_that_is_not_approved_or_was_cancelled_gets_a_problem_and_no_file()
    {
        var client = await fx.SignedInAsync(fx.Finance2);
        var built = await fx.BuiltBatchAsync();
        foreach (var url in new[] { $"/exports/payouts/{built.Id}.xlsx", $"/exports/payouts/{built.Id}.csv?encoding=gb18030" })
        {
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Contains("is not approved yet", await response.Content.ReadAsStringAsync());
        }
        await fx.Payouts.CancelAsync(built.Id, fx.Finance1);
        var cancelled = await client.GetAsync($"/exports/payouts/{built.Id}.xlsx");
        Assert.Equal(HttpStatusCode.Conflict, cancelled.StatusCode);
        Assert.Contains("was cancelled", await cancelled.Content.ReadAsStringAsync());

        await using var db = await fx.Db.CreateDbContextAsync();
        Assert.Equal(3, await db.AuditLog.CountAsync(a => a.Action == AuditActions.PayoutRefused && a.Subject == $"payout:{built.Reference}" && a.Actor == fx.Finance2));
        Assert.Equal(PayoutBatchStatus.Cancelled, (await fx.Payouts.GetBatchAsync(built.Id))!.Status);

        var bad = await client.GetAsync($"/exports/payouts/{built.Id}.csv?encoding=latin1");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"encoding\"", await bad.Content.ReadAsStringAsync());
    }
}

/// <summary>
/// A console host whose rule set took effect ten days ago, with the worked example's orders then and last night's
/// settlement, so A and D have money available; two finance users, an admin and a merchant user. Each test takes a
/// fresh batch: the previous one is cancelled or closed first.
/// </summary>
public sealed class BankFileFixture : IAsyncLifetime
{
    private readonly ConsoleFactory factory = new();
    private readonly Dictionary<string, string> passwords = [];
    private readonly SemaphoreSlim one = new(1, 1);
    public string Finance1 { get; } = TestSecrets.NewEmail("fin1");
    public string Finance2 { get; } = TestSecrets.NewEmail("fin2");
    public string Merchant { get; } = TestSecrets.NewEmail("shop");
    public IServiceProvider Services => factory.Services;
    public IDbContextFactory<LianDongDbContext> Db => Services.GetRequiredService<IDbContextFactory<LianDongDbContext>>();
    public PayoutService Payouts => Services.GetRequiredService<PayoutService>();

    public string UserFor(string role) => role switch
    {
        AppRoles.PlatformAdmin => factory.AdminEmail,
        AppRoles.Merchant => Merchant,
        _ => Finance2,
    };

    public async Task InitializeAsync()
    {
        factory.CreateClient().Dispose();
        passwords[factory.AdminEmail] = factory.AdminPassword;
        passwords[Finance1] = await factory.CreateUserAsync(Finance1, AppRoles.Finance);
        passwords[Finance2] = await factory.CreateUserAsync(Finance2, AppRoles.Finance);
        passwords[Merchant] = await factory.CreateUserAsync(Merchant, AppRoles.Merchant);
        var t0 = DateTimeOffset.UtcNow.AddDays(-14);
        await PastWorkedExample.SeedAsync(Services, "BANK", t0, firstNight);
        var accounts = Services.GetRequiredService<PayoutAccountService>();
        await accounts.SetAsync("A", "王小明", "招商银行上海分行", "6225 8801 1234 5678", "test");
        await accounts.SetAsync("D", "李四,\"小\"", "中国建设银行", "6227001234567890", "test"); // a comma and quotes: CSV quoting
        this.t0 = t0;
    }

    // Orders two weeks ago settle by the night five days ago; each later round of fresh money settles one night later.
    private DateTimeOffset t0;
    private readonly DateOnly firstNight = PlatformTime.LocalDate(DateTimeOffset.UtcNow).AddDays(-5);
    private int round;

    /// <summary>Fresh money for A and D: a new buyer under each, settled by the next night.</summary>
    private async Task MoreMoneyAsync()
    {
        round++;
        Assert.True(round <= 4, "the fixture has fresh money for four batches");
        var engine = Services.GetRequiredService<RewardEngineService>();
        var at = t0.AddHours(round);
        foreach (var referrer in new[] { "A", "D" })
        {
            var m = $"{referrer}{round}";
            await engine.ApplyAsync(new RegisterMember(m, referrer, at));
            await engine.ApplyAsync(new PayPackOrder("o" + m, m, "GP499", at.AddMinutes(1)));
            at = at.AddMinutes(5);
        }
        await Services.GetRequiredService<NightlyRunService>().RunAsync(firstNight.AddDays(round), "test");
    }

    /// <summary>A batch built by finance user 1 from fresh money (the earlier batches are closed or cancelled first).</summary>
    public async Task<PayoutBatch> BuiltBatchAsync()
    {
        await one.WaitAsync();
        try
        {
            await using (var db = await Db.CreateDbContextAsync())
            {
                foreach (var open in await db.PayoutBatches.Where(b => b.Status == PayoutBatchStatus.Created).Select(b => b.Id).ToListAsync())
                    await Payouts.CancelAsync(open, Finance1);
                foreach (var open in await db.PayoutBatches.Where(b => b.Status == PayoutBatchStatus.Approved || b.Status == PayoutBatchStatus.Exported).Select(b => b.Id).ToListAsync())
                {
                    await Payouts.RecordExportAsync(open, Finance1);
                    foreach (var l in (await Payouts.GetLinesAsync(open)).Where(l => l.Status == PayoutLineStatus.Pending))
                        await Payouts.ResolveLineAsync(l.Id, true, null, Finance1);
                }
                if (!await db.LedgerEntries.AnyAsync(e => e.Status == LianDong.Domain.Ledger.EntryStatus.Available && e.AmountFen > 0))
                    await MoreMoneyAsync();
            }
            return await Payouts.BuildAsync(Finance1);
        }
        finally { one.Release(); }
    }

    public async Task<PayoutBatch> ApprovedBatchAsync()
    {
        var batch = await BuiltBatchAsync();
        await Payouts.ApproveAsync(batch.Id, factory.AdminEmail);
        return (await Payouts.GetBatchAsync(batch.Id))!;
    }

    /// <summary>The bank file's lines as fields 账号, 户名, 开户行, 金额, 用途, 参考号, from the batch's lines and the accounts as set now.</summary>
    public async Task<IReadOnlyList<string[]>> ExpectedLinesAsync(long batchId)
    {
        var accounts = Services.GetRequiredService<PayoutAccountService>();
        var result = new List<string[]>();
        foreach (var l in (await Payouts.GetLinesAsync(batchId)).OrderBy(l => l.Id))
        {
            var d = (await accounts.GetDetailsAsync(l.MemberId))!;
            result.Add([d.AccountNo, d.AccountName, d.BankName, $"{l.AmountFen / 100}.{l.AmountFen % 100:D2}", "奖励提现", l.Reference]);
        }
        return result;
    }

    public async Task<HttpClient> SignedInAsync(string email)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await FormLogin.SignInAsync(client, email, passwords[email]);
        return client;
    }

    public Task DisposeAsync()
    {
        factory.Dispose();
        return Task.CompletedTask;
    }
}
