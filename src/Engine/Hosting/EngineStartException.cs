namespace Cutover.Engine.Hosting;

/// <summary>The engine cannot start for a reason the operator must fix; the message is one sentence naming the setting.</summary>
public sealed class EngineStartException(string message, Exception innerException) : Exception(message, innerException);
