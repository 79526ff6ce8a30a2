using System.Diagnostics;
using System.Text.Json.Nodes;
using LianDong.Console.Api;
using LianDong.Console.Demo;
using LianDong.Console.Features.Dashboard;
using LianDong.Domain.Engine;
using LianDong.Domain.Members;
using LianDong.Domain.Merchants;
using LianDong.Domain.Packs;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rewards;
using LianDong.Domain.Rules;
using LianDong.Domain.Settlement;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Bench;

/// <summary>
/// The measurements of <c>bench</c> (issue 7), on a fresh SQLite file: a 90-day <see cref="DemoPlan"/> stream (with one
/// referrer given 10,000 direct referrals) submitted by <see cref="Producers"/> concurrent producers to the API's
/// <see cref="EngineWriteQueue"/> (group commit, at most <see cref="BatchSize"/> events a batch), a raw-insert baseline, the nightly run over every pending date and its
/// rerun, the tree/search queries, the dashboard figures, and a 100,000-line settlement export in a child process.
/// Progress goes to <c>log</c> (stderr); the result is a JSON object with the field names of the issue.
/// </summary>
public sealed class BenchRunner(TextWriter log)
{
    public const int Days = 90;
    /// <summary>The queue's largest batch: the default of <c>Api:MaxWriteBatch</c>.</summary>
    public const int BatchSize = 400;
    /// <summary>Concurrent producers at ingest, each like a storefront connection that sends one event and waits for its answer.</summary>
    public const int Producers = 2 * BatchSize;
    public const int BigNodeReferrals = 10_000;
    public const int ExportRows = 100_000;
    private const int QueryRuns = 40;
    private const string Actor = "system:bench";

    private sealed class MovingClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    public async Task<JsonObject> RunAsync(int members, string dbPath, CancellationToken ct = default)
    {
        var report = new JsonObject { ["members"] = members };
        using var heap = new ManagedHeapSampler();
        var connectionString = new SqliteConnectionStringBuilder { DataSource = dbPath }.ToString();
        var now = TimeProvider.System.GetUtcNow();
        var today = PlatformTime.LocalDate(now);
        var firstDay = today.AddDays(-Days);
        var start = PlatformTime.EndOfLocalDay(firstDay.AddDays(-1)).AddHours(9);
        var clock = new MovingClock(start.AddMinutes(-5));
        await using var sp = new ServiceCollection()
            .AddLianDongPersistence(connectionString)
            .AddSingleton<TimeProvider>(clock)
            .AddLianDongEngine()
            .BuildServiceProvider();
        var dbs = sp.GetRequiredService<IDbContextFactory<LianDongDbContext>>();
        await using (var db = await dbs.CreateDbContextAsync(ct)) await db.Database.MigrateAsync(ct);
        if (!await DemoSeeder.IsEmptyAsync(dbs, ct)) throw new InvalidOperationException($"{dbPath} already has data; bench needs an empty database");

        await SetUpCatalogueAsync(sp, dbs, clock, start, ct);

        // --- events
        var plan = DemoPlan.Build(members, start, now.AddMinutes(-1), seed: 7);
        var events = WithBigNode(plan.Events, plan.Founders);
        log.WriteLine($"bench: {members} members, {events.Count} events over {Days} days");

        // --- ingest: through the API's write queue, as under load (group commit; answered only after the batch commits)
        var engine = sp.GetRequiredService<RewardEngineService>();
        var watch = Stopwatch.StartNew();
        EngineWriteQueueStats batching;
        await using (var queue = new EngineWriteQueue(engine, BatchSize))
        {
            await IngestAsync(queue, events, clock, watch, ct);
            batching = queue.Stats;
        }
        var ingestSeconds = watch.Elapsed.TotalSeconds;
        var entries = await ScalarAsync(connectionString, "SELECT COUNT(*) FROM LedgerEntries", ct);
        report["ingest"] = new JsonObject
        {
            ["events"] = events.Count, ["seconds"] = Round(ingestSeconds), ["eventsPerSecond"] = Round(events.Count / ingestSeconds),
            ["entries"] = entries, ["entriesPerSecond"] = Round(entries / ingestSeconds), ["batchSize"] = BatchSize,
            ["peakWorkingSetMb"] = PeakMb(),
            ["producers"] = Producers, ["batches"] = batching.Batches, ["avgBatchSize"] = Round(batching.AverageBatch),
            ["maxBatchSize"] = batching.MaxBatch, ["refusedBatches"] = batching.FallbackBatches,
        };
        log.WriteLine($"bench: ingest done, {events.Count} events and {entries} ledger entries in {ingestSeconds:N1} s; {batching.Batches} batches, avg {batching.AverageBatch:N1}, max {batching.MaxBatch}");

