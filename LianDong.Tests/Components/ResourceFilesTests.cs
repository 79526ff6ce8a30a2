using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using LianDong.Console.Localization;

namespace LianDong.Tests.Components;

/// <summary>
/// Every text the console shows comes in both languages: each resource file (Chinese, the default) has an English twin
/// with the same keys and placeholders, Chinese texts hold no English words and English texts no Chinese, but for the
/// reward terms operators know by their Chinese names.
/// </summary>
public partial class ResourceFilesTests
{
    /// <summary>Chinese names kept in the English console (with an English gloss beside them).</summary>
    public static readonly string[] KeptChineseTerms = ["直推奖", "见点奖", "平级奖", "零售佣金", "帮扶基金", "渠道任务", "合伙人", "代理", "链动"];

    /// <summary>Latin words that are at home in Chinese text too.</summary>
    private static readonly string[] LatinInChinese =
        ["API", "CSV", "Excel", "xlsx", "PNG", "JPEG", "WebP", "ID", "Ctrl", "K", "URL", "UTF-8", "GB18030", "GBK", "Bearer", "MB", "KB", "JSON", "v", "Hangfire", "PII"];

    private static IEnumerable<string> BaseNames() =>
        typeof(UiText).Assembly.GetManifestResourceNames()
            .Where(n => n.EndsWith(".resources", StringComparison.Ordinal) && n.StartsWith("LianDong.Console.", StringComparison.Ordinal))
            .Select(n => n[..^".resources".Length])
            .Where(n => n != typeof(MudText).FullName); // MudBlazor's Chinese only: English is the library's own

    private static Dictionary<string, string> Read(string baseName, CultureInfo culture)
    {
        var set = new ResourceManager(baseName, typeof(UiText).Assembly).GetResourceSet(culture, createIfNotExists: true, tryParents: false);
        Assert.True(set is not null, $"{baseName} has no {(culture.Name == "" ? "neutral (Chinese)" : culture.Name)} resources");
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
    }

    public static TheoryData<string> Files() => new(BaseNames());

    [Fact]
    public void The_shared_words_and_every_feature_have_resource_files() =>
        Assert.Contains(typeof(UiText).FullName!, BaseNames());

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_file_has_the_same_keys_and_placeholders_in_both_languages(string baseName)
    {
        var zh = Read(baseName, CultureInfo.InvariantCulture);
        var en = Read(baseName, CultureInfo.GetCultureInfo("en"));
        Assert.Equal(zh.Keys.Order(), en.Keys.Order());
        foreach (var key in zh.Keys)
            Assert.True(Placeholders(zh[key]).SequenceEqual(Placeholders(en[key])), $"{baseName}:{key} placeholders differ: \"{zh[key]}\" / \"{en[key]}\"");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Chinese_texts_have_no_English_words_and_English_texts_no_Chinese(string baseName)
    {
        var problems = new List<string>();
        foreach (var (key, text) in Read(baseName, CultureInfo.InvariantCulture))
            foreach (Match w in LatinWord().Matches(WithoutLiterals(text)))
                if (!LatinInChinese.Contains(w.Value)) problems.Add($"zh {key}: \"{w.Value}\" in \"{text}\"");
        foreach (var (key, text) in Read(baseName, CultureInfo.GetCultureInfo("en")))
        {
            var rest = KeptChineseTerms.Aggregate(text, (t, term) => t.Replace(term, ""));
            if (rest.Any(IsChinese)) problems.Add($"en {key}: \"{text}\"");
        }
        Assert.Empty(problems);
    }

    /// <summary>
    /// The text without what is typed or read literally, not translated: placeholders, quoted values (“paid”), and
    /// settings, file columns or prefixes written as code (Jobs:Enabled = false, reference,amount,result, member:).
    /// </summary>
    public static string WithoutLiterals(string text)
    {
        var t = Regex.Replace(text, @"\{[^}]*\}", "");
        t = Regex.Replace(t, "“[^”]*”|\"[^\"]*\"", "");
        return Regex.Replace(t, @"[A-Za-z0-9_\[\],:=. ]*[:=,\[\]][A-Za-z0-9_\[\],:=. ]*", "");
    }

    public static bool IsChinese(char c) => c is >= '\u4e00' and <= '\u9fff' or >= '\u3000' and <= '\u303f' or >= '\uff00' and <= '\uffef';

    private static IEnumerable<string> Placeholders(string text) => PlaceholderPattern().Matches(text).Select(m => m.Value).Order();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"[A-Za-z][A-Za-z'-]+")] // single letters (A–Z, K) are at home in Chinese text
    private static partial Regex LatinWord();
}
