using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace AllianceMonitor.Api.Tests.Infrastructure;

/// <summary>
/// Keeps every log entry the host writes, at every level and category: the formatted message, the exception text,
/// each structured state value and each scope value, so a test can search all of it for something that must not leak.
/// </summary>
[ProviderAlias("Capture")]
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<Entry> entries = new();
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public sealed record Entry(string Category, LogLevel Level, string Message, string? Exception, IReadOnlyList<string> Values);

    public IReadOnlyCollection<Entry> Entries => [.. entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private static void AddValues(List<string> values, object? state)
    {
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (var (name, value) in pairs)
            {
                values.Add(name);
                AddValue(values, value);
            }
        }
        else
        {
            AddValue(values, state);
        }
    }

    private static void AddValue(List<string> values, object? value)
    {
        switch (value)
        {
            case null:
                return;
            case string s:
                values.Add(s);
                return;
            case byte[] bytes:
                values.Add(Convert.ToHexString(bytes));
                values.Add(Convert.ToBase64String(bytes));
                return;
            case IEnumerable many:
                values.Add(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                foreach (var item in many)
                {
                    AddValue(values, item);
                }

                return;
            default:
                values.Add(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                return;
        }
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new List<string>();
            AddValues(values, state);
            owner.scopes.ForEachScope((scope, list) => AddValues(list, scope), values);
            owner.entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception?.ToString(), values));
        }
    }
}
