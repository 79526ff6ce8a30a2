using System.Data.Common;
using System.Reflection;
using LianDong.Domain.Ledger;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LianDong.Domain.Rewards;

/// <summary>
/// The engine's write side for one batch: inserts and updates through prepared commands on the context's connection,
/// inside the caller's transaction, with no change tracking and no read-back.
/// Column names, value converters (UTC ticks, enums) and parameter types come from the EF model, so a row written here
/// is the row <c>SaveChanges</c> would have written. Ids are allocated here: <c>MAX(Id)</c> of the table at its first
/// insert in the batch, then counted up; that is safe because the batch's transaction holds SQLite's write lock
/// (<c>BEGIN IMMEDIATE</c>) and every engine insert of the batch goes through this writer.
/// Updates are deferred: <see cref="MarkDirty"/> remembers an entity and <see cref="FlushUpdates"/> writes each once.
/// </summary>
internal sealed class EngineRowWriter : IDisposable
{
    private readonly LianDongDbContext _db;
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly ISqlGenerationHelper _sql;
    private readonly Dictionary<Type, Table> _tables = [];
    private DbCommand? _moveStatus;

    public EngineRowWriter(LianDongDbContext db)
    {
        _db = db;
        _connection = db.Database.GetDbConnection();
        _transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("The engine writes only inside the batch's transaction.");
        _sql = db.GetService<ISqlGenerationHelper>();
    }

    /// <summary>Gives <paramref name="entity"/> the next id of its table (unless it has one) and inserts it now.</summary>
    public void Insert<T>(T entity) where T : class
    {
        var t = TableOf(typeof(T));
        if (t.GetId(entity) == 0)
        {
            if (t.NextId < 0) t.NextId = ReadMaxId(t) + 1;
            t.SetId(entity, t.NextId++);
        }
        t.Insert ??= Prepare($"INSERT INTO {t.Name} ({string.Join(", ", t.Columns.Select(c => c.Name))}) VALUES ({string.Join(", ", t.Columns.Select(c => c.Placeholder))})", t.Columns);
        Bind(t.Insert, t.Columns, entity);
        t.Insert.ExecuteNonQuery();
    }

    /// <summary>The entity (already in the database) changed; its row is rewritten once by <see cref="FlushUpdates"/>.</summary>
    public void MarkDirty<T>(T entity) where T : class => TableOf(typeof(T)).Dirty.Add(entity);

    /// <summary>
    /// Rewrites the columns the engine changes (<see cref="UpdatedColumns"/>) of every dirty entity's row, once per batch.
    /// Only those columns, so an update touches no index it need not (Members has six).
    /// </summary>
    public void FlushUpdates()
    {
        foreach (var t in _tables.Values)
        {
            if (t.Dirty.Count == 0) continue;
            if (t.Updated.Count == 0) throw new InvalidOperationException($"The engine does not update {t.Name} rows.");
            if (t.Update is null)
            {
                var set = t.Columns.Where(c => !c.IsKey && t.Updated.Contains(c.Property.Name)).ToArray();
                var key = t.Columns.Single(c => c.IsKey);
                t.UpdateColumns = [.. set, key];
                t.Update = Prepare($"UPDATE {t.Name} SET {string.Join(", ", set.Select(c => $"{c.Name} = {c.Placeholder}"))} WHERE {key.Name} = {key.Placeholder}", t.UpdateColumns);
            }
            foreach (var entity in t.Dirty)
            {
                Bind(t.Update, t.UpdateColumns!, entity);
                if (t.Update.ExecuteNonQuery() != 1) throw new InvalidOperationException($"{t.Name} row {t.GetId(entity)} was not there to update.");
            }
            t.Dirty.Clear();
        }
    }

