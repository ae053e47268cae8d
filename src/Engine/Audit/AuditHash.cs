using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cutover.Engine.Persistence.Entities;

namespace Cutover.Engine.Audit;

/// <summary>The hash of an audit entry: SHA-256 over a canonical, length-prefixed encoding of its fields and the previous hash.</summary>
/// <remarks>
/// Each field is written as <c>byteLength:bytes;</c> (a null as <c>~;</c>), so no choice of text can move a
/// boundary: "a|b" + "c" and "a" + "b|c" encode differently. Length-prefixing rather than JSON keeps the encoding
/// independent of any serializer's escaping rules, which may change between .NET versions and would break old hashes.
/// The time is UTC ticks, exactly what the database stores.
/// </remarks>
public static class AuditHash
{
    /// <summary>The previous hash of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    // Bumped if the encoding ever changes, so that old and new hashes can never be confused.
    private const string Version = "cutover-audit-v1";

    public static string Compute(AuditEvent entry)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, Version);
        Write(buffer, entry.Id.ToString(CultureInfo.InvariantCulture));
        Write(buffer, entry.At.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture));
        Write(buffer, entry.Actor);
        Write(buffer, entry.Address);
        Write(buffer, entry.Action);
        Write(buffer, entry.App);
        Write(buffer, entry.DeploymentId?.ToString(CultureInfo.InvariantCulture));
        Write(buffer, entry.Detail);
        Write(buffer, entry.Outcome);
        Write(buffer, entry.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void Write(ArrayBufferWriter<byte> buffer, string? field)
    {
        if (field is null)
        {
            buffer.Write("~;"u8);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(field);
        Encoding.UTF8.GetBytes(length.ToString(CultureInfo.InvariantCulture), buffer);
        buffer.Write(":"u8);
        Encoding.UTF8.GetBytes(field, buffer);
        buffer.Write(";"u8);
    }
}
