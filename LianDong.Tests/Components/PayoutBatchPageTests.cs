using Bunit;
using LianDong.Console.Features.Payouts;
using LianDong.Console.Features.Shared;
using LianDong.Console.Localization;
using LianDong.Domain.Identity;
using LianDong.Domain.Payouts;
using LianDong.Tests.Finance;
using LianDong.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace LianDong.Tests.Components;

/// <summary>
/// A payout batch's page (bUnit on the finance scenario's real database, signed in as a second finance user): an
/// action that moves money asks first, stating the amount and the count, changes nothing when the user says no, and
/// afterwards says what it did — or why it was refused — in the user's language.
/// </summary>
public class PayoutBatchPageTests : MudTestContext, IAsyncLifetime
{
    private readonly TestCurrentUser user = new();
    private EngineTestHost host = default!;
    private PayoutBatch batch = default!;

    private async Task<(IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<MudSnackbarProvider> Toasts, IRenderedComponent<PayoutBatchPage> Page)> RenderAsync(bool exported = false)
    {
        host = await FinanceScenario.CreateAsync("A", "D");
        batch = await host.Get<PayoutService>().BuildAsync("fin1@test");
        if (exported)
        {
            await host.Get<PayoutService>().ApproveAsync(batch.Id, "fin2@test");
            await host.Get<PayoutService>().RecordExportAsync(batch.Id, "fin2@test");
        }
        Services.AddSingleton(new PayoutPageService(host.Get<PayoutService>(), host.Get<PayoutAccountService>(), user, host.Db));
        user.SignIn("fin2@test", AppRoles.Finance);
        AddAuthorization().SetAuthorized("fin2@test").SetRoles(AppRoles.Finance);
        return (Render<MudDialogProvider>(), Render<MudSnackbarProvider>(), Render<PayoutBatchPage>(p => p.Add(x => x.Batch, batch.Id.ToString())));
    }

    private async Task<PayoutBatchStatus> StatusAsync() => (await host.Get<PayoutService>().GetBatchAsync(batch.Id))!.Status;

    [Fact]
    public async Task Cancelling_asks_with_the_amount_and_count_and_a_no_changes_nothing()
    {
        var (dialogs, toasts, page) = await RenderAsync();
        page.WaitForAssertion(() => Assert.Contains("待审批", page.Find("[data-testid=batch-title]").TextContent));

        page.Find("[data-testid=cancel-batch]").Click();
        var confirm = dialogs.WaitForElement(".mud-dialog");
        Assert.Contains($"作废 {batch.Reference}", confirm.TextContent);
        Assert.Contains(Display.Yuan(batch.TotalFen), confirm.TextContent);
        Assert.Contains($"会员数{batch.LineCount}", System.Text.RegularExpressions.Regex.Replace(confirm.TextContent, @"\s+", ""));
        dialogs.Find("[data-testid=confirm-cancel]").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll(".mud-dialog")));
        Assert.Equal(PayoutBatchStatus.Created, await StatusAsync());

        page.Find("[data-testid=cancel-batch]").Click();
        dialogs.WaitForElement("[data-testid=confirm-ok]").Click();
        page.WaitForAssertion(() => Assert.Contains("已作废", page.Find("[data-testid=batch-title]").TextContent));
        Assert.Equal(PayoutBatchStatus.Cancelled, await StatusAsync());
        toasts.WaitForAssertion(() => Assert.Contains($"{batch.Reference} 已作废，其会员可进入新批次", toasts.Markup));
        Assert.Empty(page.FindAll("[data-testid=approve-batch]"));
    }

    [Fact]
    public async Task A_line_marked_failed_without_a_reason_is_refused_in_English_and_stays_pending()
    {
        UseCulture(UiCulture.English);
        var (dialogs, toasts, page) = await RenderAsync(exported: true);
        var line = (await host.Get<PayoutService>().GetLinesAsync(batch.Id))[0];
        var failed = page.WaitForElement($"[data-testid=failed-{line.Reference}]");
        Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", page.Markup); // one language at a time: no Chinese label left in English
        Assert.Contains("Exported", page.Find("[data-testid=batch-title]").TextContent);

        failed.Click();
        var confirm = dialogs.WaitForElement(".mud-dialog");
        Assert.Contains($"Mark {line.Reference} failed", confirm.TextContent);
        Assert.Contains(Display.Yuan(line.AmountFen), confirm.TextContent);
        dialogs.Find("[data-testid=confirm-ok]").Click();

        toasts.WaitForAssertion(() => Assert.Contains("A failed line needs a reason.", toasts.Markup));
        Assert.DoesNotContain("请填写", toasts.Markup);
        Assert.Equal(PayoutLineStatus.Pending, (await host.Get<PayoutService>().GetLinesAsync(batch.Id))[0].Status);
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (host is not null) await host.DisposeAsync();
    }
}