    /// <summary>
    /// Compare-and-set move of one ledger entry's status, recorded in LedgerStatusChanges (the same contract as
    /// LedgerStatusMover, with the row written through this writer). False when the entry was no longer in <paramref name="from"/>.
    /// </summary>
    public bool MoveLedgerStatus(long entryId, EntryStatus from, EntryStatus to, DateTimeOffset at, string actor)
    {
        if (!LedgerTransitions.IsAllowed(from, to)) throw new InvalidOperationException($"A ledger entry cannot move from {from} to {to}.");
        if (_moveStatus is null)
        {
            var t = TableOf(typeof(LedgerEntry));
            var status = t.Columns.Single(c => c.Property.Name == nameof(LedgerEntry.Status));
            var id = t.Columns.Single(c => c.IsKey);
            _moveStatus = CreateCommand($"UPDATE {t.Name} SET {status.Name} = @to WHERE {id.Name} = @id AND {status.Name} = @from");
            AddParameter(_moveStatus, "to", status.Mapping); AddParameter(_moveStatus, "id", id.Mapping); AddParameter(_moveStatus, "from", status.Mapping);
            _moveStatus.Prepare();
        }
        var statusConverter = TableOf(typeof(LedgerEntry)).Columns.Single(c => c.Property.Name == nameof(LedgerEntry.Status)).Converter;
        _moveStatus.Parameters[0].Value = statusConverter?.ConvertToProvider(to) ?? to;
        _moveStatus.Parameters[1].Value = entryId;
        _moveStatus.Parameters[2].Value = statusConverter?.ConvertToProvider(from) ?? from;
        if (_moveStatus.ExecuteNonQuery() == 0) return false;
        Insert(new LedgerStatusChange(entryId, from, to, at, actor, null));
        return true;
    }

