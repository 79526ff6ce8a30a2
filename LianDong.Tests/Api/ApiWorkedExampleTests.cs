using System.Text.Json;
using LianDong.Console.Cli.Replay;
using LianDong.Domain.Engine;
using LianDong.Domain.Rewards;
using LianDong.Domain.Rules;
using LianDong.Domain.Settlement;
using LianDong.Tests.Support;

namespace LianDong.Tests.Api;

public class ApiWorkedExampleTests
{
    /// <summary>
    /// The rule book's worked example, delivered as the storefront would (HTTP), with the nightly run of the engine
    /// (the same NightlyRunService the nightly verb and the scheduler call), ends with the balances replay gives.
    /// </summary>
    [Fact]
    public async Task Worked_example_through_the_API_and_the_nightly_run_matches_replay()
    {
        var file = ScenarioFiles.WorkedExample;
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        var scenario = ReplayScenario.Parse(json.RootElement);

        await using var host = await ApiHost.StartAsync(publishRules: false);
        var client = await host.ClientAsync();
        foreach (var rs in scenario.RuleSets)
        {
            host.Clock.Now = rs.EffectiveFrom;
            await host.Get<RuleSetService>().PublishAsync(rs.Parameters, rs.EffectiveFrom, "test");
        }
        host.Clock.Now = scenario.Events[0].StandsAt;
        foreach (var p in scenario.Packs)
        {
            var (s, b) = await client.PutAsync($"/api/v1/packs/{p.Code}", new { merchantCode = "REPLAY", name = p.Name, priceFen = p.PriceFen, costFen = p.CostFen, stock = 0, active = true });
            Assert.True(s == 201, b?.ToJsonString());
        }

        foreach (var ev in scenario.Events)
        {
            host.Clock.Now = ev.StandsAt;
            if (ev.NightlyDate is { } date)
            {
                await host.Get<NightlyRunService>().RunAsync(date, "test");
                continue;
            }
            var (status, body) = ev.Engine switch
            {
                RegisterMember r => await client.PostAsync("/api/v1/members", new { memberId = r.MemberId, referrerId = r.ReferrerId, registeredAt = r.At }),
                PayPackOrder o => await client.PostAsync("/api/v1/orders", new { orderId = o.OrderId, memberId = o.MemberId, kind = "pack", packCode = o.PackCode, paidAt = o.At }),
                PayRetailOrder o => await client.PostAsync("/api/v1/orders", new { orderId = o.OrderId, memberId = o.MemberId, kind = "retail", amountFen = o.AmountFen, paidAt = o.At }),
                RefundOrder o => await client.PostAsync($"/api/v1/orders/{o.OrderId}/refund", new { refundedAt = o.At }),
                AppointPartner a => (await host.Get<RewardEngineService>().AppointPartnerAsync(a) == ApplyOutcome.Applied ? 201 : 200, null),
                _ => throw new InvalidOperationException($"event {ev.Index} has no API call"),
            };
            Assert.True(status is 200 or 201, $"events[{ev.Index}]: {status} {body?.ToJsonString()}");
        }

        var replay = await ReplayHarness.RunFileAsync(file);
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        var expected = replay.Json["members"]!.AsObject();
        Assert.NotEmpty(expected);
        foreach (var (name, exp) in expected)
        {
            var (status, actual) = await client.GetAsync2($"/api/v1/members/{name}");
            Assert.Equal(200, status);
            foreach (var field in new[] { "pendingFen", "frozenFen", "availableFen", "paidFen", "qualifiedReferrals" })
                Assert.True((long)exp![field]! == (long)actual![field]!, $"{name}.{field}: replay {exp[field]}, API {actual[field]}");
            Assert.Equal(((string)exp!["rank"]!).ToLowerInvariant(), (string?)actual!["rank"]);
            if ((string?)exp["leader"] is { } leader) Assert.Equal(leader, (string?)actual["leaderId"]);
        }
    }
}
