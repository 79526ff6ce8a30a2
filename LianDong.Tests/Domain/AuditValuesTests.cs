using System.Globalization;
using LianDong.Console.Features.Audit;
using LianDong.Console.Localization;
using LianDong.Domain.Compliance;

namespace LianDong.Tests.Domain;

/// <summary>The audit log's old and new values as people read them, and its actions as words in both languages.</summary>
public class AuditValuesTests
{
    [Theory]
    [InlineData(null, "—")]
    [InlineData("", "—")]
    [InlineData("roles=Merchant; merchant=M100; name=店长", "roles=Merchant; merchant=M100; name=店长")]
    [InlineData("name=\\u5E97\\u957F", "name=店长")]
    [InlineData("merchantId=3; priceFen=49900; costFen=17900; stock=5", "merchantId=3; price=¥499.00; cost=¥179.00; stock=5")]
    [InlineData("Approved; lines=2; totalFen=1322948937; entries=4", "Approved; lines=2; total=¥13,229,489.37; entries=4")]
    [InlineData("{\"grantId\":7,\"amountFen\":1000,\"reason\":\"\\u5E2E\\u6276 hardship\"}", "grantId=7; amount=¥10.00; reason=帮扶 hardship")]
    [InlineData("{\"status\":\"published\",\"effectiveFrom\":\"2026-03-01T16:00:00+00:00\"}", "status=published; effectiveFrom=2026-03-02 00:00")]
    [InlineData("{\"rank\":\"Agent\",\"leaderId\":null}", "rank=Agent; leaderId=—")]
    [InlineData("{\"parameters\":{\"directFen\":5000,\"tiers\":[1,2]}}", "parameters.direct=¥50.00; parameters.tiers=[1, 2]")]
    [InlineData("{not json", "{not json")]
    public void Values_are_shown_unescaped_with_amounts_in_yuan_and_times_local(string? stored, string shown) =>
        Assert.Equal(shown, AuditValues.Readable(stored));

    [Fact]
    public void Every_audit_action_has_a_name_in_Chinese_and_in_English()
    {
        var actions = typeof(AuditActions).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.NotEmpty(actions);
        // The Chinese names are the neutral resources (AuditLogText.resx), the English ones the "en" satellite.
        foreach (var file in new[] { CultureInfo.InvariantCulture, CultureInfo.GetCultureInfo("en") })
        {
            var missing = actions.Where(a => !AuditLogText.HasName(a, file)).ToList();
            Assert.True(missing.Count == 0, $"{file.Name}: no name for {string.Join(", ", missing)}");
        }
        Assert.Equal("锁定用户", UiCulture.In(UiCulture.Chinese, () => AuditLogText.ActionName(AuditActions.UserLock)));
        Assert.Equal("User locked", UiCulture.In(UiCulture.English, () => AuditLogText.ActionName(AuditActions.UserLock)));
        Assert.Equal("some.new-action", AuditLogText.ActionName("some.new-action"));
    }
}
