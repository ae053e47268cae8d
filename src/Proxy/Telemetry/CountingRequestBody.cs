namespace Cutover.Proxy.Telemetry;

/// <summary>The client's request body as the forwarder reads it, adding every byte read to the slot's bytes in.</summary>
/// <remarks>Installed only on requests that can have a body, so a GET pays nothing.</remarks>
internal sealed class CountingRequestBody(Stream inner, SlotTelemetry telemetry) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Counted(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = inner.ReadAsync(buffer, cancellationToken);
        return read.IsCompletedSuccessfully ? new ValueTask<int>(Counted(read.Result)) : CountWhenReadAsync(read);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private async ValueTask<int> CountWhenReadAsync(ValueTask<int> read) => Counted(await read);

    private int Counted(int read)
    {
        if (read > 0)
        {
            telemetry.AddBytesIn(read);
        }

        return read;
    }
}
