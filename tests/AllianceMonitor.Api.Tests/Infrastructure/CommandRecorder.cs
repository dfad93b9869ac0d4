using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AllianceMonitor.Api.Tests.Infrastructure;

/// <summary>
/// Records every SQL command and every transaction begin that EF issues while serving an HTTP request, keyed by
/// the request ("PUT /api/v1/..."). Background work (the webhook dispatcher's polling) has no request and is left out.
/// The host must register an <see cref="IHttpContextAccessor"/>, whose request this reads.
/// </summary>
public sealed class CommandRecorder
{
    private readonly ConcurrentQueue<(string Request, string Sql)> _log = new();
    private readonly HttpContextAccessor _http = new();

    public const string Begin = "BEGIN";

    public void AttachTo(DbContextOptionsBuilder options) => options.AddInterceptors(new Commands(this), new Transactions(this));

    /// <summary>What one request ran, in order; <see cref="Begin"/> stands for a transaction it started.</summary>
    public List<string> For(string method, string path) =>
        _log.Where(e => e.Request == $"{method} {path}").Select(e => e.Sql).ToList();

    private void Record(string sql)
    {
        if (_http.HttpContext?.Request is { } request)
        {
            _log.Enqueue(($"{request.Method} {request.Path}", sql));
        }
    }

    private sealed class Commands(CommandRecorder recorder) : DbCommandInterceptor
    {
        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            recorder.Record(command.CommandText);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            recorder.Record(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            recorder.Record(command.CommandText);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            recorder.Record(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        {
            recorder.Record(command.CommandText);
            return result;
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            recorder.Record(command.CommandText);
            return ValueTask.FromResult(result);
        }
    }

    private sealed class Transactions(CommandRecorder recorder) : DbTransactionInterceptor
    {
        public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
        {
            recorder.Record(Begin);
            return result;
        }

        public override ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            recorder.Record(Begin);
            return ValueTask.FromResult(result);
        }
    }
}
