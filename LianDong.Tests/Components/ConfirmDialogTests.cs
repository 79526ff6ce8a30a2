using Bunit;
using LianDong.Console.Features.Shared;
using LianDong.Console.Localization;
using LianDong.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace LianDong.Tests.Components;

/// <summary>Money never moves on one click: the confirmation states the amount and count, and only its OK goes on.</summary>
public class ConfirmDialogTests : MudTestContext
{
    private async Task<(IRenderedComponent<MudDialogProvider> Provider, Task<bool> Answer)> AskAsync()
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        Task<bool> answer = null!;
        // Started, not awaited: the answer comes when the user clicks.
        await provider.InvokeAsync(() => { answer = dialogs.ConfirmAsync("批准提现批次", "批准后财务可以导出银行文件。",
            [("金额", Display.Yuan(1322948937)), ("笔数", Display.Count(1234))], "批准"); });
        return (provider, answer);
    }

    [Fact]
    public async Task The_dialog_states_amount_and_count_and_confirming_answers_yes()
    {
        var (provider, answer) = await AskAsync();
        provider.WaitForAssertion(() => Assert.Contains("¥13,229,489.37", provider.Find(".ld-facts").TextContent));
        Assert.Contains("1,234", provider.Find(".ld-facts").TextContent);
        Assert.False(answer.IsCompleted);
        provider.Find("[data-testid=confirm-ok]").Click();
        Assert.True(await answer.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Cancelling_answers_no()
    {
        var (provider, answer) = await AskAsync();
        provider.WaitForElement("[data-testid=confirm-cancel]").Click();
        Assert.False(await answer.WaitAsync(TimeSpan.FromSeconds(10)));
        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll(".ld-facts")));
    }

    [Fact]
    public async Task The_buttons_speak_the_users_language()
    {
        UseCulture(UiCulture.English);
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        await provider.InvokeAsync(() => { _ = dialogs.ConfirmAsync("Approve", null, [("Amount", Display.Yuan(100))]); });
        provider.WaitForAssertion(() => Assert.Equal("Cancel", provider.Find("[data-testid=confirm-cancel]").TextContent.Trim()));
        Assert.Equal("Confirm", provider.Find("[data-testid=confirm-ok]").TextContent.Trim());
    }
}
