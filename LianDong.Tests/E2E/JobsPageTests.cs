using LianDong.Domain.Engine;
using LianDong.Domain.Settlement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LianDong.Tests.E2E;

public class JobsPageTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_sees_the_schedule_runs_a_date_by_hand_sees_the_error_of_a_failed_run_and_the_rerun_completes_it()
    {
        var yesterday = PlatformTime.LocalDate(DateTimeOffset.UtcNow).AddDays(-1);
        var nightly = fx.Console.App.Services.GetRequiredService<NightlyRunService>();
        var page = await fx.NewPageAsync();
        await fx.ScenarioAsync(page, "jobs", async () =>
        {
            await page.GotoAsync("/account/login");
            await BrowserFixture.SubmitLoginAsync(page, fx.Console.AdminEmail, fx.Console.AdminPassword);
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.Locator(".ld-nav a", new() { HasText = "任务调度" }).ClickAsync();
            await Expect(page.Locator("h1")).ToContainTextAsync("Jobs");
            // The browser tests' console runs with Jobs:Enabled=false.
            await Expect(page.GetByTestId("schedule")).ToContainTextAsync("Jobs:Enabled = false");
            await Expect(page.GetByTestId("schedule")).ToContainTextAsync($"Previous business date: {yesterday:yyyy-MM-dd}");
            await Expect(page.GetByTestId("hangfire-dashboard")).ToHaveAttributeAsync("href", "/jobs/hangfire");

            // A run that fails part-way (after step 2 committed): the page says so, and the run row shows the error
            // and the step that did not finish.
            nightly.AfterStepForTests = (date, step) =>
                date == yesterday && step == NightlyRun.StepRelease ? throw new IOException("simulated disk full") : Task.CompletedTask;
            await page.GetByTestId("run-now").ClickAsync();
            var dialog = page.Locator(".rz-dialog");
            await Expect(dialog).ToContainTextAsync($"Run the nightly run for {yesterday:yyyy-MM-dd}");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "运行 Run" }).ClickAsync();
            await Expect(page.GetByTestId("run-error")).ToContainTextAsync("simulated disk full");
            var row = page.Locator(".rz-data-row", new() { HasText = yesterday.ToString("yyyy-MM-dd") });
            await Expect(row).ToContainTextAsync("失败 Failed");
            await Expect(row).ToContainTextAsync("step 3: simulated disk full");
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "jobs-failed.png"), FullPage = true });

            // Cancelling the confirmation runs nothing.
            nightly.AfterStepForTests = null;
            await page.GetByTestId("run-now").ClickAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "取消 Cancel" }).ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            await Expect(row).ToContainTextAsync("失败 Failed");

            // Run again: the same code resumes the failed date and completes it.
            await page.GetByTestId("run-now").ClickAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "运行 Run" }).ClickAsync();
            await Expect(row).ToContainTextAsync("完成 Completed");
            await Expect(page.GetByTestId("run-error")).ToHaveCountAsync(0);
            await Expect(row).Not.ToContainTextAsync("simulated disk full");
            await Expect(page.GetByTestId("schedule")).ToContainTextAsync($"last completed: {yesterday:yyyy-MM-dd}");
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "jobs.png"), FullPage = true });
        });
    }
}
