using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace AllianceMonitor.Api.Infrastructure;

/// <summary>
/// The database being away is an outage, not a bug: requests get 503 with Retry-After instead of 500, and the log gets
/// one line when the outage starts and one when it ends, instead of a stack trace per request.
/// </summary>
public static class DatabaseUnavailable
{
    /// <summary>What clients are told to wait; a restart or failover of PostgreSQL usually takes seconds.</summary>
    public const int RetryAfterSeconds = 5;

    public static IServiceCollection AddDatabaseOutageHandling(this IServiceCollection services)
    {
        services.AddSingleton<DatabaseOutage>();
        services.AddExceptionHandler<DatabaseUnavailableHandler>();
        return services;
    }

    /// <summary>True when the exception, or one it wraps, says the database cannot be reached or is shutting down.</summary>
    public static bool IsOutage(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            switch (exception)
            {
                case PostgresException postgres:
                    // 08: connection exception; 57P01-03: shutdown, crash, cannot connect now; 53300: too many connections.
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState is "57P01" or "57P02" or "57P03" or "53300";
                case NpgsqlException { IsTransient: true }:
                case SocketException:
                case TimeoutException:
                    return true;
            }
        }

        return false;
    }
}

/// <summary>Outage state shared by requests and background work: who logs, and when the outage is over.</summary>
public sealed partial class DatabaseOutage(Npgsql.NpgsqlDataSource dataSource, TimeProvider clock, ILogger<DatabaseOutage> logger)
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private DateTimeOffset? _since;
    private DateTimeOffset _recoveredAt = DateTimeOffset.MinValue;
    private long _refused;

    public bool IsOngoing
    {
        get
        {
            lock (_gate)
            {
                return _since is not null;
            }
        }
    }

    /// <summary>Counts a failure; the first of an outage logs and starts a probe that reports the recovery.</summary>
    /// <remarks>
    /// A failure reported within a probe interval of the recovery is a request that was already failing when the
    /// database came back: it belongs to the outage just reported as ended, and does not start (and log) another.
    /// </remarks>
    public void Report(Exception exception)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (_since is null && now - _recoveredAt < ProbeInterval)
            {
                return;
            }

            Interlocked.Increment(ref _refused);
            if (_since is not null)
            {
                return;
            }

            _since = now;
        }

        // The message only: the stack trace of a refused connection says nothing an operator can act on.
        LogOutageStarted(logger, exception.GetType().Name, exception.GetBaseException().Message);
        _ = Task.Run(ProbeUntilBackAsync);
    }

    private async Task ProbeUntilBackAsync()
    {
        while (true)
        {
            await Task.Delay(ProbeInterval, clock);
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                break;
            }
            catch (Exception e) when (DatabaseUnavailable.IsOutage(e))
            {
                // Still away.
            }
        }

        // Pooled connections from before the outage are dead sockets; dropping them keeps the first requests after
        // the recovery from failing on them (and from starting a second "outage" in the log).
        NpgsqlConnection.ClearAllPools();
        DateTimeOffset since;
        lock (_gate)
        {
            since = _since!.Value;
            _since = null;
            _recoveredAt = clock.GetUtcNow();
        }

        var seconds = (clock.GetUtcNow() - since).TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        LogOutageEnded(logger, seconds, Interlocked.Exchange(ref _refused, 0));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Database unreachable ({ExceptionType}: {Reason}); answering 503 until it is back")]
    private static partial void LogOutageStarted(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database reachable again after {Seconds} s; {Failures} operations failed meanwhile")]
    private static partial void LogOutageEnded(ILogger logger, string seconds, long failures);
}

/// <summary>Answers a request that failed because the database is away with 503 problem+json and Retry-After.</summary>
internal sealed class DatabaseUnavailableHandler(DatabaseOutage outage, IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!DatabaseUnavailable.IsOutage(exception))
        {
            return false;
        }

        outage.Report(exception);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = DatabaseUnavailable.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service temporarily unavailable",
                Detail = $"The database is not reachable. Retry after {DatabaseUnavailable.RetryAfterSeconds} seconds; PUTs are idempotent, so repeating one is safe.",
            },
        });
    }
}
