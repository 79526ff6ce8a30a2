using System.Threading.Channels;
using LianDong.Domain.Engine;
using LianDong.Domain.Rewards;

namespace LianDong.Console.Api;

/// <summary>
/// Group commit for engine events (docs/decisions/0075-api-group-commit.md). Callers submit one event and await its
/// outcome; one writer loop takes whatever is queued (in order of arrival, at most <see cref="MaxBatch"/>) and applies it
/// with one <see cref="RewardEngineService.ApplyBatchAsync"/> call, i.e. one transaction. A submitter is completed only
/// after its batch committed. When a batch throws (all or nothing: nothing of it is stored), its events are applied again
/// one per call, in the same order, so only the faulty event's submitter gets the exception and the others commit.
/// Nothing waits for a batch to fill: with one event queued, the batch is that one event.
/// </summary>
public sealed class EngineWriteQueue : IAsyncDisposable, IDisposable
{
    private readonly RewardEngineService _engine;
    private readonly ApiWriteGate? _gate;
    private readonly ILogger? _log;
    private readonly Channel<Submission> _queue = Channel.CreateUnbounded<Submission>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _drainTimeout;
    private readonly Task _writer;
    private long _batches, _events, _fallbackBatches, _queued, _submitted;
    private int _maxBatchFormed, _disposed;

    /// <param name="gate">When given, each batch holds it while it is applied, so this process's other writes (payout
    /// accounts, packs) take turns with the batches instead of waiting in SQLite's busy handler.</param>
    /// <param name="drainTimeout">How long disposal lets the writer finish what is queued before failing the rest.</param>
    public EngineWriteQueue(RewardEngineService engine, int maxBatch, ApiWriteGate? gate = null, ILogger? log = null, TimeSpan? drainTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _engine = engine;
        _gate = gate;
        _log = log;
        MaxBatch = maxBatch;
        _drainTimeout = drainTimeout ?? TimeSpan.FromSeconds(30);
        _writer = Task.Run(WriteLoopAsync);
    }

    public int MaxBatch { get; }

    /// <summary>Events submitted and not yet taken into a batch (cancelled ones included until the writer skips them).</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Events accepted into the queue since it started.</summary>
    public long Submitted => Interlocked.Read(ref _submitted);

    public EngineWriteQueueStats Stats => new(Interlocked.Read(ref _batches), Interlocked.Read(ref _events),
        Volatile.Read(ref _maxBatchFormed), Interlocked.Read(ref _fallbackBatches));

