using Bunit;
using Bunit.Rendering;
using LianDong.Console.Features.GiftPacks;
using LianDong.Console.Localization;
using LianDong.Domain.Rules;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace LianDong.Tests.Components;

/// <summary>
/// The pack form on a real database with the default rules published: messages at each field and the margin refusal
/// in the user's language, amounts in yuan; a pack is created off, with a picture chosen in the form when it is one.
/// </summary>
public class PackFormTests : ConsoleTestContext
{
    private readonly List<string> saved = [];

    private Task SeedAsync() => SeedRulesAndMerchantAsync();

    private IRenderedComponent<ContainerFragment> Form() => this.RenderWithProviders<PackForm>(new Dictionary<string, object?>
    {
        [nameof(PackForm.OnSaved)] = EventCallback.Factory.Create<string>(this, saved.Add),
    });

    private static void Fill(IRenderedComponent<ContainerFragment> cut, string code, string name, string price, string cost)
    {
        cut.Find("input[name=Code]").Change(code);
        cut.Find("input[name=Name]").Change(name);
        cut.Find("input[name=Price]").Change(price);
        cut.Find("input[name=Cost]").Change(cost);
    }

    [Theory]
    [InlineData(UiCulture.Chinese, "请输入编码", "请输入名称", "请输入以元为单位的金额，最多两位小数，如 499.00", "请输入供货成本")]
    [InlineData(UiCulture.English, "Enter a code", "Enter a name", "Enter an amount in yuan with at most two decimals, e.g. 499.00", "Enter the supplier cost")]
    public async Task Each_wrong_field_gets_its_own_message_in_the_users_language(string culture, string code, string name, string price, string cost)
    {
        await SeedAsync();
        UseCulture(culture);
        var cut = Form();
        Fill(cut, "", " ", "12.345", "");
        cut.Find("form").Submit();
        Assert.Equal(code, cut.FieldError("Code"));
        Assert.Equal(name, cut.FieldError("Name"));
        Assert.Equal(price, cut.FieldError("Price"));
        Assert.Equal(cost, cut.FieldError("Cost"));
        Assert.Empty(saved);
    }

    [Theory]
    [InlineData(UiCulture.Chinese, "不能上架： 单笔最高奖励 ¥320.00 超过礼包毛利 ¥149.00（规则 v1）", "供货成本 ¥500.00 高于价格 ¥499.00")]
    [InlineData(UiCulture.English, "Cannot be switched on: Largest reward per order ¥320.00, above the pack's margin of ¥149.00 (rule set v1)", "The supplier cost ¥500.00 is above the price ¥499.00")]
    public async Task The_margin_refusal_and_a_cost_above_the_price_are_said_in_the_users_language_in_yuan(string culture, string margin, string costAbove)
    {
        await SeedAsync();
        UseCulture(culture);
        var cut = Form();
        Fill(cut, "GP149", "Spring", "199.00", "50.00");
        cut.WaitForAssertion(() => Assert.Equal(margin, cut.Find("#pack-compliance").TextContent.Trim()));
        Assert.DoesNotContain("fen", cut.Find("#pack-compliance").TextContent);

        cut.Find("input[name=Price]").Change("499.00");
        cut.Find("input[name=Cost]").Change("500");
        cut.Find("form").Submit();
        Assert.Equal(costAbove, cut.FieldError("Cost"));
        Assert.Empty(saved);
    }

    [Fact]
    public async Task A_valid_pack_is_created_off_with_amounts_typed_with_separators_and_full_width_digits()
    {
        await SeedAsync();
        var cut = Form();
        Fill(cut, "GP1K", "千元礼包", "1,000.00", "６００");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Equal(["GP1K"], saved));
        await using var db = await Services.GetRequiredService<IDbContextFactory<LianDong.Domain.Persistence.LianDongDbContext>>().CreateDbContextAsync();
        var pack = await db.GiftPacks.SingleAsync(p => p.Code == "GP1K");
        Assert.Equal((100000L, 60000L, false), (pack.PriceFen, pack.CostFen, pack.IsOn));
    }

    [Theory]
    [InlineData(UiCulture.Chinese, "该文件不是有效的 PNG、JPEG 或 WebP 图片（按文件内容判断，而非文件名）")]
    [InlineData(UiCulture.English, "The file is not a valid PNG, JPEG or WebP image (judged by its content, not its name)")]
    public async Task A_file_named_png_that_is_not_a_picture_is_refused_when_chosen_and_nothing_is_saved(string culture, string message)
    {
        await SeedAsync();
        UseCulture(culture);
        var cut = Form();
        Fill(cut, "GPIMG", "Pack", "499.00", "179.00");
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary("<html>not a picture</html>"u8.ToArray(), "photo.png", contentType: "image/png"));
        cut.WaitForAssertion(() => Assert.Equal(message, cut.Find(".ld-field-error[data-field=Image]").TextContent.Trim()));
        cut.Find("form").Submit();
        Assert.Empty(saved);
    }

    [Fact]
    public async Task A_picture_chosen_in_the_form_is_stored_with_the_new_pack_as_the_type_its_content_says()
    {
        await SeedAsync();
        var cut = Form();
        Fill(cut, "GPPIC", "Pack", "499.00", "179.00");
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(TestImages.Png1x1, "photo.jpg", contentType: "image/jpeg"));
        cut.WaitForAssertion(() => Assert.Contains("photo.jpg", cut.Markup));
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Equal(["GPPIC"], saved));
        await using var db = await Services.GetRequiredService<IDbContextFactory<LianDong.Domain.Persistence.LianDongDbContext>>().CreateDbContextAsync();
        var file = (await db.GiftPacks.SingleAsync(p => p.Code == "GPPIC")).ImageFile;
        Assert.EndsWith(".png", file);
        Assert.Equal("image/png", (await db.PackImages.SingleAsync(i => i.FileName == file)).ContentType);
    }
}
