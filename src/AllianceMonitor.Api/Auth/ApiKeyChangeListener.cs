using System.Globalization;
using AllianceMonitor.Api.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AllianceMonitor.Api.Auth;

/// <summary>
/// Keeps one connection of its own listening on <see cref="Channel"/>, where the database's trigger on <c>api_keys</c>
/// announces every change whoever made it (this service, another instance, psql), and empties
/// <see cref="ApiKeyCache"/> at each notice. Fail-safe: the cache is used only while this listens; when the
/// connection is lost the cache is emptied and bypassed until listening resumes, after a wait that doubles from
/// <see cref="ApiKeyCacheOptions.ReconnectDelay"/> up to <see cref="ApiKeyCacheOptions.MaxReconnectDelay"/>.
/// </summary>
/// <remarks>
/// Its own unpooled connection rather than one from the service's pool: the pool resets connections
/// (<c>DISCARD ALL</c> ends LISTEN) and is cleared after a database outage. Startup never waits for it, and a database
/// that is down only keeps it retrying. A connection that breaks without a word (a network partition) is noticed by a
/// <c>SELECT 1</c> after <see cref="ApiKeyCacheOptions.PingInterval"/> without notices, which fails within
/// <see cref="PingTimeoutSeconds"/>.
/// </remarks>
public sealed partial class ApiKeyChangeListener(
    ApiKeyCache cache,
    IConfiguration configuration,
    IOptions<ApiKeyCacheOptions> options,
    TimeProvider clock,
    ILogger<ApiKeyChangeListener> logger) : BackgroundService
{
    /// <summary>The channel the ApiKeyNotifications migration's trigger notifies.</summary>
    public const string Channel = "api_keys_changed";

    /// <summary>
    /// Where each listener answers, once its cache is empty, with the backend ids of the writers whose notices it
    /// handled, so a writer can wait until every instance has forgotten the old key (<see cref="ApiKeyWriteInterceptor"/>).
    /// </summary>
    public const string AcknowledgementChannel = "api_keys_cleared";

    /// <summary>How the listener's connection shows in <c>pg_stat_activity</c>; writers count the listeners by it.</summary>
    public const string ApplicationName = "AllianceMonitor key-cache listener";

    public const int PingTimeoutSeconds = 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Nothing of this may hold up the host's start.
        await Task.Yield();
        var settings = options.Value;
        if (settings.Lifetime <= TimeSpan.Zero)
        {
            return;
        }

        var delay = settings.ReconnectDelay;
        var lost = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ListenAsync(() =>
                    {
                        delay = settings.ReconnectDelay;
                        if (lost)
                        {
                            LogListeningAgain(logger);
                            lost = false;
                        }
                    }, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    cache.NotListening();
                    if (!lost)
                    {
                        // Once per loss, not once per attempt: a database that is down for an hour logs one line here.
                        LogListenerLost(logger, e.GetType().Name, e.GetBaseException().Message);
                        lost = true;
                    }
                }

                await Task.Delay(delay, clock, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxReconnectDelay.Ticks));
            }
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; a wait cancelled mid-read may end in a broken-connection error rather than a cancellation.
        }
        finally
        {
            cache.NotListening();
        }
    }

    private async Task ListenAsync(Action listening, CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(DatabaseSetup.ConnectionName))
        {
            Pooling = false,
            ApplicationName = ApplicationName,
        }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);

        // Raised while this connection reads, which only this loop makes it do: no two at once.
        var writers = new List<int>();
        connection.Notification += (_, notice) =>
        {
            if (notice.Channel == Channel)
            {
                cache.Noticed();
                writers.Add(notice.PID);
            }
            else if (notice.Channel == AcknowledgementChannel)
            {
                foreach (var writer in notice.Payload.Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(writer, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                    {
                        cache.Acknowledged(pid);
                    }
                }
            }
        };
        await connection.OpenAsync(stoppingToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}; LISTEN {AcknowledgementChannel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        // From here on every committed change is announced to this connection, so the cache may fill.
        cache.Listening();
        listening();
        try
        {
            while (true)
            {
                // A notice can also arrive while the acknowledgement itself is sent: loop until none is left unanswered.
                while (writers.Count > 0)
                {
                    var payload = string.Join(',', writers.Select(pid => pid.ToString(CultureInfo.InvariantCulture)));
                    writers.Clear();
                    await using var acknowledge = new NpgsqlCommand("SELECT pg_notify(@channel, @writers)", connection);
                    acknowledge.Parameters.AddWithValue("channel", AcknowledgementChannel);
                    acknowledge.Parameters.AddWithValue("writers", payload);
                    await acknowledge.ExecuteNonQueryAsync(stoppingToken);
                }

                if (!await connection.WaitAsync(options.Value.PingInterval, stoppingToken))
                {
                    await using var ping = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = PingTimeoutSeconds };
                    await ping.ExecuteScalarAsync(stoppingToken);
                }
            }
        }
        finally
        {
            cache.NotListening();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Not listening for API key changes ({ExceptionType}: {Reason}); every request reads its key from the database until listening resumes")]
    private static partial void LogListenerLost(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for API key changes again; key lookups are cached once more")]
    private static partial void LogListeningAgain(ILogger logger);
}
