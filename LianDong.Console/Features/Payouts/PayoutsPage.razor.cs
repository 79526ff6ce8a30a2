using LianDong.Console.Features.Shared;
using LianDong.Domain.Payouts;
using MudBlazor;

namespace LianDong.Console.Features.Payouts;

/// <summary>The payouts list: preview and build a batch, and every batch (a batch opens on its own page).</summary>
public partial class PayoutsPage
{
    private static readonly GridQuery.Defaults Defaults = new(PageSize: 25, SortBy: null);
    private GridQuery query = default!;
    private GridView<PayoutBatch>? grid;
    private PayoutPreview? preview;

    /// <summary>The long action under way (a preview or build reads every Available balance: ~1.5 s at a million members).</summary>
    private enum Busy { Preview, Build }
    private Busy? busy;

    protected override void OnInitialized() => query = GridQuery.Parse(Nav.Uri, Defaults);

    private async Task<GridData<PayoutBatch>> LoadAsync(GridQuery q, CancellationToken ct)
    {
        var (rows, total) = await Payouts.BatchesPageAsync(q.Page * q.PageSize, q.PageSize, ct);
        return new() { Items = rows, TotalItems = total };
    }

    private async Task WhileBusyAsync(Busy what, Func<Task> action)
    {
        if (busy is not null) return;
        busy = what;
        try { await action(); }
        finally { busy = null; }
    }

    private Task PreviewAsync() => WhileBusyAsync(Busy.Preview, async () => preview = await Payouts.PreviewAsync());

    private async Task BuildAsync()
    {
        if (preview is not { Included.Count: > 0 } shown) return;
        var ok = await Dialogs.ConfirmAsync(T["Confirm.Build.Title"], T["Confirm.Build.Message"],
            [(T["Fact.Members"], Display.Count(shown.Included.Count)), (T["Amount"], Display.Yuan(shown.TotalFen))], T["Build"]);
        if (!ok) return;
        await WhileBusyAsync(Busy.Build, async () =>
        {
            var (outcome, id) = await Payouts.BuildAsync();
            if (!outcome.Ok) { Snackbar.Refused(outcome.Error!); return; }
            Snackbar.Done(PayoutsText.Format("Done.Built", PayoutBatch.ReferenceOf(id!.Value)));
            preview = null;
            Nav.NavigateTo($"/payouts/{id}");
        });
    }

    private async Task AccountAsync(string memberExternalId)
    {
        var dialog = await Dialogs.ShowAsync<PayoutAccountDialog>(PayoutsText.Format("Account.Title", memberExternalId),
            new DialogParameters<PayoutAccountDialog> { { d => d.MemberExternalId, memberExternalId } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        if (result is { Canceled: false })
        {
            Snackbar.Done(T["Done.AccountSaved"]);
            if (preview is not null) preview = await Payouts.PreviewAsync();
        }
    }

    internal static Color StatusColor(PayoutBatchStatus s) => s switch
    {
        PayoutBatchStatus.Created => Color.Warning,
        PayoutBatchStatus.Approved => Color.Info,
        PayoutBatchStatus.Exported => Color.Primary,
        PayoutBatchStatus.Closed => Color.Success,
        _ => Color.Default,
    };
}