    /// <summary>
    /// Queues <paramref name="e"/> and waits until the batch it is in has committed (or until it alone was refused).
    /// <paramref name="ct"/> withdraws the event only while it is still queued; once the writer has taken it, the
    /// outcome is awaited (the batch is short), so a cancelled caller never leaves a batch half-known.
    /// Throws <see cref="EngineWriteQueueClosedException"/> when the queue is shutting down and the event was not applied.
    /// </summary>
    public async Task<ApplyOutcome> SubmitAsync(EngineEvent e, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var s = new Submission(e);
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(s))
        {
            Interlocked.Decrement(ref _queued);
            throw new EngineWriteQueueClosedException();
        }
        Interlocked.Increment(ref _submitted);
        if (!ct.CanBeCanceled) return await s.Task;
        await using (ct.Register(static (state, token) => ((Submission)state!).TryWithdraw(token), s))
            return await s.Task;
    }

    /// <summary>
    /// Completes when every event queued before this call has been committed or refused. A check that finds a member or
    /// an order missing waits for this and looks again, so a write that depends on one still in the queue (sent without
    /// waiting for its answer) is not refused for arriving while that one was queued.
    /// </summary>
    public Task FlushAsync(CancellationToken ct = default)
    {
        var barrier = new Submission(null);
        Interlocked.Increment(ref _queued);
        if (_queue.Writer.TryWrite(barrier)) return barrier.Task.WaitAsync(ct);
        Interlocked.Decrement(ref _queued);
        return Task.CompletedTask; // closed: what was queued is applied or failed by the time anyone looks again
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Submission>(MaxBatch);
        var barriers = new List<Submission>();
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token))
            {
                batch.Clear();
                barriers.Clear();
                while (batch.Count < MaxBatch && reader.TryRead(out var s))
                {
                    Interlocked.Decrement(ref _queued);
                    if (s.IsBarrier) barriers.Add(s);
                    else if (s.TryTake()) batch.Add(s);
                }
                if (batch.Count > 0) await ApplyAsync(batch);
                foreach (var b in barriers) b.Complete(ApplyOutcome.Applied);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            foreach (var s in batch.Concat(barriers)) s.Fail(new EngineWriteQueueClosedException());
        }
        catch (Exception e)
        {
            // ApplyAsync completes every submitter itself; reaching here is a bug in this loop. Fail everyone rather than hang them.
            _log?.LogCritical(e, "The engine write queue stopped");
            _queue.Writer.TryComplete();
            foreach (var s in batch.Concat(barriers)) s.Fail(e);
        }
        // Whatever is left after a hard stop was never applied.
        while (reader.TryRead(out var left))
        {
            Interlocked.Decrement(ref _queued);
            if (left.IsBarrier || left.TryTake()) left.Fail(new EngineWriteQueueClosedException());
        }
    }

    private async Task ApplyAsync(List<Submission> batch)
    {
        var stop = _stop.Token;
        if (_gate is null) await ApplyHeldAsync(batch, stop);
        else await _gate.RunAsync(async () => { await ApplyHeldAsync(batch, stop); return true; }, stop);
    }

    private async Task ApplyHeldAsync(List<Submission> batch, CancellationToken stop)
    {
        IReadOnlyList<ApplyOutcome> outcomes;
        try
        {
            outcomes = await _engine.ApplyBatchAsync(batch.Select(s => s.Event!).ToList(), stop);
        }
        catch (Exception e) when (batch.Count == 1 || stop.IsCancellationRequested)
        {
            Count(batch.Count, fallback: false);
            foreach (var s in batch) s.Fail(stop.IsCancellationRequested ? new EngineWriteQueueClosedException() : e);
            return;
        }
        catch (Exception e)
        {
            // Nothing of the batch is stored. Apply its events one per call, in order: each gets its own outcome or error.
            _log?.LogDebug("A batch of {Count} events was refused ({Error}); applying them one by one", batch.Count, e.Message);
            Count(batch.Count, fallback: true);
            foreach (var s in batch)
            {
                if (stop.IsCancellationRequested) { s.Fail(new EngineWriteQueueClosedException()); continue; }
                try { s.Complete(await _engine.ApplyAsync(s.Event!, stop)); }
                catch (Exception one) { s.Fail(stop.IsCancellationRequested ? new EngineWriteQueueClosedException() : one); }
            }
            return;
        }
        Count(batch.Count, fallback: false);
        for (var i = 0; i < batch.Count; i++) batch[i].Complete(outcomes[i]);
    }

    private void Count(int size, bool fallback)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _events, size);
        if (fallback) Interlocked.Increment(ref _fallbackBatches);
        int seen;
        while (size > (seen = Volatile.Read(ref _maxBatchFormed)) && Interlocked.CompareExchange(ref _maxBatchFormed, size, seen) != seen) { }
    }

    /// <summary>
    /// Stops taking events, lets the writer apply what is queued (up to the drain timeout), then cancels the batch in
    /// progress (its transaction rolls back) and fails every submitter still waiting with <see cref="EngineWriteQueueClosedException"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _queue.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(_drainTimeout);
        }
        catch (TimeoutException)
        {
            _log?.LogWarning("The engine write queue did not drain in {Timeout}; failing the {Count} events still queued", _drainTimeout, Queued);
            await _stop.CancelAsync();
            await _writer;
        }
        _stop.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>An event to apply, or (no event) a barrier that completes once everything queued before it is done.</summary>
    private sealed class Submission(EngineEvent? e)
    {
        private const int Waiting = 0, Taken = 1, Withdrawn = 2;
        private readonly TaskCompletionSource<ApplyOutcome> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state;

        public EngineEvent? Event { get; } = e;
        public bool IsBarrier => Event is null;
        public Task<ApplyOutcome> Task => _done.Task;

        /// <summary>The writer takes the event; from now on it will be applied (or refused) and the outcome reported.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

        /// <summary>The caller gave up while the event was still queued: it will never be applied.</summary>
        public void TryWithdraw(CancellationToken ct)
        {
            if (Interlocked.CompareExchange(ref _state, Withdrawn, Waiting) == Waiting) _done.TrySetCanceled(ct);
        }

        public void Complete(ApplyOutcome outcome) => _done.TrySetResult(outcome);
        public void Fail(Exception e)
        {
            // A barrier only says "what was ahead is done"; after a stop nothing ahead is pending either.
            if (IsBarrier) _done.TrySetResult(ApplyOutcome.Applied);
            else _done.TrySetException(e);
        }
    }
}

/// <summary>How the queue has batched so far: batches applied, events in them, the largest batch, and batches that were refused and re-applied one by one.</summary>
public sealed record EngineWriteQueueStats(long Batches, long Events, int MaxBatch, long FallbackBatches)
{
    public double AverageBatch => Batches == 0 ? 0 : (double)Events / Batches;
}

/// <summary>The console is shutting down; the event was not applied (a retry with the same id is safe).</summary>
public sealed class EngineWriteQueueClosedException() : Exception("the console is shutting down; the write was not applied, retry it");
