using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Cutover.Web.Live;

/// <summary><c>/hubs/events</c>: the engine's live events for programs outside the host (the CLI's watch, dashboards).</summary>
/// <remarks>Server to client only: deployment, pull, drain, health, audit and config messages, each naming its app.</remarks>
[Authorize]
public sealed class EventsHub : Hub;
