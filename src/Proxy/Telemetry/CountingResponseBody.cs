using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Cutover.Proxy.Telemetry;

/// <summary>The response body feature the forwarder writes through, adding every byte written to the slot's bytes out.</summary>
/// <remarks>
/// One object is both the feature and its stream (one allocation per request), and it replaces Kestrel's
/// feature only for this request. YARP copies the backend's body to <c>HttpResponse.Body</c>; the proxy's own
/// error texts go through <see cref="Writer"/>, which is Kestrel's and is not counted.
/// </remarks>
internal sealed class CountingResponseBody(IHttpResponseBodyFeature inner, SlotTelemetry telemetry) : Stream, IHttpResponseBodyFeature
{
    public Stream Stream => this;

    public PipeWriter Writer => inner.Writer;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        inner.SendFileAsync(path, offset, count, cancellationToken);

    public Task CompleteAsync() => inner.CompleteAsync();

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Stream.Write(buffer, offset, count);
        telemetry.AddBytesOut(count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Stream.Write(buffer);
        telemetry.AddBytesOut(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var write = inner.Stream.WriteAsync(buffer, cancellationToken);
        if (!write.IsCompletedSuccessfully)
        {
            return CountWhenWrittenAsync(write, buffer.Length);
        }

        telemetry.AddBytesOut(buffer.Length);
        return default;
    }

    public override void Flush() => inner.Stream.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.Stream.FlushAsync(cancellationToken);

    private async ValueTask CountWhenWrittenAsync(ValueTask write, int count)
    {
        await write;
        telemetry.AddBytesOut(count);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
