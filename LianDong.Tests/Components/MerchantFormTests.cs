using Bunit;
using Bunit.Rendering;
using LianDong.Console.Features.Merchants;
using LianDong.Console.Localization;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Components;

/// <summary>The merchant form: messages at each field in the user's language; changing a merchant's code asks first.</summary>
public class MerchantFormTests : ConsoleTestContext
{
    private readonly List<string> saved = [];

    private IRenderedComponent<ContainerFragment> Form(MerchantRow? merchant = null) => this.RenderWithProviders<MerchantForm>(new Dictionary<string, object?>
    {
        [nameof(MerchantForm.Merchant)] = merchant,
        [nameof(MerchantForm.OnSaved)] = EventCallback.Factory.Create<string>(this, saved.Add),
    });

    [Theory]
    [InlineData(UiCulture.Chinese, "编码为 1–64 个字母、数字、_ 或 -", "请输入名称")]
    [InlineData(UiCulture.English, "A code is 1–64 letters, digits, _ or -", "Enter a name")]
    public void Each_wrong_field_gets_its_own_message_in_the_users_language(string culture, string code, string name)
    {
        UseCulture(culture);
        var cut = Form();
        cut.Find("input[name=Code]").Change("bad code!");
        cut.Find("input[name=Name]").Change(" ");
        cut.Find("form").Submit();
        Assert.Equal(code, cut.FieldError("Code"));
        Assert.Equal(name, cut.FieldError("Name"));
        Assert.Empty(saved);
    }

    [Theory]
    [InlineData(UiCulture.Chinese, "商户编码 M1 已存在")]
    [InlineData(UiCulture.English, "The merchant code M1 is taken")]
    public async Task A_taken_code_is_refused_in_the_users_language(string culture, string message)
    {
        await SeedRulesAndMerchantAsync();
        UseCulture(culture);
        var cut = Form();
        cut.Find("input[name=Code]").Change("M1");
        cut.Find("input[name=Name]").Change("Another");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Equal(message, cut.Find(".ld-form-error").TextContent.Trim()));
        Assert.Empty(saved);
    }

    [Fact]
    public async Task Changing_a_merchants_code_asks_first_naming_the_old_code_and_its_users()
    {
        await SeedRulesAndMerchantAsync();
        UseCulture(UiCulture.English);
        var merchant = (await Services.GetRequiredService<MerchantService>().ListAsync()).Single();
        var cut = Form(merchant with { Users = ["shop@test.local"] });
        cut.Find("input[name=Code]").Change("M2");
        cut.Find("form").Submit();
        var dialog = cut.WaitForElement("[data-testid=confirm-dialog]");
        Assert.Contains("Change merchant code M1 → M2?", cut.Markup);
        Assert.Contains("calls still using the old code M1 will be refused", dialog.TextContent);
        Assert.Contains("shop@test.local", dialog.TextContent);
        cut.Find("[data-testid=confirm-cancel]").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=confirm-dialog]")));
        Assert.Empty(saved);
        Assert.Equal("M1", (await Services.GetRequiredService<MerchantService>().ListAsync()).Single().Code);

        cut.Find("form").Submit();
        cut.WaitForElement("[data-testid=confirm-ok]").Click();
        cut.WaitForAssertion(() => Assert.Equal(["M2"], saved));
        Assert.Equal("M2", (await Services.GetRequiredService<MerchantService>().ListAsync()).Single().Code);
    }
}
