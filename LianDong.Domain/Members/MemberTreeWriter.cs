using System.Data.Common;
using LianDong.Domain.Rewards;

namespace LianDong.Domain.Members;

/// <summary>
/// Keeps the cached subtree counters (TeamSize/TeamAgents/TeamPartners, and LedAgents) right for one engine batch:
/// every change adds a delta per affected member (the ancestors taken from the member's materialized path, or the
/// leader), the deltas are summed over the batch, and <see cref="Flush"/> applies each member's sum with one
/// <c>UPDATE … SET x = x + @d</c> in the batch's transaction. Nothing in the engine reads these counters while a batch
/// runs, so deferring them changes no decision; they are exact again when the batch commits.
/// </summary>
internal sealed class MemberTreeWriter
{
    private readonly Dictionary<long, Delta> _deltas = [];

    private sealed class Delta { public int Size, Agents, Partners, Led; }

    private Delta Of(long memberId)
    {
        if (!_deltas.TryGetValue(memberId, out var d)) _deltas[memberId] = d = new Delta();
        return d;
    }

    /// <summary>A member joined the subtree of each of <paramref name="ancestorIds"/> with the given rank counts.</summary>
    public void AdjustAncestors(IReadOnlyList<long> ancestorIds, int sizeDelta, int agentDelta, int partnerDelta)
    {
        if (sizeDelta == 0 && agentDelta == 0 && partnerDelta == 0) return;
        foreach (var id in ancestorIds)
        {
            var d = Of(id);
            d.Size += sizeDelta; d.Agents += agentDelta; d.Partners += partnerDelta;
        }
    }

    /// <summary>An Agent joined (<paramref name="newLeader"/>) or left (<paramref name="oldLeader"/>) a team.</summary>
    public void LeaderChanged(long? oldLeader, long? newLeader)
    {
        if (oldLeader == newLeader) return;
        if (oldLeader is long o) Of(o).Led--;
        if (newLeader is long n) Of(n).Led++;
    }

    public void RankChanged(Member member, MemberRank from, MemberRank to) =>
        AdjustAncestors(member.AncestorIds, 0,
            (to == MemberRank.Agent ? 1 : 0) - (from == MemberRank.Agent ? 1 : 0),
            (to == MemberRank.Partner ? 1 : 0) - (from == MemberRank.Partner ? 1 : 0));

    /// <summary>Applies the summed deltas: one prepared UPDATE per member whose counters moved.</summary>
    public void Flush(EngineRowWriter rows)
    {
        if (_deltas.Count == 0) return;
        var size = rows.ColumnOf<Member>(nameof(Member.TeamSize));
        var agents = rows.ColumnOf<Member>(nameof(Member.TeamAgents));
        var partners = rows.ColumnOf<Member>(nameof(Member.TeamPartners));
        var led = rows.ColumnOf<Member>(nameof(Member.LedAgents));
        var id = rows.ColumnOf<Member>(nameof(Member.Id));
        using var cmd = rows.CreateCommand(
            $"UPDATE {rows.TableName<Member>()} SET {size.Name} = {size.Name} + @s, {agents.Name} = {agents.Name} + @a, " +
            $"{partners.Name} = {partners.Name} + @p, {led.Name} = {led.Name} + @l WHERE {id.Name} = @id");
        DbParameter ps = EngineRowWriter.AddParameter(cmd, "s", size.Mapping), pa = EngineRowWriter.AddParameter(cmd, "a", agents.Mapping),
            pp = EngineRowWriter.AddParameter(cmd, "p", partners.Mapping), pl = EngineRowWriter.AddParameter(cmd, "l", led.Mapping),
            pid = EngineRowWriter.AddParameter(cmd, "id", id.Mapping);
        cmd.Prepare();
        foreach (var (memberId, d) in _deltas)
        {
            if (d.Size == 0 && d.Agents == 0 && d.Partners == 0 && d.Led == 0) continue;
            ps.Value = d.Size; pa.Value = d.Agents; pp.Value = d.Partners; pl.Value = d.Led; pid.Value = memberId;
            if (cmd.ExecuteNonQuery() != 1) throw new InvalidOperationException($"member {memberId} on a referral path does not exist");
        }
        _deltas.Clear();
    }
}
