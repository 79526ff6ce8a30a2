using System.Security.Cryptography;

namespace LianDong.Tests.Support;

/// <summary>Passwords and emails made fresh for each test run, so no password literal is shared with anything.</summary>
public static class TestSecrets
{
    public static string NewPassword() =>
        // Upper, lower and digit guaranteed; random body; satisfies the console's policy (12+ characters).
        "Aa1" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('/', 'x').Replace('+', 'y');

    public static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}"[..(who.Length + 9)] + "@test.liandong.local";
}
