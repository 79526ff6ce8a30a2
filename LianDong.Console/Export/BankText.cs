using System.Text;

namespace LianDong.Console.Export;

/// <summary>
/// The text encodings bank portals use for batch-transfer files: UTF-8 (with a byte-order mark, so Excel opens it
/// right) and GB18030, the superset of GBK that older portals still expect.
/// </summary>
public static class BankText
{
    public static readonly UTF8Encoding Utf8WithBom = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    /// <summary>GB18030 that refuses, rather than replaces, a character it cannot encode.</summary>
    public static Encoding Gb18030 => Gb.Value;

    // The code-page encodings are registered before GB18030 is first asked for (a field initializer would run first).
    private static readonly Lazy<Encoding> Gb = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    });

    /// <summary>The encoding named by the <c>encoding</c> query value (utf-8 when absent), or null for an unknown name.</summary>
    public static Encoding? Named(string? name) => (name ?? "utf-8").Trim().ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => Utf8WithBom,
        "gb18030" or "gbk" => Gb18030,
        _ => null,
    };

    /// <summary>The charset name of one of the two bank encodings, as HTTP and the audit log write it.</summary>
    public static string NameOf(Encoding encoding) => encoding.CodePage == Encoding.UTF8.CodePage ? "utf-8" : "gb18030";

    /// <summary>A small uploaded text file read as UTF-8 when it is valid UTF-8 (a BOM is dropped), otherwise as GB18030.</summary>
    public static string Decode(Stream file)
    {
        using var copy = new MemoryStream();
        file.CopyTo(copy);
        var bytes = copy.ToArray();
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return text.TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            _ = Gb.Value; // registers the code pages
            return Encoding.GetEncoding("GB18030").GetString(bytes); // bytes that are not GB18030 either become '?', and the rows say so
        }
    }
}
