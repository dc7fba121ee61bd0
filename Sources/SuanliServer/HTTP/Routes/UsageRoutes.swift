import Foundation
import Hummingbird
import SuanliCore

/// Metered usage and amounts: `GET /v1/usage`.
struct UsageRoutes {
    let platform: Platform

    /// The routes, for ``APIRouter``.
    var collection: RouteCollection<SuanliRequestContext> {
        RouteCollection(context: SuanliRequestContext.self).get(Endpoints.usage.route, use: usage)
    }

    /// `GET /v1/usage?consumer=&provider=&from=&to=`.
    @Sendable func usage(_ request: Request, context: SuanliRequestContext) async throws -> UsageReport {
        var consumer: String? = nil
        var provider: String? = nil
        var from: Date? = nil
        var to: Date? = nil
        for (key, value) in request.uri.queryParameters {
            switch key {
            case "consumer": consumer = String(value)
            case "provider": provider = String(value)
            case "from", "to":
                guard let date = Timestamp.parse(String(value)) else {
                    throw SuanliError(.badRequest, "\(key) must be an RFC 3339 time such as 2026-11-21T00:00:00Z", field: String(key))
                }
                if key == "from" { from = date } else { to = date }
            default: throw QueryParameters.unknown(key, known: "consumer, provider, from, to")
            }
        }
        return try platform.usage(consumer: consumer, provider: provider, from: from, to: to, by: context.principal)
    }
}
