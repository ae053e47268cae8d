namespace Cutover.Engine.Secrets;

/// <summary>PLACEHOLDER until the audit branch lands; replaced by its implementation at merge.</summary>
public sealed class SecretRedactor
{
    public string Redact(string text) => text;

    public string RedactYaml(string text) => text;
}