    /// <summary>A command on the batch's connection and transaction (for MemberTreeWriter's counter update).</summary>
    public DbCommand CreateCommand(string text)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = _transaction;
        cmd.CommandText = text;
        return cmd;
    }

    public string Delimit(string identifier) => _sql.DelimitIdentifier(identifier);

    /// <summary>
    /// Adds parameter <c>@<paramref name="name"/></c>. The name carries its <c>@</c> as the SQL text writes it:
    /// Microsoft.Data.Sqlite looks each parameter's name up in the statement at every execution, and a name without
    /// the prefix first costs a failed lookup (with its UTF-8 conversion) per parameter and row.
    /// </summary>
    public static DbParameter AddParameter(DbCommand cmd, string name, RelationalTypeMapping mapping)
    {
        var p = mapping.CreateParameter(cmd, "@" + name, null, nullable: true);
        cmd.Parameters.Add(p);
        return p;
    }

    /// <summary>The mapped column of <typeparamref name="T"/>.<paramref name="property"/>: its delimited name and type mapping.</summary>
    public (string Name, RelationalTypeMapping Mapping) ColumnOf<T>(string property) where T : class
    {
        var c = TableOf(typeof(T)).Columns.Single(x => x.Property.Name == property);
        return (c.Name, c.Mapping);
    }

    public string TableName<T>() where T : class => TableOf(typeof(T)).Name;

    public void Dispose()
    {
        foreach (var t in _tables.Values) { t.Insert?.Dispose(); t.Update?.Dispose(); }
        _moveStatus?.Dispose();
    }

    // ---- internals ----------------------------------------------------------------------------------------------

    private long ReadMaxId(Table t)
    {
        using var cmd = CreateCommand($"SELECT COALESCE(MAX({t.Columns.Single(c => c.IsKey).Name}), 0) FROM {t.Name}");
        return Convert.ToInt64(cmd.ExecuteScalar());
    }

    private DbCommand Prepare(string text, IReadOnlyList<Column> columns)
    {
        var cmd = CreateCommand(text);
        foreach (var c in columns) AddParameter(cmd, c.ParameterName, c.Mapping);
        cmd.Prepare();
        return cmd;
    }

    private static void Bind(DbCommand cmd, IReadOnlyList<Column> columns, object entity)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            var c = columns[i];
            var value = c.Getter.GetValue(entity);
            if (value is not null && c.Converter is not null) value = c.Converter.ConvertToProvider(value);
            cmd.Parameters[i].Value = value ?? DBNull.Value;
        }
    }

    private Table TableOf(Type type)
    {
        if (_tables.TryGetValue(type, out var t)) return t;
        var entityType = _db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not mapped.");
        var tableName = entityType.GetTableName() ?? throw new InvalidOperationException($"{type.Name} has no table.");
        var store = StoreObjectIdentifier.Table(tableName, entityType.GetSchema());
        var key = entityType.FindPrimaryKey()!.Properties.Single();
        var columns = new List<Column>();
        foreach (var p in entityType.GetProperties())
        {
            var getter = p.PropertyInfo ?? throw new InvalidOperationException($"{type.Name}.{p.Name} is a shadow property; the engine writer needs CLR properties.");
            var mapping = (RelationalTypeMapping)p.GetTypeMapping();
            var name = p.GetColumnName(store) ?? throw new InvalidOperationException($"{type.Name}.{p.Name} has no column.");
            columns.Add(new Column(p, _sql.DelimitIdentifier(name), $"@p{columns.Count}", $"p{columns.Count}", getter,
                p.GetValueConverter() ?? mapping.Converter, mapping, p == key));
        }
        var idProperty = key.PropertyInfo!;
        var setter = idProperty.GetSetMethod(nonPublic: true) ?? throw new InvalidOperationException($"{type.Name}.Id has no setter.");
        t = new Table(_sql.DelimitIdentifier(tableName, entityType.GetSchema()), [.. columns],
            e => Convert.ToInt64(idProperty.GetValue(e)), (e, id) => setter.Invoke(e, [id]),
            UpdatedColumns.GetValueOrDefault(type) ?? []);
        _tables[type] = t;
        return t;
    }

    /// <summary>
    /// The columns the engine's domain methods change after a row is written (Member.BecomeAgent/BecomePartner/
    /// RevertToMember/CountQualifiedReferral/UncountQualifiedReferral/SetLatestTask, Order.MarkCounted/MarkRefunded,
    /// ChannelTask.RecordProgress/Cancel, GiftPack.RecordSale). A new mutator the engine calls must add its columns here;
    /// the replay and batch tests compare every one of these columns. Member's Team*/LedAgents counters are never
    /// rewritten from memory: they move only by MemberTreeWriter's deltas.
    /// </summary>
    private static readonly Dictionary<Type, HashSet<string>> UpdatedColumns = new()
    {
        [typeof(Members.Member)] = [nameof(Members.Member.Rank), nameof(Members.Member.LeaderId), nameof(Members.Member.FormerLeaderId),
            nameof(Members.Member.PeerBeneficiaryId), nameof(Members.Member.QualifiedReferrals), nameof(Members.Member.LatestTaskId)],
        [typeof(Packs.Order)] = [nameof(Packs.Order.CountedForMemberId), nameof(Packs.Order.RefundedAt)],
        [typeof(Tasks.ChannelTask)] = [nameof(Tasks.ChannelTask.Progress), nameof(Tasks.ChannelTask.Status), nameof(Tasks.ChannelTask.ClosedAt)],
        [typeof(Packs.GiftPack)] = [nameof(Packs.GiftPack.SoldCount), nameof(Packs.GiftPack.Stock)],
    };

    private sealed record Column(IProperty Property, string Name, string Placeholder, string ParameterName, PropertyInfo Getter,
        ValueConverter? Converter, RelationalTypeMapping Mapping, bool IsKey);

    private sealed class Table(string name, Column[] columns, Func<object, long> getId, Action<object, long> setId, HashSet<string> updated)
    {
        public string Name { get; } = name;
        public Column[] Columns { get; } = columns;
        public Func<object, long> GetId { get; } = getId;
        public Action<object, long> SetId { get; } = setId;
        public HashSet<string> Updated { get; } = updated;
        public HashSet<object> Dirty { get; } = new(ReferenceEqualityComparer.Instance);
        public long NextId { get; set; } = -1;
        public DbCommand? Insert { get; set; }
        public DbCommand? Update { get; set; }
        public Column[]? UpdateColumns { get; set; }
    }
}
