using System.Security.Cryptography;

namespace LianDong.Console.Security;

/// <summary>Strong random passwords that satisfy the console's password policy (see IdentitySetup).</summary>
public static class PasswordGenerator
{
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Digits = "23456789";
    private const string Symbols = "!#$%*+-=?@_";

    public static string Generate(int length = 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 12);
        var all = Upper + Lower + Digits + Symbols;
        var chars = new char[length];
        // One of each class first, then the rest at random, then shuffle so the classes are not in fixed places.
        chars[0] = Pick(Upper); chars[1] = Pick(Lower); chars[2] = Pick(Digits); chars[3] = Pick(Symbols);
        for (var i = 4; i < length; i++) chars[i] = Pick(all);
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    private static char Pick(string set) => set[RandomNumberGenerator.GetInt32(set.Length)];
}
