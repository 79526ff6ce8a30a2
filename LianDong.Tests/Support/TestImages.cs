namespace LianDong.Tests.Support;

/// <summary>Small, well-formed pictures for the pack-image checks.</summary>
public static class TestImages
{
    /// <summary>A 1×1 transparent PNG (signature, IHDR, IDAT, IEND, each with its CRC).</summary>
    public static readonly byte[] Png1x1 = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
}
