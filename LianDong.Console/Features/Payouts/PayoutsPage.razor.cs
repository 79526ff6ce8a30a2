using LianDong.Console.Features.Shared;
using LianDong.Domain.Payouts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Radzen;
using Radzen.Blazor;

namespace LianDong.Console.Features.Payouts;

public partial class PayoutsPage
{
    [Inject] private PayoutPageService Payouts { get; set; } = default!;
    [Inject] private DialogService Dialogs { get; set; } = default!;

    private PayoutPreview? preview;
    private IReadOnlyList<PayoutBatch>? batches;
    private PayoutBatch? selected;
    private const int LinesPageSize = 50;
    private RadzenDataGrid<PayoutLineRow>? linesGrid;
    private IReadOnlyList<PayoutLineRow>? lines;
    private bool linesLoading;
    private PayoutImportResult? importResult;
    private string? message, failReason;
    private bool messageOk;

    protected override async Task OnInitializedAsync() => batches = await Payouts.ListAsync();

    /// <summary>The long action under way (a preview or build reads every Available balance: ~1.5 s at a million members).</summary>
    private enum Busy { Preview, Build, Approve }
    private Busy? busy;

    private async Task WhileBusyAsync(Busy what, Func<Task> action)
    {
        if (busy is not null) return;
        busy = what;
        try { await action(); }
        finally { busy = null; }
    }

    private Task PreviewAsync() => WhileBusyAsync(Busy.Preview, async () => preview = await Payouts.PreviewAsync());

    private Task BuildAsync() => WhileBusyAsync(Busy.Build, BuildNowAsync);

    private async Task BuildNowAsync()
    {
        var (outcome, id) = await Payouts.BuildAsync();
        Say(outcome, "批次已生成，等待另一人审批 Batch built; a second finance user or an admin must approve it.");
        preview = null;
        batches = await Payouts.ListAsync();
        if (id is { } batchId && batches.FirstOrDefault(b => b.Id == batchId) is { } b) await SelectAsync(b);
    }

    private async Task SelectAsync(PayoutBatch batch)
    {
        var same = selected?.Id == batch.Id;
        selected = await Payouts.GetAsync(batch.Id);
        importResult = null;
        // Another batch gets a new grid (keyed by batch), which loads its first page; the same batch reloads the page shown.
        if (same && linesGrid is not null) await linesGrid.Reload();
    }

    /// <summary>Server-side paging: only the page shown is read, however many lines the batch has.</summary>
    private async Task LoadLinesAsync(LoadDataArgs args)
    {
        if (selected is null) return;
        linesLoading = true;
        lines = await Payouts.LinesPageAsync(selected.Id, args.Skip ?? 0, args.Top ?? LinesPageSize);
        linesLoading = false;
    }

    private async Task ReloadAsync()
    {
        batches = await Payouts.ListAsync();
        if (selected is not null) await SelectAsync(selected);
    }

    private Task ApproveAsync() => WhileBusyAsync(Busy.Approve, async () =>
    {
        Say(await Payouts.ApproveAsync(selected!.Id), "已审批，余额已转为已提现 Approved: the members' available entries are now Paid.");
        await ReloadAsync();
    });

    private async Task CancelAsync()
    {
        Say(await Payouts.CancelAsync(selected!.Id), "批次已作废 Batch cancelled; its members can go into a new batch.");
        await ReloadAsync();
    }

    private async Task ResolveAsync(PayoutLineRow line, bool paid)
    {
        Say(await Payouts.ResolveLineAsync(line.Id, paid, failReason),
            paid ? $"{line.Reference} 已付 marked paid." : $"{line.Reference} 失败 marked failed; the amount is available to the member again.");
        await ReloadAsync();
    }

    /// <summary>
    /// The browser downloads the bank file by itself; the first download moves the batch to Exported on the server, so
    /// the page looks again until it sees the move (a few seconds at most), then offers the line marks and the import.
    /// </summary>
    private async Task AfterDownloadAsync()
    {
        if (selected is not { Status: PayoutBatchStatus.Approved } batch) return;
        for (var i = 0; i < 40; i++)
        {
            await Task.Delay(250);
            if ((await Payouts.GetAsync(batch.Id))?.Status != PayoutBatchStatus.Approved)
            {
                await ReloadAsync();
                Say(Outcome.Success, "银行文件已导出 Bank file made: mark the lines or import the bank's result when it comes back.");
                return;
            }
        }
    }

    private async Task ImportAsync(InputFileChangeEventArgs e)
    {
        await using var upload = e.File.OpenReadStream(10 * 1024 * 1024);
        using var copy = new MemoryStream(); // the bank's result file is small (a line per payment)
        await upload.CopyToAsync(copy);
        copy.Position = 0;
        var result = await Payouts.ImportResultAsync(selected!.Id, copy);
        message = null;
        await ReloadAsync(); // clears the last result shown, so the new one is set after it
        importResult = result;
    }

    private async Task AccountAsync(string memberExternalId)
    {
        var saved = await Dialogs.OpenAsync<PayoutAccountDialog>($"收款账户 Payout account · {memberExternalId}",
            new() { ["MemberExternalId"] = memberExternalId }, new DialogOptions { Width = "30rem" });
        if (saved is true && preview is not null) preview = await Payouts.PreviewAsync();
    }

    private void Say(Outcome outcome, string ok)
    {
        messageOk = outcome.Ok;
        message = outcome.Ok ? ok : outcome.Error;
    }

    private static string StatusText(PayoutBatchStatus s) => s switch
    {
        PayoutBatchStatus.Created => "待审批 Awaiting approval",
        PayoutBatchStatus.Approved => "已审批 Approved",
        PayoutBatchStatus.Exported => "已导出 Exported",
        PayoutBatchStatus.Closed => "已完成 Closed",
        PayoutBatchStatus.Cancelled => "已作废 Cancelled",
        _ => s.ToString(),
    };

    private static string LineText(PayoutLineRow l) => l.Status switch
    {
        PayoutLineStatus.Pending => "待支付 Pending",
        PayoutLineStatus.Paid => "已付 Paid",
        PayoutLineStatus.Failed => $"失败 Failed: {l.FailureReason}",
        _ => l.Status.ToString(),
    };
}
