using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace AllianceMonitor.Api.Infrastructure;

/// <summary>
/// Caps request bodies before any handler reads them. Kestrel has its own limit, but the test server and
/// other hosts do not, and the contract (413 for more than 64 KiB, or the endpoint's own <see cref="BodyLimit"/>)
/// must hold on every host.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next)
{
    public const long MaxBodyBytes = 64 * 1024;

    /// <summary>The limit for this request's endpoint; the exception handler's feature keeps the endpoint that failed.</summary>
    public static long LimitFor(HttpContext context) =>
        (context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint())
            ?.Metadata.GetMetadata<BodyLimit>()?.MaxBodyBytes ?? MaxBodyBytes;

    public Task InvokeAsync(HttpContext context)
    {
        var limit = LimitFor(context);
        if (context.Request.ContentLength > limit)
        {
            return Problems.Write(context, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"The request body may be at most {limit} bytes.");
        }

        // Kestrel's own cap (30 MB by default) would cut a larger allowance short; it can be raised until the body is read.
        if (limit > MaxBodyBytes && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrel)
        {
            kestrel.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength is null)
        {
            context.Request.Body = new LengthLimitedStream(context.Request.Body, limit);
        }

        return next(context);
    }
}

/// <summary>An endpoint that takes more than the default body size (a bulk import), declared with <c>WithMetadata</c>.</summary>
public sealed record BodyLimit(long MaxBodyBytes) : IRequestSizeLimitMetadata
{
    long? IRequestSizeLimitMetadata.MaxRequestBodySize => MaxBodyBytes;
}

/// <summary>Fails a chunked body once it passes the limit, with the same 413 the length check gives.</summary>
internal sealed class LengthLimitedStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }

        return read;
    }
}
