using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Bunit.Rendering;
using LianDong.Console.Features;
using LianDong.Console.Features.ChannelTasks;
using LianDong.Console.Features.GiftPacks;
using LianDong.Console.Features.Merchants;
using LianDong.Console.Features.Payouts;
using LianDong.Console.Features.Rules;
using LianDong.Console.Features.SupportFund;
using LianDong.Console.Features.Users;
using LianDong.Console.Hosting;
using LianDong.Console.Security;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rules;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Microsoft.AspNetCore.Components;
using Xunit.Abstractions;

namespace LianDong.Tests.Security;

/// <summary>
/// Issue 8, bad input in the console's forms (bUnit, real services on a real SQLite file, signed in as an admin):
/// each hostile or boundary value in each field of the merchant, gift-pack, payout-account, user and support-fund
/// grant forms, the channel-task filter and the rule-set editor shows a message naming the field and changes nothing.
/// </summary>
public class FormFuzzTests : BunitContext, IAsyncLifetime
{
    private readonly ITestOutputHelper output;
    private readonly TempDatabase database = new();
    private readonly TestCurrentUser user = new();
    private readonly TestClock clock = new(DateTimeOffset.UtcNow);

    /// <summary>Values no field of these forms may take (each field also gets its own boundaries below).</summary>
    private static readonly string[] Hostile =
    [
        "", " ", "\u200b", "\t", "\u202eabc", "ｒｏｏｔ", "rооt", "a\u0000b", "a\nb", "'; DROP TABLE Merchants; --", "<script>alert(1)</script>",
        new string('x', 5000), "😀", "../x", "%00",
    ];

    public FormFuzzTests(ITestOutputHelper output)
    {
        this.output = output;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddLogging();
        Services.AddDataProtection();
        Services.AddSingleton<TimeProvider>(clock);
        var configuration = ConsoleConfiguration.Build([$"--ConnectionStrings:Default={database.ConnectionString}"]);
        Services.AddSingleton<IConfiguration>(configuration);
        Services.AddSingleton(LianDong.Console.Settings.SettingsLoader.Load(configuration));
        Services.AddLianDongPersistence(database.ConnectionString);
        Services.AddLianDongIdentity();
        Services.AddConsoleFeatures();
        Services.AddLianDongEngine();
        Services.AddScoped<ICurrentUser>(_ => user);
        Services.AddMudServices(); // the pages already on MudBlazor (payout account, support fund)
        Services.AddLocalization();
        user.SignIn("admin@test.local", AppRoles.PlatformAdmin);
        AddAuthorization().SetAuthorized("admin@test.local").SetRoles(AppRoles.PlatformAdmin);
    }

