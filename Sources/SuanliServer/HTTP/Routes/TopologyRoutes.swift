import Hummingbird
import SuanliCore

/// The network and its totals: topology (readers), measured latency (operator), statistics.
struct TopologyRoutes {
    let platform: Platform

    /// The routes, for ``APIRouter``.
    var collection: RouteCollection<SuanliRequestContext> {
        let routes = RouteCollection(context: SuanliRequestContext.self)
        routes.put(Endpoints.latency.route, use: setLatency)
        routes.group().add(middleware: ReadAccessMiddleware(platform: platform))
            .get(Endpoints.topology.route, use: topology)
            .get(Endpoints.stats.route, use: stats)
        return routes
    }

    /// `GET /v1/topology`.
    @Sendable func topology(_ request: Request, context: SuanliRequestContext) async throws -> TopologyDocument {
        platform.topology()
    }

    /// `PUT /v1/topology/latency`: records a measured RTT; answers the topology.
    @Sendable func setLatency(_ request: Request, context: SuanliRequestContext) async throws -> TopologyDocument {
        let body = try await request.decode(as: LatencyOverride.self, context: context)
        try await platform.setMeasuredLatency(body, by: context.principal)
        return platform.topology()
    }

    /// `GET /v1/stats[?history=5m]`.
    @Sendable func stats(_ request: Request, context: SuanliRequestContext) async throws -> StatsReport {
        var window: Double? = nil
        for (key, value) in request.uri.queryParameters {
            guard key == "history" else { throw QueryParameters.unknown(key, known: "history") }
            window = try StatsHistory.window(String(value))
        }
        return platform.stats(history: window)
    }
}
