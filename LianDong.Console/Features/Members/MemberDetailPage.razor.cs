using System.Globalization;
using LianDong.Console.Features.Shared;
using LianDong.Console.Localization;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace LianDong.Console.Features.Members;

/// <summary>
/// One member: facts, relations, balances, rank history, channel tasks and the ledger on a server-paged grid whose
/// filters live in the URL. Admins and finance read it; only admins see the actions (appoint, open the team tree).
/// </summary>
public partial class MemberDetailPage
{
    [Inject] private MembersService Members { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private IStringLocalizer<MembersText> T { get; set; } = default!;
    [Inject] private IStringLocalizer<UiText> L { get; set; } = default!;

    [Parameter] public string ExternalId { get; set; } = "";
    [CascadingParameter] private Task<AuthenticationState> Auth { get; set; } = default!;

    private static readonly GridQuery.Defaults Defaults = new(PageSize: 25);
    private GridQuery query = default!;
    private GridView<LedgerRow>? entries;
    private MemberDetail? detail;
    private bool loaded, isAdmin;
    private long? entryTotal;

    protected override async Task OnParametersSetAsync()
    {
        isAdmin = (await Auth).User.IsInRole(AppRoles.PlatformAdmin);
        query = GridQuery.Parse(Nav.Uri, Defaults);
        detail = await Members.GetAsync(ExternalId);
        loaded = true;
    }

    private async Task<GridData<LedgerRow>> LoadEntriesAsync(GridQuery q, CancellationToken ct)
    {
        if (detail is null) return new() { Items = [], TotalItems = 0 };
        var filter = new EntryFilter(EnumOf<EntryKind>(q.Filter("kind")), EnumOf<EntryStatus>(q.Filter("status")), DayOf(q.Filter("from")), DayOf(q.Filter("to")));
        var (rows, total) = await Members.GetEntriesAsync(detail.Member.Id, filter, q.Page * q.PageSize, q.PageSize, ct);
        entryTotal = total;
        await InvokeAsync(StateHasChanged);
        return new() { Items = rows, TotalItems = (int)Math.Min(total, int.MaxValue) };
    }

    private async Task ExportAsync()
    {
        // The grid's date filter is the natural range; without one, this month so far.
        var today = PlatformTime.LocalDate(Time.GetUtcNow());
        var parameters = new DialogParameters<LedgerExportDialog>
        {
            { d => d.Member, ExternalId },
            { d => d.From, DayOf(query.Filter("from")) ?? new DateOnly(today.Year, today.Month, 1) },
            { d => d.To, DayOf(query.Filter("to")) ?? today },
        };
        await Dialogs.ShowAsync<LedgerExportDialog>(T["ExportTitle"], parameters, new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Small });
    }

    private async Task AppointAsync()
    {
        if (detail is null) return;
        var m = detail.Member;
        var ok = await Dialogs.ConfirmAsync(T["AppointTitle"], T["AppointMessage", m.ExternalId],
            [(T["MemberId"], m.ExternalId), (T["Name"], m.Name ?? "—"), (T["Rank"], $"{Display.Rank(m.Rank)} → {Display.Rank(MemberRank.Partner)}")],
            T["AppointConfirm"]);
        if (!ok) return;
        var outcome = await Members.AppointPartnerAsync(ExternalId);
        if (outcome.Ok) Snackbar.Done(T["Appointed", m.ExternalId]); else Snackbar.Refused(outcome.Error!);
        detail = await Members.GetAsync(ExternalId);
    }

    private RenderFragment Related(RelatedMember? r) => builder =>
    {
        if (r is null) { builder.AddContent(0, "—"); return; }
        builder.OpenElement(1, "a");
        builder.AddAttribute(2, "href", $"members/{Uri.EscapeDataString(r.ExternalId)}");
        builder.AddContent(3, r.Label);
        builder.CloseElement();
    };

    private static IEnumerable<(EntryStatus, long)> Balances(MemberBalances b) =>
    [
        (EntryStatus.Pending, b.PendingFen), (EntryStatus.Frozen, b.FrozenFen), (EntryStatus.Available, b.AvailableFen),
        (EntryStatus.Paid, b.PaidFen), (EntryStatus.Cancelled, b.CancelledFen), (EntryStatus.Forfeited, b.ForfeitedFen),
    ];

    /// <summary>The engine's reason code in words; an unknown code is shown as it is rather than hidden.</summary>
    private string ReasonOf(string code) => T["Reason." + code] is { ResourceNotFound: false } s ? s.Value : code;

    private DateTime? DateOf(string key) => DayOf(query.Filter(key))?.ToDateTime(TimeOnly.MinValue);

    private static DateOnly? DayOf(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private static string? Iso(DateTime? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static TEnum? EnumOf<TEnum>(string? text) where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(text, out var v) && Enum.IsDefined(v) && !int.TryParse(text, out _) ? v : null;
}
