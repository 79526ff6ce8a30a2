using LianDong.Console.Features.GiftPacks;
using LianDong.Tests.Support;

namespace LianDong.Tests.Domain;

/// <summary>A pack picture is judged by its bytes: a well-formed PNG, JPEG or WebP passes, anything else (whatever its name) does not.</summary>
public class PackImageFormatTests
{
    private static byte[] Jpeg()
    {
        // SOI, a baseline frame header (8-bit, 1×1, one component), a scan header, one byte of data, EOI.
        return [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00,
                0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x12, 0xFF, 0xD9];
    }

    private static byte[] WebPLossless()
    {
        byte[] chunk = [0x2F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
        var riffSize = 4 + 8 + chunk.Length;
        return [.. "RIFF"u8, .. BitConverter.GetBytes(riffSize), .. "WEBP"u8, .. "VP8L"u8, .. BitConverter.GetBytes(chunk.Length), .. chunk];
    }

    [Fact]
    public void Well_formed_png_jpeg_and_webp_are_recognised_by_content()
    {
        Assert.Equal(PackImageFormat.Png, PackImageFormat.Detect(TestImages.Png1x1));
        Assert.Equal(PackImageFormat.Jpeg, PackImageFormat.Detect(Jpeg()));
        Assert.Equal(PackImageFormat.WebP, PackImageFormat.Detect(WebPLossless()));
    }

    [Fact]
    public void Magic_bytes_alone_truncated_files_corrupt_chunks_and_other_files_are_refused()
    {
        Assert.Null(PackImageFormat.Detect([0x89, 0x50, 0x4E, 0x47]));                     // a PNG signature and nothing else
        Assert.Null(PackImageFormat.Detect(TestImages.Png1x1[..^12]));                       // no IEND
        var corrupt = TestImages.Png1x1.ToArray();
        corrupt[20] ^= 0xFF;                                                                  // IHDR no longer matches its CRC
        Assert.Null(PackImageFormat.Detect(corrupt));
        Assert.Null(PackImageFormat.Detect(Jpeg()[..^2]));                                   // no end-of-image marker
        Assert.Null(PackImageFormat.Detect([0xFF, 0xD8, 0xFF, 0xD9]));                        // SOI/EOI without a frame
        Assert.Null(PackImageFormat.Detect(WebPLossless()[..^1]));                           // RIFF size disagrees with the length
        Assert.Null(PackImageFormat.Detect("<svg xmlns='http://www.w3.org/2000/svg'/>"u8));
        Assert.Null(PackImageFormat.Detect("GIF89a\u0001\u0000\u0001\u0000"u8));
        Assert.Null(PackImageFormat.Detect([]));
    }
}
