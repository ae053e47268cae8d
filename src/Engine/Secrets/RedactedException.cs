namespace Cutover.Engine.Secrets;

/// <summary>Stands in for an exception in a log, with secrets masked in its message, inner exceptions and stack trace.</summary>
/// <remarks>Loggers print <see cref="Exception.ToString"/>; Docker's errors can quote a container's output or environment.</remarks>
public sealed class RedactedException : Exception
{
    private readonly string _text;

    public RedactedException(Exception original, SecretRedactor redactor)
        : base(redactor.Redact(original.Message))
    {
        _text = redactor.Redact(original.ToString());
        HResult = original.HResult;
    }

    public override string ToString() => _text;
}
