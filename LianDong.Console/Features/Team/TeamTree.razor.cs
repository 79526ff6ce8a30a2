using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace LianDong.Console.Features.Team;

/// <summary>Whose children a page holds: the forest's roots, a member's direct referrals, or the agents a partner leads.</summary>
public enum ChildrenKind { Roots, Referrals, Team }

public sealed record ChildrenOf(ChildrenKind Kind, long ParentId = 0);

/// <summary>A row of the tree: a member, or the "load more" row closing a page of its parent's children.</summary>
public sealed class TeamItem
{
    public MemberNode? Member { get; init; }
    public ChildrenOf? MoreOf { get; init; }
    public long AfterId { get; init; }
    public int Shown { get; init; }
    public long Total { get; init; }
}

public partial class TeamTree
{
    [Inject] private IScrollManager Scroll { get; set; } = default!;

    /// <summary>A page of children after an id: (whose, afterId) → page. TeamService in the page, a fake in tests.</summary>
    [Parameter, EditorRequired] public Func<ChildrenOf, long, Task<NodePage>> Load { get; set; } = default!;
    /// <summary>What the top level lists: the roots, or a partner's team.</summary>
    [Parameter] public ChildrenOf Top { get; set; } = new(ChildrenKind.Roots);
    /// <summary>The member being shown and its ancestors, root first (from TeamService.GetPathAsync); empty for none.</summary>
    [Parameter] public IReadOnlyList<MemberNode> Path { get; set; } = [];
    [Parameter] public long SelectedId { get; set; }

    private List<ITreeItemData<TeamItem>> items = [];
    private readonly Dictionary<long, ITreeItemData<TeamItem>> byMember = [];
    private bool scrollPending;

    /// <summary>Built once: the page gives the tree a new @key when the top level, the path or the selection changes.</summary>
    protected override async Task OnInitializedAsync()
    {
        var selected = Path.Count > 0 ? Path[^1] : null;
        if (Top.Kind == ChildrenKind.Roots && Path.Count > 0)
        {
            items = [Item(Path[0])];
            for (var i = 0; i < Path.Count - 1; i++)
            {
                var parent = byMember[Path[i].Id];
                parent.Children = await PageAsync(new(ChildrenKind.Referrals, Path[i].Id), [], 0, Path[i + 1]);
                parent.Expanded = true;
            }
        }
        else
        {
            items = [.. await PageAsync(Top, [], 0, selected)];
        }
        scrollPending = SelectedId != 0;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!scrollPending || !byMember.TryGetValue(SelectedId, out var item)) return;
        scrollPending = false;
        var id = item.Value!.Member!.ExternalId.Replace("\\", "\\\\").Replace("\"", "\\\"");
        await Scroll.ScrollIntoViewAsync($".ld-node-row[data-member=\"{id}\"]", ScrollBehavior.Smooth);
    }

    /// <summary>A member's first page of direct referrals, when it is opened for the first time.</summary>
    private async Task<IReadOnlyCollection<TreeItemData<TeamItem>>> ChildrenAsync(TeamItem? parent) =>
        parent?.Member is { } m ? await PageAsync(new(ChildrenKind.Referrals, m.Id), [], 0, null) : [];

    private async Task MoreAsync(ITreeItemData<TeamItem> row)
    {
        var more = row.Value!;
        var parent = more.MoreOf!.Kind == ChildrenKind.Referrals ? byMember[more.MoreOf.ParentId] : null;
        var siblings = (parent is null ? items : parent.Children ?? []).Where(s => !ReferenceEquals(s, row)).ToList();
        siblings.AddRange(await PageAsync(more.MoreOf, siblings, more.AfterId, null));
        if (parent is null) items = siblings; else parent.Children = siblings;
    }

    /// <summary>
    /// The next page of <paramref name="of"/>'s children as rows (skipping those already shown), with
    /// <paramref name="mustShow"/> added when it is not on it, and a "load more" row when there are more.
    /// </summary>
    private async Task<List<TreeItemData<TeamItem>>> PageAsync(ChildrenOf of, IReadOnlyCollection<ITreeItemData<TeamItem>> shown, long afterId, MemberNode? mustShow)
    {
        var page = await Load(of, afterId);
        var seen = shown.Select(s => s.Value?.Member?.Id).OfType<long>().ToHashSet();
        var rows = page.Nodes.Where(n => seen.Add(n.Id)).Select(Item).ToList();
        if (mustShow is not null && seen.Add(mustShow.Id)) rows.Add(Item(mustShow));
        if (page.HasMore)
            rows.Add(new TreeItemData<TeamItem>
            {
                Value = new TeamItem { MoreOf = of, AfterId = page.Nodes[^1].Id, Shown = seen.Count, Total = page.Total },
                Expandable = false,
            });
        return rows;
    }

    private TreeItemData<TeamItem> Item(MemberNode node)
    {
        var item = new TreeItemData<TeamItem> { Value = new TeamItem { Member = node }, Text = node.Label, Expandable = node.TeamSize > 0 };
        byMember[node.Id] = item;
        return item;
    }
}
