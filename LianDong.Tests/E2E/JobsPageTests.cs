using LianDong.Domain.Engine;
using LianDong.Domain.Settlement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LianDong.Tests.E2E;

public class JobsPageTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_sees_the_schedule_runs_a_date_by_hand_sees_a_failed_run_completes_it_and_is_told_a_rerun_changed_nothing()
    {
        var yesterday = PlatformTime.LocalDate(DateTimeOffset.UtcNow).AddDays(-1).ToString("yyyy-MM-dd");
        var nightly = fx.Console.App.Services.GetRequiredService<NightlyRunService>();
        var page = await fx.NewPageAsync();
        await fx.ScenarioAsync(page, "jobs", async () =>
        {
            await page.GotoAsync("/account/login");
            await BrowserFixture.SubmitLoginAsync(page, fx.Console.AdminEmail, fx.Console.AdminPassword);
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.GotoAsync("/jobs");
            await Expect(page.Locator("h1")).ToContainTextAsync("任务调度");
            await BrowserFixture.WaitForCircuitAsync(page);
            // The browser tests' console runs with Jobs:Enabled=false.
            await Expect(page.GetByTestId("schedule")).ToContainTextAsync("Jobs:Enabled = false");
            await Expect(page.GetByTestId("previous-date")).ToHaveTextAsync(yesterday);
            await Expect(page.GetByTestId("hangfire-dashboard")).ToHaveAttributeAsync("href", "/jobs/hangfire");

            // A run that fails part-way (after step 2 committed): the page says so in words, and the run row shows the
            // error and the step that did not finish.
            nightly.AfterStepForTests = (date, step) =>
                date.ToString("yyyy-MM-dd") == yesterday && step == NightlyRun.StepRelease ? throw new IOException("simulated disk full") : Task.CompletedTask;
            await page.GetByTestId("run-now").ClickAsync();
            var dialog = page.Locator(".mud-dialog");
            await Expect(dialog).ToContainTextAsync($"将运行 {yesterday} 及之前所有未运行的营业日");
            await dialog.GetByTestId("confirm-ok").ClickAsync();
            await Expect(page.GetByTestId("run-error")).ToContainTextAsync("运行中途失败");
            await Expect(page.GetByTestId("run-error")).Not.ToContainTextAsync("simulated");
            var row = page.Locator(".mud-table-body tr", new() { HasText = yesterday });
            await Expect(row.GetByTestId("run-outcome")).ToContainTextAsync("失败");
            await Expect(row).ToContainTextAsync("第 3 步：simulated disk full");
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "jobs-failed.png"), FullPage = true });

            // Cancelling the confirmation runs nothing.
            nightly.AfterStepForTests = null;
            await page.GetByTestId("run-now").ClickAsync();
            await dialog.GetByTestId("confirm-cancel").ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            await Expect(row.GetByTestId("run-outcome")).ToContainTextAsync("失败");

            // Run again: the same code resumes the failed date and completes it.
            await page.GetByTestId("run-now").ClickAsync();
            await dialog.GetByTestId("confirm-ok").ClickAsync();
            await Expect(row.GetByTestId("run-outcome")).ToContainTextAsync("完成");
            await Expect(page.GetByTestId("run-error")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("run-result")).ToContainTextAsync($"已完成营业日 {yesterday}");
            await Expect(row).Not.ToContainTextAsync("simulated disk full");
            await Expect(page.GetByTestId("last-completed")).ToHaveTextAsync(yesterday);

            // Once more on the completed date: nothing changes, and the page says so in words and in a toast.
            await page.GetByTestId("run-now").ClickAsync();
            await dialog.GetByTestId("confirm-ok").ClickAsync();
            await Expect(page.GetByTestId("run-result")).ToHaveTextAsync($"{yesterday} 已经完成过，这次没有任何改动。");
            await Expect(page.Locator(".mud-snackbar", new() { HasText = "没有任何改动" })).ToHaveCountAsync(1);
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "jobs.png"), FullPage = true });
        });
    }
}
