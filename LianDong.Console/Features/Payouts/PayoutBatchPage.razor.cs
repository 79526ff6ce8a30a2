using LianDong.Console.Features.Shared;
using LianDong.Console.Localization;
using LianDong.Domain.Payouts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace LianDong.Console.Features.Payouts;

/// <summary>
/// One payout batch on its own page: its lines (server-paged, the page in the URL) and what its status allows —
/// approve or cancel, the bank file, marking lines, importing the bank's result. Every action asks first, stating the
/// amount and the count, and says afterwards what it did.
/// </summary>
public partial class PayoutBatchPage
{
    /// <summary>The batch's id from the URL; not a number shows "no data" (the route takes any text, so every role gets its own answer, not a 404).</summary>
    [Parameter] public string Batch { get; set; } = "";

    private long BatchId => long.TryParse(Batch, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : 0;

    [Inject] private PayoutPageService Payouts { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private IStringLocalizer<PayoutsText> T { get; set; } = default!;
    [Inject] private IStringLocalizer<UiText> L { get; set; } = default!;

    private static readonly GridQuery.Defaults Defaults = new(PageSize: 50, SortBy: null);
    private GridQuery query = default!;
    private GridView<PayoutLineRow>? grid;
    private PayoutBatch? batch;
    private bool loaded, busy;
    private PayoutImportView? import;
    private string? failReason;

    protected override async Task OnParametersSetAsync()
    {
        query = GridQuery.Parse(Nav.Uri, Defaults);
        batch = await Payouts.GetAsync(BatchId);
        loaded = true;
    }

    /// <summary>Server-side paging: only the page shown is read, however many lines the batch has.</summary>
    private async Task<GridData<PayoutLineRow>> LoadAsync(GridQuery q, CancellationToken ct)
    {
        var rows = await Payouts.LinesPageAsync(BatchId, q.Page * q.PageSize, q.PageSize, ct);
        return new() { Items = rows, TotalItems = batch?.LineCount ?? 0 };
    }

    private async Task ReloadAsync()
    {
        batch = await Payouts.GetAsync(BatchId);
        StateHasChanged();
        if (grid is not null) await grid.ReloadAsync();
    }

    /// <summary>Asks, runs <paramref name="action"/>, and toasts <paramref name="done"/> or the refusal; then shows the batch as it is now.</summary>
    private async Task ActAsync(string title, string message, IReadOnlyList<(string, string)> facts, string confirm, bool danger,
        Func<Task<Outcome>> action, string done)
    {
        if (busy || !await Dialogs.ConfirmAsync(title, message, facts, confirm, danger)) return;
        busy = true;
        try
        {
            var outcome = await action();
            if (outcome.Ok) Snackbar.Done(done); else Snackbar.Refused(outcome.Error!);
            import = null;
            await ReloadAsync();
        }
        finally { busy = false; }
    }

    private (string, string)[] BatchFacts() =>
        [(T["Batch"], batch!.Reference), (T["Fact.Members"], Display.Count(batch.LineCount)), (T["Amount"], Display.Yuan(batch.TotalFen))];

    private Task ApproveAsync() => ActAsync(PayoutsText.Format("Confirm.Approve.Title", batch!.Reference), T["Confirm.Approve.Message"], BatchFacts(),
        T["Approve"], false, () => Payouts.ApproveAsync(BatchId), PayoutsText.Format("Done.Approved", batch.Reference));

    private Task CancelAsync() => ActAsync(PayoutsText.Format("Confirm.Cancel.Title", batch!.Reference), T["Confirm.Cancel.Message"], BatchFacts(),
        T["CancelBatch"], true, () => Payouts.CancelAsync(BatchId), PayoutsText.Format("Done.Cancelled", batch.Reference));

    private Task ResolveAsync(PayoutLineRow line, bool paid)
    {
        List<(string, string)> facts = [(T["Member"], line.MemberExternalId), (T["AccountNo"], line.MaskedAccountNo), (T["Amount"], Display.Yuan(line.AmountFen))];
        if (!paid) facts.Add((T["FailReason"], string.IsNullOrWhiteSpace(failReason) ? "—" : failReason.Trim()));
        return paid
            ? ActAsync(PayoutsText.Format("Confirm.Paid.Title", line.Reference), T["Confirm.Paid.Message"], facts, T["MarkPaid"], false,
                () => Payouts.ResolveLineAsync(line.Id, true, null), PayoutsText.Format("Done.Paid", line.Reference))
            : ActAsync(PayoutsText.Format("Confirm.Failed.Title", line.Reference), T["Confirm.Failed.Message"], facts, T["MarkFailed"], true,
                () => Payouts.ResolveLineAsync(line.Id, false, failReason), PayoutsText.Format("Done.Failed", line.Reference));
    }

    /// <summary>
    /// The browser downloads the bank file by itself; the first download moves the batch to Exported on the server, so
    /// the page looks again until it sees the move (a few seconds at most), then offers the line marks and the import.
    /// </summary>
    private async Task AfterDownloadAsync()
    {
        if (batch is not { Status: PayoutBatchStatus.Approved }) return;
        for (var i = 0; i < 40; i++)
        {
            await Task.Delay(250);
            if ((await Payouts.GetAsync(BatchId))?.Status != PayoutBatchStatus.Approved)
            {
                await ReloadAsync();
                Snackbar.Done(T["Done.Exported"]);
                return;
            }
        }
    }

    private async Task ImportAsync(InputFileChangeEventArgs e)
    {
        using var copy = new MemoryStream(); // the bank's result file is small (a line per payment)
        await using (var upload = e.File.OpenReadStream(10 * 1024 * 1024)) await upload.CopyToAsync(copy);
        copy.Position = 0;
        var (rows, sumFen) = PayoutPageService.Inspect(copy);
        copy.Position = 0;
        if (busy || !await Dialogs.ConfirmAsync(PayoutsText.Format("Confirm.Import.Title", batch!.Reference), T["Confirm.Import.Message"],
                [(T["Fact.File"], e.File.Name), (T["Fact.Rows"], Display.Count(rows)), (T["Amount"], Display.Yuan(sumFen))], T["ImportResult"]))
            return;
        busy = true;
        try
        {
            var result = await Payouts.ImportResultAsync(BatchId, copy);
            await ReloadAsync();
            import = result;
            if (result.Applied) Snackbar.Done(T["Done.Imported"]);
        }
        finally { busy = false; }
    }

    private static string ButtonClass(bool primary) => primary
        ? "mud-button-root mud-button mud-button-filled mud-button-filled-primary mud-button-filled-size-medium"
        : "mud-button-root mud-button mud-button-outlined mud-button-outlined-primary mud-button-outlined-size-medium";

    private static string LineText(PayoutLineRow l) => l.Status == PayoutLineStatus.Failed
        ? PayoutsText.Format("LineStatus.FailedBecause", l.FailureReason)
        : PayoutsText.Get("LineStatus." + l.Status);
}
