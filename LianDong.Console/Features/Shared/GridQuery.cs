using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using MudBlazor;

namespace LianDong.Console.Features.Shared;

/// <summary>
/// What a list shows (page, rows per page, sort, the page's own filters), kept in the URL's query so a link, a reload or
/// the browser's back button brings the same view back. Page numbers in the URL count from 1, as people do; <see cref="Page"/>
/// counts from 0, as MudDataGrid does. Values equal to the list's defaults are left out of the URL.
/// </summary>
public sealed class GridQuery : IEquatable<GridQuery>
{
    public const string PageKey = "page", SizeKey = "size", SortKey = "sort", DirKey = "dir";
    public static readonly IReadOnlyList<int> PageSizes = [10, 25, 50, 100];

    private readonly SortedDictionary<string, string> filters;

    public GridQuery(Defaults defaults, int page = 0, int? pageSize = null, string? sortBy = null, bool? descending = null,
        IEnumerable<KeyValuePair<string, string>>? filters = null)
    {
        Default = defaults;
        Page = Math.Max(0, page);
        PageSize = pageSize is { } s && PageSizes.Contains(s) ? s : defaults.PageSize;
        SortBy = string.IsNullOrWhiteSpace(sortBy) ? defaults.SortBy : sortBy;
        Descending = descending ?? (SortBy == defaults.SortBy && defaults.Descending);
        this.filters = new(StringComparer.Ordinal);
        foreach (var (k, v) in filters ?? []) if (!string.IsNullOrWhiteSpace(v)) this.filters[k] = v.Trim();
    }

    /// <summary>A list's defaults: rows per page and sort.</summary>
    public sealed record Defaults(int PageSize = 25, string? SortBy = null, bool Descending = false);

    public Defaults Default { get; }
    public int Page { get; }
    public int PageSize { get; }
    public string? SortBy { get; }
    public bool Descending { get; }
    public IReadOnlyDictionary<string, string> Filters => filters;

    public string? Filter(string name) => filters.GetValueOrDefault(name);

    /// <summary>The direction a column starts in when the grid is (re)built from this query.</summary>
    public SortDirection DirectionOf(string column) =>
        SortBy == column ? (Descending ? SortDirection.Descending : SortDirection.Ascending) : SortDirection.None;

    /// <summary>Reads the query of <paramref name="uri"/>; unknown sizes and bad page numbers fall back to the defaults.</summary>
    public static GridQuery Parse(string uri, Defaults defaults)
    {
        var q = uri.IndexOf('?') is var i and >= 0 ? QueryHelpers.ParseQuery(uri[i..]) : [];
        string? One(string key) => q.TryGetValue(key, out var v) ? v.ToString() : null;
        var page = int.TryParse(One(PageKey), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p >= 1 ? p - 1 : 0;
        int? size = int.TryParse(One(SizeKey), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;
        var dir = One(DirKey);
        bool? desc = dir == "desc" ? true : dir == "asc" ? false : null;
        var own = q.Where(kv => kv.Key is not (PageKey or SizeKey or SortKey or DirKey))
                   .Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value.ToString()));
        return new GridQuery(defaults, page, size, One(SortKey), desc, own);
    }

    /// <summary>The grid's page, size and sort (the first sort definition), with this query's filters.</summary>
    public GridQuery With<T>(GridState<T> state)
    {
        var sort = state.SortDefinitions.OrderBy(d => d.Index).FirstOrDefault();
        return new GridQuery(Default, state.Page, state.PageSize, sort?.SortBy ?? "", sort is null ? null : sort.Descending, filters);
    }

    /// <summary>This query with one filter set (or removed when empty), back on the first page.</summary>
    public GridQuery WithFilter(string name, string? value)
    {
        var next = new Dictionary<string, string>(filters);
        if (string.IsNullOrWhiteSpace(value)) next.Remove(name); else next[name] = value;
        return new GridQuery(Default, 0, PageSize, SortBy, Descending, next);
    }

    /// <summary>"?page=2&amp;sort=name&amp;dir=desc&amp;rank=Agent", or "" for the defaults.</summary>
    public string ToQueryString()
    {
        var parts = new List<KeyValuePair<string, string?>>();
        if (Page > 0) parts.Add(new(PageKey, (Page + 1).ToString(CultureInfo.InvariantCulture)));
        if (PageSize != Default.PageSize) parts.Add(new(SizeKey, PageSize.ToString(CultureInfo.InvariantCulture)));
        if (SortBy != Default.SortBy) parts.Add(new(SortKey, SortBy ?? ""));
        if (SortBy is not null && (SortBy != Default.SortBy || Descending != Default.Descending)) parts.Add(new(DirKey, Descending ? "desc" : "asc"));
        parts.AddRange(filters.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value)));
        return parts.Count == 0 ? "" : QueryString.Create(parts).ToUriComponent();
    }

    /// <summary>The page's path with this query.</summary>
    public string ToUri(string currentUri)
    {
        var path = currentUri.IndexOf('?') is var i and >= 0 ? currentUri[..i] : currentUri;
        return path + ToQueryString();
    }

    public bool Equals(GridQuery? other) => other is not null && ToQueryString() == other.ToQueryString();
    public override bool Equals(object? obj) => Equals(obj as GridQuery);
    public override int GetHashCode() => ToQueryString().GetHashCode(StringComparison.Ordinal);
    public override string ToString() => ToQueryString();
}
