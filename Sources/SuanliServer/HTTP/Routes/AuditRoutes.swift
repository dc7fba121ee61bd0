import Foundation
import Hummingbird
import SuanliCore

/// The audit log: `GET /v1/audit` (operator and auditors).
struct AuditRoutes {
    let platform: Platform

    /// The routes, for ``APIRouter``.
    var collection: RouteCollection<SuanliRequestContext> {
        RouteCollection(context: SuanliRequestContext.self).get(Endpoints.audit.route, use: list)
    }

    /// `GET /v1/audit?since=&until=&actor=&action=&limit=&cursor=`: newest first.
    @Sendable func list(_ request: Request, context: SuanliRequestContext) async throws -> Page<AuditEntry> {
        var query = AuditQuery()
        var seen: Set<Substring> = []
        for (key, value) in request.uri.queryParameters {
            guard seen.insert(key).inserted else {
                throw SuanliError(.badRequest, "query parameter '\(Validation.excerpt(key))' is given twice", field: String(key))
            }
            switch key {
            case "since", "until":
                guard let date = Timestamp.parse(String(value)) else {
                    throw SuanliError(.badRequest, "\(key) must be an RFC 3339 time such as 2026-11-21T00:00:00Z", field: String(key))
                }
                if key == "since" { query.since = date } else { query.until = date }
            case "actor": query.actor = String(value)
            case "action": query.action = String(value)
            case "limit":
                guard let n = Int(value), (1...1000).contains(n) else {
                    throw SuanliError(.badRequest, "limit must be a whole number between 1 and 1000", field: "limit")
                }
                query.limit = n
            case "cursor": query.cursor = String(value)
            default: throw QueryParameters.unknown(key, known: "since, until, actor, action, limit, cursor")
            }
        }
        return try await platform.auditEntries(query, by: context.principal)
    }
}

extension AuditEntry: ResponseEncodable {}
