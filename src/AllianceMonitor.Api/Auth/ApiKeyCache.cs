using System.Collections.Concurrent;
using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AllianceMonitor.Api.Auth;

/// <summary>
/// Key lookups kept in memory, so an authenticated request does no database work before its own transaction (issue 15).
/// Kept only while <see cref="ApiKeyChangeListener"/> is listening for the database's notice of any change to
/// <c>api_keys</c>, which empties the cache of every instance; while it is not (starting, connection lost), every
/// lookup reads the database, so a revocation is never missed. The lifetime bounds what a lost notification could cost.
/// </summary>
/// <remarks>
/// A lookup that reads the database stores its answer only if no change notice and no loss of the listener came
/// between its start and its end: an answer read before a revocation committed is never kept after the notice of it.
/// Unknown prefixes are not kept, so a key created on another instance works at once even there, whenever its notice
/// arrives; the failed-authentication limit, not the cache, is what keeps key guessing off the database. Only keys
/// that exist are kept (and key ids from signed cookies), so the cache holds at most one entry per key.
/// </remarks>
public sealed class ApiKeyCache(IOptions<ApiKeyCacheOptions> options, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, Entry<ApiKey[]>> _byPrefix = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, Entry<bool>> _inForceById = new();
    private long _generation;
    private bool _listening;
    private readonly ConcurrentDictionary<int, long> _acknowledgements = new();
    private TaskCompletionSource _nextAcknowledgement = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True while change notices are being received, i.e. while lookups may be served from memory.</summary>
    public bool IsListening
    {
        get
        {
            lock (_gate)
            {
                return _listening;
            }
        }
    }

    /// <summary>The key in force that <paramref name="presented"/> is, or null; see <see cref="ApiKeyLookup.Match"/>.</summary>
    public async Task<ApiKey?> FindAsync(AllianceDbContext db, string presented, CancellationToken cancellationToken)
    {
        if (presented.Length < ApiKeySecrets.MinimumLength)
        {
            return null;
        }

        var prefix = ApiKeySecrets.PrefixOf(presented);
        if (!TryGet(_byPrefix, prefix, out var candidates))
        {
            var ticket = Ticket();
            candidates = await ApiKeyLookup.CandidatesAsync(db, prefix, cancellationToken);
            if (candidates.Length > 0)
            {
                Store(_byPrefix, prefix, candidates, ticket);
            }
        }

        return ApiKeyLookup.Match(candidates, presented);
    }

    /// <summary>Whether the clinic key a dashboard session was signed in with is still in force.</summary>
    public async Task<bool> IsClinicKeyInForceAsync(AllianceDbContext db, Guid keyId, CancellationToken cancellationToken)
    {
        if (TryGet(_inForceById, keyId, out var inForce))
        {
            return inForce;
        }

        var ticket = Ticket();
        inForce = await db.ApiKeys.AsNoTracking()
            .AnyAsync(k => k.Id == keyId && k.RevokedAt == null && k.ClinicId != null, cancellationToken);
        Store(_inForceById, keyId, inForce, ticket);
        return inForce;
    }

    /// <summary>Forgets every lookup: a key was created, changed or deleted, here or on another instance.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            ClearLocked();
        }
    }

    /// <summary>The database announced a change to the keys: forget every lookup.</summary>
    internal void Noticed() => Invalidate();

    /// <summary>How many instances have acknowledged emptying their cache after a key write by backend <paramref name="writer"/>.</summary>
    internal long AcknowledgementsOf(int writer) => _acknowledgements.GetValueOrDefault(writer);

    /// <summary>An instance (this one included) emptied its cache on the notice of a key write by backend <paramref name="writer"/>.</summary>
    internal void Acknowledged(int writer)
    {
        _acknowledgements.AddOrUpdate(writer, 1, (_, count) => count + 1);
        TaskCompletionSource pulse;
        lock (_gate)
        {
            pulse = _nextAcknowledgement;
            _nextAcknowledgement = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        pulse.SetResult();
    }

    /// <summary>
    /// Waits, at most <paramref name="timeout"/>, until backend <paramref name="writer"/>'s acknowledgements reach
    /// <paramref name="target"/>; at once when this instance does not listen, as it would hear none.
    /// </summary>
    internal async Task WaitForAcknowledgementsAsync(int writer, long target, TimeSpan timeout)
    {
        var deadline = clock.GetUtcNow() + timeout;
        while (true)
        {
            Task pulse;
            lock (_gate)
            {
                if (!_listening || AcknowledgementsOf(writer) >= target)
                {
                    return;
                }

                pulse = _nextAcknowledgement.Task;
            }

            var left = deadline - clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            try
            {
                await pulse.WaitAsync(left, clock);
            }
            catch (TimeoutException)
            {
                // An instance that stopped listening meanwhile never answers; it bypasses its cache anyway.
                return;
            }
        }
    }

    /// <summary>The listener receives change notices from now on.</summary>
    internal void Listening() => SetListening(true);

    /// <summary>The listener lost its connection (or never had one, or stops): notices may be missed from now on.</summary>
    internal void NotListening() => SetListening(false);

    private void SetListening(bool listening)
    {
        lock (_gate)
        {
            _listening = listening;
            // Also on the way up: a notice sent while nobody listened is lost, so nothing from before may remain.
            ClearLocked();
        }
    }

    private void ClearLocked()
    {
        _generation++;
        _byPrefix.Clear();
        _inForceById.Clear();
    }

    private bool TryGet<TKey, TValue>(ConcurrentDictionary<TKey, Entry<TValue>> entries, TKey key, out TValue value)
        where TKey : notnull
    {
        if (entries.TryGetValue(key, out var entry) && clock.GetUtcNow() < entry.Expires)
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    private (long Generation, bool Listening) Ticket()
    {
        lock (_gate)
        {
            return (_generation, _listening);
        }
    }

    private void Store<TKey, TValue>(ConcurrentDictionary<TKey, Entry<TValue>> entries, TKey key, TValue value, (long Generation, bool Listening) ticket)
        where TKey : notnull
    {
        var lifetime = options.Value.Lifetime;
        if (lifetime <= TimeSpan.Zero || !ticket.Listening)
        {
            return;
        }

        lock (_gate)
        {
            if (_listening && _generation == ticket.Generation)
            {
                entries[key] = new Entry<TValue>(value, clock.GetUtcNow() + lifetime);
            }
        }
    }

    private sealed record Entry<TValue>(TValue Value, DateTimeOffset Expires);
}