        // --- raw-insert baseline (same number of rows, same database, one transaction, one prepared statement)
        var raw = await RawInsertAsync(connectionString, entries, ct);
        report["rawInsert"] = new JsonObject { ["rows"] = entries, ["seconds"] = Round(raw), ["rowsPerSecond"] = Round(entries / raw) };
        report["ingestVsRawRatio"] = Math.Round(entries / ingestSeconds / (entries / raw), 5);
        log.WriteLine($"bench: raw insert of {entries} rows in {raw:N2} s");

        // --- nightly run over every pending date, then the same run again
        clock.Now = now;
        var nightly = sp.GetRequiredService<NightlyRunService>();
        var lastDate = today.AddDays(-1);
        watch.Restart();
        var cpuBefore = CpuSeconds();
        var runs = await nightly.RunAsync(lastDate, Actor, ct);
        var nightlySeconds = watch.Elapsed.TotalSeconds;
        var nightlyCpu = CpuSeconds() - cpuBefore;
        report["nightly"] = new JsonObject
        {
            ["seconds"] = Round(nightlySeconds), ["settled"] = runs.Sum(r => (long)r.SettledEntries), ["settledFen"] = runs.Sum(r => r.SettledFen),
            ["dates"] = runs.Count, ["released"] = runs.Sum(r => (long)r.ReleasedEntries), ["forfeited"] = runs.Sum(r => (long)r.ForfeitedEntries),
            ["peakWorkingSetMb"] = PeakMb(), ["cpuSeconds"] = Round(nightlyCpu),
        };
        log.WriteLine($"bench: nightly run of {runs.Count} dates in {nightlySeconds:N1} s");
        const string rowsWritten = "SELECT (SELECT COUNT(*) FROM LedgerEntries) + (SELECT COUNT(*) FROM LedgerStatusChanges) + (SELECT COUNT(*) FROM SettlementLines) + (SELECT COUNT(*) FROM SupportFundMovements)";
        var before = await ScalarAsync(connectionString, rowsWritten, ct);
        watch.Restart();
        var rerun = await nightly.RunAsync(lastDate, Actor, ct);
        var rerunSeconds = watch.Elapsed.TotalSeconds;
        var posted = await ScalarAsync(connectionString, rowsWritten, ct) - before;
        report["nightlyRerun"] = new JsonObject
        {
            ["seconds"] = Round(rerunSeconds), ["posted"] = posted, ["allAlreadyCompleted"] = rerun.All(r => r.AlreadyCompleted),
        };

        // --- queries behind the tree and the member search
        report["queries"] = await QueriesAsync(sp, dbs, ct);
        var dashboard = new DashboardFiguresQuery(dbs, clock);
        var dashTimes = new List<double>();
        var dashCpu = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var cpu = CpuSeconds();
            dashTimes.Add(await TimeAsync(() => dashboard.ComputeAsync(ct)));
            dashCpu.Add((CpuSeconds() - cpu) * 1000);
        }
        report["dashboardMs"] = Round(Percentile(dashTimes, 50));
        report["dashboard"] = Latency(dashTimes);
        // CPU time of this process while computing (median): less sensitive to other processes on a shared box.
        report["dashboard"]!["cpuMsP50"] = Round(Percentile(dashCpu, 50));
        log.WriteLine("bench: queries and dashboard measured");

        // --- invariants the test checks (ledger sums)
        report["invariants"] = await InvariantsAsync(connectionString, ct);

        // --- export in a child process (its own working set)
        report["export"] = await BenchExport.RunChildAsync(dbPath, ExportRows, log, ct);

        SqliteConnection.ClearAllPools();
        var dbBytes = new FileInfo(dbPath).Length + (File.Exists(dbPath + "-wal") ? new FileInfo(dbPath + "-wal").Length : 0);
        report["dbFileMb"] = Round(dbBytes / 1048576.0);
        report["dbFileMbPerMillionMembers"] = Round(dbBytes / 1048576.0 * 1_000_000 / members);
        report["peakWorkingSetMb"] = PeakMb();
        // The managed heap's share of that working set (the rest: the runtime, JIT code, SQLite's page cache and the
        // database file's memory-mapped pages), sampled every 50 ms through the stages above.
        report["peakManagedHeapMb"] = Round(heap.PeakBytes / 1048576.0);
        report["peakGcCommittedMb"] = Round(heap.PeakCommittedBytes / 1048576.0);

