import Hummingbird
import SuanliCore

/// Who the caller is: `GET /v1/whoami`.
struct IdentityRoutes {
    let platform: Platform

    /// The routes, for ``APIRouter``.
    var collection: RouteCollection<SuanliRequestContext> {
        RouteCollection(context: SuanliRequestContext.self).get(Endpoints.whoami.route, use: whoami)
    }

    /// `GET /v1/whoami`: the kind of token sent (none: anonymous) and this platform's prefix.
    @Sendable func whoami(_ request: Request, context: SuanliRequestContext) async throws -> WhoAmI {
        let platformPrefix = platform.configuration.prefix.description
        return switch context.principal {
        case .anonymous: WhoAmI(kind: "anonymous", id: nil, platform: platformPrefix)
        case .operator: WhoAmI(kind: "operator", id: nil, platform: platformPrefix)
        case .provider(let prefix): WhoAmI(kind: "provider", id: prefix.description, platform: platformPrefix)
        case .consumer(let id): WhoAmI(kind: "consumer", id: id, platform: platformPrefix)
        case .auditor(let id): WhoAmI(kind: "auditor", id: id, platform: platformPrefix)
        }
    }
}
