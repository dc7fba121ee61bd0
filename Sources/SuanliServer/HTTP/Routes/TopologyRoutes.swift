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
        var parameters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let scope = try ReadScope.take(from: &parameters)
        for (key, value) in parameters {
            guard key == "history" else { throw QueryParameters.unknown(key, known: "history, scope") }
            window = try StatsHistory.window(value)
        }
        let local = platform.stats(history: window)
        if scope != .local, let reader = platform.scopedReader {
            return try await reader.stats(local, parameters: parameters, scope: scope)
        }
        return local
    }
}