    public async Task InitializeAsync()
    {
        await using (var db = await Services.GetRequiredService<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync())
            await db.Database.MigrateAsync();
        using (var scope = Services.CreateScope())
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            foreach (var role in AppRoles.All) await roles.CreateAsync(new IdentityRole(role));
        }
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var now = clock.Now;
        clock.Now = start; // publishing never rewrites the past
        await Services.GetRequiredService<RuleSetService>().PublishAsync(RuleParameters.Defaults, start, "test");
        clock.Now = now;
        await Services.GetRequiredService<MerchantService>().CreateAsync(new MerchantInput { Code = "M1", Name = "Merchant" });
        var engine = Services.GetRequiredService<LianDong.Domain.Rewards.RewardEngineService>();
        await engine.ApplyAsync(new RegisterMember("u1", null, start.AddHours(1)));
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        database.Dispose();
    }

    private sealed record Case(string Form, string Field, string Value);

    /// <summary>Fills the named inputs, runs <paramref name="submit"/>, and checks a message names the field and nothing changed.</summary>
    private void Try<T>(List<Case> cases, List<string> failures, string form, IReadOnlyDictionary<string, string> valid, string field, string value,
        Func<IRenderedComponent<T>> render, Action<IRenderedComponent<T>> submit, Func<IRenderedComponent<T>, string, bool> namesField) where T : Microsoft.AspNetCore.Components.IComponent
    {
        cases.Add(new(form, field, value));
        var before = DatabaseFingerprint.Of(database.FilePath);
        var cut = render();
        foreach (var (name, v) in valid) cut.Find(name.StartsWith('#') ? name : $"[name='{name}']").Change(name == field ? value : v);
        try { submit(cut); }
        catch (Exception e) { failures.Add($"{form}.{field} = {Show(value)}: threw {e.GetType().Name}: {e.Message}"); return; }
        if (!namesField(cut, field)) failures.Add($"{form}.{field} = {Show(value)}: no message for the field; shown: {string.Join(" | ", cut.FindAll(".validation-message, .rz-alert, .ld-field-error, .rz-messages-error").Select(e => e.TextContent.Trim()))}");
        if (DatabaseFingerprint.Of(database.FilePath) != before) failures.Add($"{form}.{field} = {Show(value)}: changed the database");
    }

    private static string Show(string s) => s.Length > 40 ? s[..40] + "…" : s.Replace("\u0000", "\\0").Replace("\n", "\\n");

    /// <summary>A validation message under the field, or the form's error naming it (case-insensitive, English part).</summary>
    private static bool Names(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> cut, params string[] words)
    {
        var texts = cut.FindAll(".validation-message, .rz-alert, .ld-field-error, .rz-messages-error").Select(e => e.TextContent).ToList();
        return texts.Any(t => words.Any(w => t.Contains(w, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>A MudBlazor field's own error text under <paramref name="input"/> (the message of that field, not of the form).</summary>
    private static bool FieldError(IElement input) =>
        input.Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim().Length > 0;

    /// <summary>A MudBlazor form's message at the field (its input control marked in error), or the form's own error (a taken code).</summary>
    private static bool MarksField(IRenderedComponent<ContainerFragment> cut, string field) =>
        cut.FindAll(".mud-input-control").Any(c => c.QuerySelector($"[name='{field}']") is not null && c.QuerySelector(".mud-input-error") is not null)
        || cut.FindAll(".ld-form-error").Count > 0;

    /// <summary>MudBlazor's popover and dialog providers, rendered once for the whole test (a second pair would clash); dialogs open here.</summary>
    private IRenderedComponent<ContainerFragment>? providers;

    private IRenderedComponent<ContainerFragment> Providers() => providers ??= Render(b =>
    {
        b.OpenComponent<MudPopoverProvider>(0);
        b.CloseComponent();
        b.OpenComponent<MudDialogProvider>(1);
        b.CloseComponent();
    });

    /// <summary>Renders <typeparamref name="T"/> with MudBlazor's providers present.</summary>
    private IRenderedComponent<ContainerFragment> WithProviders<T>(IReadOnlyDictionary<string, object?>? parameters = null) where T : IComponent
    {
        Providers();
        return Render(b =>
        {
            b.OpenComponent<T>(0);
            if (parameters is not null) b.AddMultipleAttributes(1, parameters);
            b.CloseComponent();
        });
    }

    [Fact]
    public void Hostile_values_in_the_console_forms_show_a_message_for_the_field_and_change_nothing()
    {
        var cases = new List<Case>();
        var failures = new List<string>();

        // 商户 Merchant dialog.
        var merchant = new Dictionary<string, string> { ["Code"] = "M2", ["Name"] = "Merchant two", ["Contact"] = "x" };
        foreach (var (field, values) in new[]
                 {
                     ("Code", Hostile.Concat(["M 2", "M2;", "ｍ2", new string('M', 65), "M1" /* taken */])),
                     ("Name", new[] { "", " ", new string('n', 201) }.AsEnumerable()),
                     ("Contact", new[] { new string('c', 201) }.AsEnumerable()),
                 })
            foreach (var v in values)
                Try(cases, failures, "merchant", merchant, field, v, () => WithProviders<MerchantForm>(), c => c.Find("form").Submit(), MarksField);

        // 礼包 Gift-pack dialog.
        var pack = new Dictionary<string, string> { ["Code"] = "GP1", ["Name"] = "Pack", ["Price"] = "499.00", ["Cost"] = "179.00" };
        foreach (var (field, values) in new[]
                 {
                     ("Code", Hostile.Concat(["GP 1", "ＧＰ1", new string('G', 65)])),
                     ("Name", new[] { "", " ", new string('n', 201) }.AsEnumerable()),
                     // "１００" and "1,000" are yuan now (full-width digits and separators are read), so they are not hostile.
                     ("Price", Hostile.Concat(["-1", "0.001", "1e3", "٣٠٠", "1000000000.00", "99999999999999999999", "NaN", "499.", ".5"])),
                     ("Cost", new[] { "", "-1", "179.999", "99999999999999999999", "500.00" /* above the price */ }.AsEnumerable()),
                 })
            foreach (var v in values)
                Try(cases, failures, "pack", pack, field, v, () => WithProviders<PackForm>(), c => c.Find("form").Submit(), MarksField);

        // 收款账户 Payout-account dialog (a MudDialog: inputs by id, the refused field's message under it).
        foreach (var (field, values) in new[]
                 {
                     ("account-name", Hostile.Where(v => v.Trim().Length == 0 || v.Length > 100)),
                     ("account-bank", Hostile.Where(v => v.Trim().Length == 0 || v.Length > 100)),
                     ("account-no", Hostile.Concat(["12", "abc", "６２２２０２", new string('1', 40), "6222-0", "----------"])),
                 })
            foreach (var v in values)
            {
                cases.Add(new("payout-account", field, v));
                var before = DatabaseFingerprint.Of(database.FilePath);
                var provider = Render<MudDialogProvider>();
                provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<PayoutAccountDialog>("",
                    new DialogParameters<PayoutAccountDialog> { { d => d.MemberExternalId, "u1" } }));
                foreach (var (id, ok) in new[] { ("account-name", "王小明"), ("account-bank", "中国银行"), ("account-no", "6216610000001234") })
                    provider.Find($"#{id}").Change(id == field ? v : ok);
                provider.Find("#save-account").Click();
                try { provider.WaitForState(() => FieldError(provider.Find($"#{field}")), TimeSpan.FromSeconds(5)); }
                catch (Bunit.Extensions.WaitForHelpers.WaitForFailedException) { } // judged just below
                if (!FieldError(provider.Find($"#{field}")))
                    failures.Add($"payout-account.{field} = {Show(v)}: no message under the field; {string.Join(" | ", provider.FindAll(".mud-input-error, .mud-alert").Select(e => e.TextContent.Trim()))}");
                if (DatabaseFingerprint.Of(database.FilePath) != before) failures.Add($"payout-account.{field} = {Show(v)}: changed the database");
            }

        // 用户 User dialog (new user), opened as the users page opens it.
        var newUser = new Dictionary<string, string> { ["user-email"] = "new@test.local", ["user-name"] = "New", ["user-password"] = "Str0ngPassword!x" };
        foreach (var (field, testId, values) in new[]
                 {
                     ("Email", "user-email", Hostile.Concat(["not-an-email", "a@", "@b", "a@b@c", "admin@test.local\u200b"])),
                     ("DisplayName", "user-name", new[] { new string('d', 201) }.AsEnumerable()),
                     ("Password", "user-password", new[] { "", "short1A", "alllowercase123", "ALLUPPERCASE123", "NoDigitsAtAllHere", "１２３４５６７８９０Aa" }.AsEnumerable()),
                 })
            foreach (var v in values)
            {
                cases.Add(new("user", field, v));
                var before = DatabaseFingerprint.Of(database.FilePath);
                var host = Providers();
                var dialogs = Services.GetRequiredService<IDialogService>();
                var parameters = new DialogParameters<UserDialog> { { d => d.User, null }, { d => d.Merchants, Array.Empty<MerchantOption>() } };
                IDialogReference? opened = null;
                host.InvokeAsync(async () => opened = await dialogs.ShowAsync<UserDialog>("new", parameters)).GetAwaiter().GetResult();
                try
                {
                    foreach (var (id, text) in newUser) host.Find($"input[data-testid={id}]").Input(id == testId ? v : text);
                    host.Find("input[data-role=Finance]").Change(true);
                    host.Find("button[data-testid=user-save]").Click();
                    // A message under the field, or the form's own refusal (Identity's, for the password or a taken e-mail).
                    host.WaitForState(() => host.FindAll($"[data-field={field}] .mud-input-error, [data-field={field}] .ld-field-error").Count > 0
                                            || host.FindAll("[data-testid=user-error]").Count > 0, TimeSpan.FromSeconds(10));
                }
                catch (Exception e) { failures.Add($"user.{field} = {Show(v)}: {e.GetType().Name}: {e.Message}"); }
                finally { host.InvokeAsync(() => opened?.Close()).GetAwaiter().GetResult(); }
                if (DatabaseFingerprint.Of(database.FilePath) != before) failures.Add($"user.{field} = {Show(v)}: changed the database");
            }

        // 帮扶基金 Support-fund grant (review step: the fund is empty, so every amount is refused too; hostile members and reasons name their field).
        var grant = new Dictionary<string, string> { ["#grantMember"] = "u1", ["#grantAmount"] = "10.00", ["#grantReason"] = "help" };
        foreach (var (field, values) in new[]
                 {
                     ("#grantMember", Hostile.Concat(["nobody", "U1", "ｕ1"])),
                     ("#grantAmount", Hostile.Concat(["0", "-1", "0.001", "１０", "1e3", "99999999999999999999", "NaN"])),
                     ("#grantReason", new[] { "", " ", new string('r', 1001) }.AsEnumerable()),
                 })
            foreach (var v in values)
                Try(cases, failures, "grant", grant, field, v, () => Render<SupportFundPage>(), c =>
                    {
                        c.Find("[data-testid=grant-review]").Click();
                        // The review reads the database: wait for its answer (a message under a field) before judging.
                        c.WaitForState(() => c.FindAll(".mud-input-helper-text.mud-input-error").Count > 0, TimeSpan.FromSeconds(10));
                    },
                    (c, f) => FieldError(c.Find(f)) || FieldError(c.Find("#grantAmount"))); // or the amount: the fund is empty

        // 渠道任务 Channel-task filter: hostile partner ids list nothing and change nothing.
        foreach (var v in Hostile)
        {
            cases.Add(new("channel-tasks", "partner", v));
            var before = DatabaseFingerprint.Of(database.FilePath);
            var cut = WithProviders<ChannelTasksPage>();
            try { cut.Find("input[name=partner]").Change(v); }
            catch (Exception e) { failures.Add($"channel-tasks.partner = {Show(v)}: threw {e.GetType().Name}: {e.Message}"); continue; }
            if (DatabaseFingerprint.Of(database.FilePath) != before) failures.Add($"channel-tasks.partner = {Show(v)}: changed the database");
        }

        // 规则 Rule-set editor: a hostile number in any field either shows a compliance message and blocks publishing, or
        // is not taken (the field keeps a valid number); nothing invalid is ever handed to Publish.
        var published = new List<RuleParameters>();
        var numeric = new[] { "upgradeThreshold", "agent", "seePointReward", "peerPercent", "maxReferralDistance", "level1Percent" };
        foreach (var field in numeric)
            foreach (var v in new[] { "-1", "abc", "99999999999999999999", "1e3", "１０", "", "101", "2147483648", "0.5" })
            {
                cases.Add(new("rules", field, v));
                var cut = WithProviders<RuleSetEditor>(new Dictionary<string, object?>
                {
                    [nameof(RuleSetEditor.Initial)] = RuleParameters.Defaults,
                    [nameof(RuleSetEditor.Packs)] = (IReadOnlyList<PackFigures>)[new PackFigures("GP499", "礼包 499", 49900, 17900)],
                    [nameof(RuleSetEditor.Publish)] = (Func<RuleParameters, DateTimeOffset, Task<IReadOnlyList<RuleViolation>>>)((d, f) =>
                    {
                        published.Add(d);
                        return Task.FromResult<IReadOnlyList<RuleViolation>>([]);
                    }),
                });
                try { cut.Find($"input[name={field}]").Change(v); }
                catch (Exception e) { failures.Add($"rules.{field} = {v}: threw {e.GetType().Name}: {e.Message}"); continue; }
                var button = cut.Find("button.ld-publish");
                if (!button.HasAttribute("disabled"))
                {
                    button.Click();
                    // Publishing asks first; confirm, then wait until the dialog has gone so the next case starts clean.
                    try { providers!.WaitForElement("[data-testid=confirm-ok]", TimeSpan.FromSeconds(15)).Click(); }
                    catch (Bunit.Extensions.WaitForHelpers.WaitForFailedException)
                    {
                        // No question asked means nothing was published: the invariant below still holds; say it in the output.
                        output.WriteLine($"rules.{field} = {v}: Publish asked nothing within 15 s");
                        continue;
                    }
                    providers.WaitForState(() => providers.FindAll("[data-testid=confirm-ok]").Count == 0, TimeSpan.FromSeconds(15));
                }
            }
        foreach (var draft in published)
            if (RuleSetValidator.Validate(draft).Count > 0 || RuleSetValidator.CheckPack("GP499", 49900, 17900, draft) is not null)
                failures.Add($"rules: a draft that breaks the limits was published: {draft}");

        output.WriteLine($"form fuzz: {cases.Count} submissions over {cases.Select(c => c.Form).Distinct().Count()} forms " +
                         $"({string.Join(", ", cases.GroupBy(c => c.Form).Select(g => $"{g.Key} {g.Count()}"))}); {published.Count} rule drafts reached Publish, all within the limits; " +
                         $"{failures.Count} failures");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases failed:\n" + string.Join("\n", failures.Take(60)));
    }
}
