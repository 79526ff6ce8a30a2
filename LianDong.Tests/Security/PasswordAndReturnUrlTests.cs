using LianDong.Console.Features.Account;
using LianDong.Console.Security;

namespace LianDong.Tests.Security;

public class PasswordGeneratorTests
{
    [Fact]
    public void Generated_passwords_are_long_mixed_and_different()
    {
        var passwords = Enumerable.Range(0, 200).Select(_ => PasswordGenerator.Generate()).ToList();
        Assert.Equal(passwords.Count, passwords.Distinct().Count());
        Assert.All(passwords, p =>
        {
            Assert.Equal(20, p.Length);
            Assert.Contains(p, char.IsUpper);
            Assert.Contains(p, char.IsLower);
            Assert.Contains(p, char.IsDigit);
            Assert.Contains(p, c => !char.IsLetterOrDigit(c));
        });
    }

    [Fact]
    public void Shorter_than_the_policy_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PasswordGenerator.Generate(8));
}

public class ReturnUrlTests
{
    [Theory]
    [InlineData("/payouts", "/payouts")]
    [InlineData("/users?page=2", "/users?page=2")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("payouts", "/")]
    [InlineData("/account/logout", "/")]
    public void Only_local_console_paths_are_followed(string? returnUrl, string expected) =>
        Assert.Equal(expected, AccountService.SafeReturnUrl(returnUrl));
}