        // --- the same rows raw into a copy of the real ledger table: how much of the ratio's gap the schema accounts for.
        // Last, so the copy's pages (freed again) touch neither the file size above nor the stages before.
        var sameSchema = await RawInsertSameSchemaAsync(dbs, ct);
        report["rawInsertSameSchema"] = new JsonObject
        {
            ["rows"] = sameSchema.Rows, ["seconds"] = Round(sameSchema.Seconds), ["rowsPerSecond"] = Round(sameSchema.Rows / sameSchema.Seconds),
            ["indexes"] = sameSchema.Indexes, ["ingestVsThisRatio"] = Math.Round(entries / ingestSeconds / (sameSchema.Rows / sameSchema.Seconds), 5),
        };
        log.WriteLine($"bench: raw insert of the same {sameSchema.Rows} rows into a copy of the ledger table in {sameSchema.Seconds:N2} s");
        report["targets"] = Targets(report);
        return report;
    }

    /// <summary>
    /// Feeds the stream to the queue from <see cref="Producers"/> concurrent producers. Each takes the next event in stream
    /// order and queues it while holding the turn, so events reach the queue (which keeps arrival order) in stream order
    /// and nothing is applied before an event it depends on; then it waits for the answer like an API request does.
    /// </summary>
    private async Task IngestAsync(EngineWriteQueue queue, List<EngineEvent> events, MovingClock clock, Stopwatch watch, CancellationToken ct)
    {
        var next = 0;
        var done = 0;
        var turn = new object();
        async Task Produce()
        {
            while (true)
            {
                Task<ApplyOutcome> answer;
                lock (turn)
                {
                    if (next == events.Count) return;
                    var e = events[next++];
                    if (e.At > clock.Now) clock.Now = e.At;
                    answer = queue.SubmitAsync(e, ct); // queued before SubmitAsync first awaits, i.e. inside the turn
                }
                await answer;
                Interlocked.Increment(ref done);
            }
        }
        var producers = Task.WhenAll(Enumerable.Range(0, Producers).Select(_ => Task.Run(Produce, ct)));
        while (await Task.WhenAny(producers, Task.Delay(TimeSpan.FromSeconds(10), ct)) != producers)
        {
            var stats = queue.Stats;
            log.WriteLine($"bench: ingest {Volatile.Read(ref done)}/{events.Count} events, {Volatile.Read(ref done) / Math.Max(watch.Elapsed.TotalSeconds, 0.001):N0} events/s, " +
                          $"batches avg {stats.AverageBatch:N0} max {stats.MaxBatch}");
        }
        await producers;
    }

    private static async Task SetUpCatalogueAsync(IServiceProvider sp, IDbContextFactory<LianDongDbContext> dbs, MovingClock clock, DateTimeOffset start, CancellationToken ct)
    {
        await sp.GetRequiredService<RuleSetService>().PublishAsync(RuleParameters.Defaults, start.AddMinutes(-5), Actor, ct);
        var merchantIds = new Dictionary<string, long>();
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            foreach (var (code, name, contact) in DemoPlan.Merchants)
            {
                var m = new Merchant(code, name, contact, clock.Now);
                db.Merchants.Add(m);
                db.AuditLog.Add(new Domain.Compliance.AuditLogEntry(clock.Now, Actor, Domain.Compliance.AuditActions.MerchantCreate, "merchant:" + code, null, $"code={code}; name={name}"));
                await db.SaveChangesAsync(ct);
                merchantIds[code] = m.Id;
            }
        }
        var packs = sp.GetRequiredService<PackService>();
        foreach (var p in DemoPlan.Packs)
        {
            // Stock is the merchant's figure only; a large stock keeps the bench's orders from running it down.
            await packs.CreateAsync(merchantIds[p.MerchantCode], p.Code, p.Name, p.PriceFen, p.CostFen, 10_000_000, ct);
            await packs.SwitchOnAsync(p.Code, Actor, ct);
        }
    }

    /// <summary>
    /// The plan with one founder given up to 10,000 direct referrals (every k-th later registration re-pointed to it),
    /// so <c>bigNodeChildren</c> pages through a real fan-out of that size. A founder registers before anyone else.
    /// </summary>
    internal static List<EngineEvent> WithBigNode(IReadOnlyList<EngineEvent> events, int founders)
    {
        var registrations = events.OfType<RegisterMember>().Count(r => r.ReferrerId is not null);
        var target = Math.Min(BigNodeReferrals, registrations / 10);
        var every = target == 0 ? int.MaxValue : Math.Max(1, registrations / target);
        var big = $"M{Math.Min(3, founders):D6}";
        var n = 0; var given = 0;
        var result = new List<EngineEvent>(events.Count);
        foreach (var e in events)
        {
            if (e is RegisterMember r && r.ReferrerId is not null && r.MemberId != big && ++n % every == 0 && given < target)
            {
                given++;
                result.Add(r with { ReferrerId = big });
            }
            else result.Add(e);
        }
        return result;
    }

    private async Task<JsonObject> QueriesAsync(IServiceProvider sp, IDbContextFactory<LianDongDbContext> dbs, CancellationToken ct)
    {
        var q = sp.GetRequiredService<MemberQueryService>();
        var rnd = new Random(11);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var roots = await db.Members.AsNoTracking().Where(m => m.ReferrerId == null).OrderBy(m => m.Id).Select(m => m.Id).Take(QueryRuns).ToListAsync(ct);
        var big = await db.Members.AsNoTracking().Where(m => m.ReferrerId != null).GroupBy(m => m.ReferrerId)
            .Select(g => new { Id = g.Key!.Value, Count = g.Count() }).OrderByDescending(g => g.Count).FirstAsync(ct);
        var deep = await db.Members.AsNoTracking().OrderByDescending(m => m.Depth).Select(m => m.Id).Take(QueryRuns).ToListAsync(ct);
        var maxId = await db.Members.MaxAsync(m => m.Id, ct);
        var sample = new List<(long Id, string ExternalId, string? Phone, string? Name)>();
        while (sample.Count < QueryRuns)
        {
            var id = rnd.NextInt64(1, maxId + 1);
            var m = await db.Members.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.Id, x.ExternalId, x.Phone, x.Name }).FirstOrDefaultAsync(ct);
            if (m is not null) sample.Add((m.Id, m.ExternalId, m.Phone, m.Name));
        }

        var result = new JsonObject();
        async Task Measure(string name, Func<int, Task> run)
        {
            await run(0); // warm the statement cache; not counted
            var times = new List<double>();
            for (var i = 0; i < QueryRuns; i++) times.Add(await TimeAsync(() => run(i)));
            result[name] = Latency(times);
        }
        await Measure("rootChildren", i => q.GetDirectReferralsAsync(roots[i % roots.Count], 0, 50, ct));
        long after = 0;
        await Measure("bigNodeChildren", async i =>
        {
            var page = await q.GetDirectReferralsAsync(big.Id, after, 50, ct);
            after = page.Count == 50 ? page[^1].Id : 0;
        });
        ((JsonObject)result["bigNodeChildren"]!)["directReferrals"] = big.Count;
        await Measure("subtreeCounts", i => q.GetTeamCountsAsync(sample[i].Id, ct));
        await Measure("ancestors", i => q.GetAncestorsAsync(deep[i % deep.Count], ct));
        await Measure("searchById", i => q.FindAsync(sample[i].ExternalId, ct));
        await Measure("searchByPhone", i => q.SearchAsync(sample[i].Phone ?? sample[i].ExternalId, 20, ct));
        await Measure("searchByNamePrefix", i => q.SearchAsync(sample[i].Name is { Length: > 0 } n ? n[..1] : "王", 20, ct));
        return result;
    }

    private static async Task<JsonObject> InvariantsAsync(string cs, CancellationToken ct)
    {
        // Settlement lines sum to the entries the nightly runs moved to Available; every entry has one status.
        var linesFen = await ScalarAsync(cs, "SELECT COALESCE(SUM(AmountFen), 0) FROM SettlementLines", ct);
        var linesEntries = await ScalarAsync(cs, "SELECT COALESCE(SUM(EntryCount), 0) FROM SettlementLines", ct);
        var batchesFen = await ScalarAsync(cs, "SELECT COALESCE(SUM(TotalFen), 0) FROM SettlementBatches", ct);
        var entriesFen = await ScalarAsync(cs, "SELECT COALESCE(SUM(AmountFen), 0) FROM LedgerEntries", ct);
        var byStatusFen = await ScalarAsync(cs, "SELECT COALESCE(SUM(s), 0) FROM (SELECT SUM(AmountFen) s FROM LedgerEntries GROUP BY Status)", ct);
        return new JsonObject
        {
            ["settlementLinesFen"] = linesFen, ["settlementLineEntries"] = linesEntries, ["settlementBatchesFen"] = batchesFen,
            ["ledgerFen"] = entriesFen, ["ledgerFenByStatusSum"] = byStatusFen,
        };
    }

    private static async Task<double> RawInsertAsync(string cs, long rows, CancellationToken ct)
    {
        await using var c = new SqliteConnection(cs);
        await c.OpenAsync(ct);
        await Exec(c, "DROP TABLE IF EXISTS BenchRawLedgerEntries; CREATE TABLE BenchRawLedgerEntries AS SELECT * FROM LedgerEntries WHERE 0;" +
                      "CREATE UNIQUE INDEX IX_BenchRaw_Key ON BenchRawLedgerEntries (IdempotencyKey);" +
                      "CREATE INDEX IX_BenchRaw_Beneficiary ON BenchRawLedgerEntries (BeneficiaryId, Status, AmountFen);", ct);
        var columns = (await LedgerColumnsAsync(c, ct)).Where(x => x.Name != "Id").ToList();
        var watch = Stopwatch.StartNew();
        await using (var tx = c.BeginTransaction())
        {
            await using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"INSERT INTO BenchRawLedgerEntries ({string.Join(", ", columns.Select(x => x.Name))}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
            var ps = columns.Select((_, i) => cmd.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
            cmd.Prepare();
            for (long n = 1; n <= rows; n++)
            {
                for (var i = 0; i < columns.Count; i++)
                {
                    var (name, type) = columns[i];
                    ps[i].Value = name == "IdempotencyKey" ? $"ord:{n}:Direct:{n % 50_000}:pending"
                        : type.Contains("TEXT") ? "2026-01-01"
                        : n % 50_000 + i;
                }
                await cmd.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        var seconds = watch.Elapsed.TotalSeconds;
        await Exec(c, "DROP TABLE BenchRawLedgerEntries", ct);
        return seconds;
    }

    /// <summary>
    /// The engine's own ledger rows, in id order and with the status each was posted in, inserted raw into a copy of the
    /// real ledger table — its columns, all its indexes (the partial ones too) and its foreign keys, enforced — on a
    /// connection set up like the engine's (pragmas and writer cache), in one transaction with one prepared statement.
    /// Rows are read in chunks outside the timed part. Compared with <see cref="RawInsertAsync"/> (a bare table), it
    /// splits the ratio's gap into what the table's indexes and keys cost and what the engine adds on top.
    /// </summary>
    private static async Task<(long Rows, double Seconds, int Indexes)> RawInsertSameSchemaAsync(IDbContextFactory<LianDongDbContext> dbs, CancellationToken ct)
    {
        const string Copy = "BenchRawLedgerCopy", Chunk = "50000";
        await using var db = await dbs.CreateDbContextAsync(ct);
        await db.UseWriterCacheAsync(ct);
        var c = (SqliteConnection)db.Database.GetDbConnection();
        var ddl = new List<string>();
        await using (var read = c.CreateCommand())
        {
            read.CommandText = "SELECT sql FROM sqlite_master WHERE tbl_name = 'LedgerEntries' AND sql IS NOT NULL ORDER BY type DESC";
            await using var r = await read.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) ddl.Add(r.GetString(0));
        }
        // Only the new table's name and its indexes' names change; its foreign keys still point at the real parents.
        var copyDdl = ddl.Select(sql => sql
            .Replace("CREATE TABLE \"LedgerEntries\"", $"CREATE TABLE \"{Copy}\"")
            .Replace("ON \"LedgerEntries\" (", $"ON \"{Copy}\" (")
            .Replace("\"IX_LedgerEntries_", $"\"IX_{Copy}_")).ToList();
        await Exec(c, $"DROP TABLE IF EXISTS {Copy}; " + string.Join(";\n", copyDdl) + ";", ct);
        var columns = (await LedgerColumnsAsync(c, ct)).Select(x => x.Name).ToList();
        var list = string.Join(", ", columns.Select(x => $"\"{x}\""));
        var posted = string.Join(", ", columns.Select(x => x == "Status"
            ? "COALESCE((SELECT s.FromStatus FROM LedgerStatusChanges s WHERE s.EntryId = e.Id ORDER BY s.Id LIMIT 1), e.Status)"
            : $"e.\"{x}\""));

        long rows = 0, last = 0;
        var timed = new Stopwatch();
        await using (var tx = c.BeginTransaction())
        {
            await using var select = c.CreateCommand();
            select.Transaction = tx;
            select.CommandText = $"SELECT {posted} FROM LedgerEntries e WHERE e.Id > $last ORDER BY e.Id LIMIT {Chunk}";
            var lastParameter = select.Parameters.Add(new SqliteParameter("$last", 0L));
            await using var insert = c.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = $"INSERT INTO {Copy} ({list}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
            var ps = columns.Select((_, i) => insert.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
            insert.Prepare();
            var chunk = new List<object[]>();
            while (true)
            {
                chunk.Clear();
                lastParameter.Value = last;
                await using (var r = await select.ExecuteReaderAsync(ct))
                    while (await r.ReadAsync(ct))
                    {
                        var values = new object[columns.Count];
                        r.GetValues(values);
                        chunk.Add(values);
                    }
                if (chunk.Count == 0) break;
                last = (long)chunk[^1][columns.IndexOf("Id")];
                timed.Start();
                foreach (var values in chunk)
                {
                    for (var i = 0; i < values.Length; i++) ps[i].Value = values[i];
                    await insert.ExecuteNonQueryAsync(ct);
                }
                timed.Stop();
                rows += chunk.Count;
            }
            timed.Start();
            await tx.CommitAsync(ct);
            timed.Stop();
        }
        await Exec(c, $"DROP TABLE {Copy}", ct);
        return (rows, timed.Elapsed.TotalSeconds, ddl.Count - 1);
    }

    /// <summary>The ledger table's columns in table order: name and declared type (upper case).</summary>
    private static async Task<List<(string Name, string Type)>> LedgerColumnsAsync(SqliteConnection c, CancellationToken ct)
    {
        var columns = new List<(string Name, string Type)>();
        await using var info = c.CreateCommand();
        info.CommandText = "PRAGMA table_info(LedgerEntries)";
        await using var r = await info.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) columns.Add((r.GetString(1), r.GetString(2).ToUpperInvariant()));
        return columns;
    }

    private static async Task Exec(SqliteConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    internal static async Task<long> ScalarAsync(string cs, string sql, CancellationToken ct)
    {
        await using var c = new SqliteConnection(cs);
        await c.OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
    }

    private static async Task<double> TimeAsync(Func<Task> run)
    {
        var w = Stopwatch.StartNew();
        await run();
        return w.Elapsed.TotalMilliseconds;
    }

    private static JsonObject Latency(List<double> ms) => new()
    {
        ["p50Ms"] = Round(Percentile(ms, 50)), ["p95Ms"] = Round(Percentile(ms, 95)), ["maxMs"] = Round(ms.Max()), ["runs"] = ms.Count,
    };

    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.OrderBy(v => v).ToList();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    /// <summary>CPU time (user + system) this process has used so far.</summary>
    internal static double CpuSeconds()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>The largest managed heap (live objects and not yet collected garbage) and GC-committed memory seen.</summary>
    private sealed class ManagedHeapSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private long _peak, _peakCommitted;

        public ManagedHeapSampler() => _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Sample();
                try { await Task.Delay(50, _stop.Token); } catch (OperationCanceledException) { }
            }
        });

        private void Sample()
        {
            var info = GC.GetGCMemoryInfo();
            Interlocked.Exchange(ref _peak, Math.Max(Interlocked.Read(ref _peak), GC.GetTotalMemory(false)));
            Interlocked.Exchange(ref _peakCommitted, Math.Max(Interlocked.Read(ref _peakCommitted), info.TotalCommittedBytes));
        }

        public long PeakBytes { get { Sample(); return Interlocked.Read(ref _peak); } }
        public long PeakCommittedBytes { get { Sample(); return Interlocked.Read(ref _peakCommitted); } }

        public void Dispose()
        {
            _stop.Cancel();
            try { _loop.Wait(TimeSpan.FromSeconds(1)); } catch (AggregateException) { }
            _stop.Dispose();
        }
    }

    internal static double PeakMb()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return Round(p.PeakWorkingSet64 / 1048576.0);
    }

    internal static double Round(double v) => Math.Round(v, 2);

    /// <summary>Why a target is missed (see docs/performance.md for the figures and the plan).</summary>
    private static readonly Dictionary<string, string> Why = new()
    {
        ["ingestEventsPerSecond"] = "a batch is one unit of work (ADR 0070) and EF is gone from the write path; what remains is SQLite's index maintenance (a ledger row writes its table row and four to six index entries — one on a random page, the member's — and checks up to five foreign keys; a member row six to eight indexes, ADR 0072), the commit and WAL checkpoints, and the batch's prefetch queries — all growing slowly with the file",
        ["ingestVsRawRatio"] = "the raw baseline inserts into a table with two indexes and no foreign keys in one transaction; an engine row also reads what the rules need, maintains the real table's indexes and moves counters, members and orders with it",
        ["nightlySeconds"] = "a catch-up runs steps 1–2 once over the missed dates and settles date by date (ADR 0080, 0072); the time is the status-change rows, the rewritten ledger rows and the partial-index deletes of the entries it settles, plus the first fold of the whole ledger into the dashboard totals; the bench's single catch-up over ~70 dates is the worst case, a normal night moves one day's entries",
        ["queryP95Ms"] = "see docs/performance.md; the queries are index seeks, a miss points at load on the machine",
        ["dashboardMs"] = "the dashboard reads the ledger totals plus the entries and moves since the last nightly run; a miss points at a large tail (no nightly run since many postings or moves)",
        ["exportSeconds"] = "the export streams rows; a miss points at load on the machine",
        ["exportPeakWorkingSetMb"] = "the export streams rows through XlsxStreamWriter (a zip entry per sheet); a miss points at buffering in the writer",
    };

    /// <summary>Each target of issue 7 with the measured figure and whether it is met (the figures are for N = 1,000,000).</summary>
    private static JsonObject Targets(JsonObject r)
    {
        double D(JsonNode? n) => n?.GetValue<double>() ?? double.NaN;
        var eps = D(r["ingest"]!["eventsPerSecond"]);
        var ratio = D(r["ingestVsRawRatio"]);
        var nightly = D(r["nightly"]!["seconds"]);
        var worstP95 = ((JsonObject)r["queries"]!).Max(q => D(q.Value!["p95Ms"]));
        var dash = D(r["dashboardMs"]);
        var export = (JsonObject)r["export"]!;
        JsonObject T(double measured, double target, bool atMost) => new()
        {
            ["measured"] = measured, ["target"] = target, ["met"] = atMost ? measured <= target : measured >= target,
            ["factor"] = Round(atMost ? measured / target : target / Math.Max(measured, 1e-9)),
        };
        var t = new JsonObject
        {
            ["ingestEventsPerSecond"] = T(eps, 5000, false),
            ["ingestVsRawRatio"] = T(ratio, 0.10, false),
            ["nightlySeconds"] = T(nightly, 30, true),
            ["queryP95Ms"] = T(worstP95, 50, true),
            ["dashboardMs"] = T(dash, 500, true),
        };
        if (export["seconds"] is not null)
        {
            t["exportSeconds"] = T(D(export["seconds"]), 5, true);
            t["exportPeakWorkingSetMb"] = T(D(export["peakWorkingSetMb"]), 300, true);
        }
        foreach (var (name, target) in t)
            if (!target!["met"]!.GetValue<bool>() && Why.TryGetValue(name, out var why)) target["why"] = why;
        if (t["ingestVsRawRatio"]!["why"] is not null && r["rawInsertSameSchema"] is JsonObject same && r["rawInsert"] is JsonObject bare)
        {
            var sameRate = D(same["rowsPerSecond"]);
            t["ingestVsRawRatio"]!["why"] += FormattableString.Invariant(
                $". Measured split: the same rows inserted raw into a copy of the real ledger table ({same["indexes"]} indexes, foreign keys enforced) run at {sameRate:N0} rows/s, {D(bare["rowsPerSecond"]) / sameRate:N1}× slower than the bare baseline; the engine's entries/s are {D(same["ingestVsThisRatio"]):N2} of that");
        }
        return t;
    }
}
