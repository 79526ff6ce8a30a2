using System.Buffers.Binary;

namespace LianDong.Console.Features.GiftPacks;

/// <summary>An image format a pack picture may have, found from the file's bytes.</summary>
public sealed record PackImageType(string Extension, string ContentType);

/// <summary>
/// Tells a PNG, JPEG or WebP picture from anything else by its content, never its name: the magic bytes and then the
/// structure a decoder walks (PNG chunks with their CRCs from IHDR to IEND, JPEG segments up to a frame header and the
/// end-of-image marker, the WebP RIFF container and its bitstream header), with a positive width and height. A renamed
/// text file, a truncated upload or a file that only starts like an image is refused. Pure, so it is tested without a
/// database.
/// </summary>
public static class PackImageFormat
{
    public static readonly PackImageType Png = new(".png", "image/png");
    public static readonly PackImageType Jpeg = new(".jpg", "image/jpeg");
    public static readonly PackImageType WebP = new(".webp", "image/webp");

    /// <summary>The picture's type, or null when the bytes are not a well-formed PNG, JPEG or WebP image.</summary>
    public static PackImageType? Detect(ReadOnlySpan<byte> data) =>
        IsPng(data) ? Png : IsJpeg(data) ? Jpeg : IsWebP(data) ? WebP : null;

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static bool IsPng(ReadOnlySpan<byte> d)
    {
        if (d.Length < 8 + 25 + 12 || !d[..8].SequenceEqual(PngSignature)) return false;
        var pos = 8;
        var first = true;
        var sawData = false;
        while (pos + 12 <= d.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(d[pos..]);
            if (length > int.MaxValue || pos + 12 + (long)length > d.Length) return false;
            var type = d.Slice(pos + 4, 4);
            var body = d.Slice(pos + 8, (int)length);
            if (BinaryPrimitives.ReadUInt32BigEndian(d[(pos + 8 + (int)length)..]) != Crc32(d.Slice(pos + 4, 4 + (int)length))) return false;
            if (first)
            {
                if (!type.SequenceEqual("IHDR"u8) || length != 13) return false;
                var width = BinaryPrimitives.ReadUInt32BigEndian(body);
                var height = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                if (width == 0 || height == 0 || body[8] is not (1 or 2 or 4 or 8 or 16) || body[9] is not (0 or 2 or 3 or 4 or 6)) return false;
                first = false;
            }
            if (type.SequenceEqual("IDAT"u8)) sawData = true;
            pos += 12 + (int)length;
            if (type.SequenceEqual("IEND"u8)) return sawData && pos == d.Length;
        }
        return false;
    }

    private static bool IsJpeg(ReadOnlySpan<byte> d)
    {
        if (d.Length < 4 || d[0] != 0xFF || d[1] != 0xD8 || d[2] != 0xFF) return false;
        var pos = 2;
        var sawFrame = false;
        while (pos + 4 <= d.Length)
        {
            if (d[pos] != 0xFF) return false;
            var marker = d[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { pos += 2; continue; }
            if (marker == 0xD9) return false; // end of image before any scan
            var length = BinaryPrimitives.ReadUInt16BigEndian(d[(pos + 2)..]);
            if (length < 2 || pos + 2 + length > d.Length) return false;
            var segment = d.Slice(pos + 4, length - 2);
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                if (segment.Length < 6) return false;
                var height = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
                var width = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
                if (height == 0 || width == 0 || segment[5] is 0 or > 4) return false;
                sawFrame = true;
            }
            pos += 2 + length;
            if (marker == 0xDA)
            {
                // Entropy-coded data follows; the image ends with FF D9 (trailing zero padding is tolerated).
                var end = d.Length;
                while (end > pos && d[end - 1] == 0) end--;
                return sawFrame && end - pos >= 2 && d[end - 2] == 0xFF && d[end - 1] == 0xD9;
            }
        }
        return false;
    }

    private static bool IsWebP(ReadOnlySpan<byte> d)
    {
        if (d.Length < 30 || !d[..4].SequenceEqual("RIFF"u8) || !d.Slice(8, 4).SequenceEqual("WEBP"u8)) return false;
        var riffSize = BinaryPrimitives.ReadUInt32LittleEndian(d[4..]);
        if (riffSize + 8L != d.Length && riffSize + 9L != d.Length) return false;
        var fourcc = d.Slice(12, 4);
        var chunkSize = BinaryPrimitives.ReadUInt32LittleEndian(d[16..]);
        if (20L + chunkSize > d.Length) return false;
        var chunk = d.Slice(20, (int)chunkSize);
        if (fourcc.SequenceEqual("VP8 "u8))
        {
            // Key frame: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height.
            if (chunk.Length < 10 || (chunk[0] & 1) != 0 || chunk[3] != 0x9D || chunk[4] != 0x01 || chunk[5] != 0x2A) return false;
            return (BinaryPrimitives.ReadUInt16LittleEndian(chunk[6..]) & 0x3FFF) > 0 && (BinaryPrimitives.ReadUInt16LittleEndian(chunk[8..]) & 0x3FFF) > 0;
        }
        if (fourcc.SequenceEqual("VP8L"u8))
        {
            // Signature 0x2F, then 14-bit width−1 and height−1 and a version of 0.
            if (chunk.Length < 5 || chunk[0] != 0x2F) return false;
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(chunk[1..]);
            return bits >> 29 == 0;
        }
        if (fourcc.SequenceEqual("VP8X"u8))
            // Extended: flags, then 24-bit canvas width−1 and height−1; an image or animation chunk must follow.
            return chunk.Length >= 10 && 20 + chunk.Length + 8 <= d.Length;
        return false;
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The CRC-32 PNG chunks carry (ISO 3309), over the chunk's type and data.</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
