import Hummingbird
import SuanliCore

/// Providers: registration (operator), listing and lookup (readers), token rotation.
struct ProviderRoutes {
    let platform: Platform

    /// The routes, for ``APIRouter``.
    var collection: RouteCollection<SuanliRequestContext> {
        let routes = RouteCollection(context: SuanliRequestContext.self)
        routes.post(Endpoints.providers.route, use: register)
        routes.post(Endpoints.providerToken.route, use: rotateToken)
        routes.group().add(middleware: ReadAccessMiddleware(platform: platform))
            .get(Endpoints.providers.route, use: list)
            .get(Endpoints.provider.route, use: get)
        return routes
    }

    /// `POST /v1/providers`: 201 with the record and its token.
    @Sendable func register(_ request: Request, context: SuanliRequestContext) async throws -> EditedResponse<ProviderRecord> {
        let body = try await request.decode(as: ProviderRegistration.self, context: context)
        return EditedResponse(status: .created, response: try await platform.registerProvider(body, by: context.principal))
    }

    /// `GET /v1/providers`.
    @Sendable func list(_ request: Request, context: SuanliRequestContext) async throws -> ItemList<ProviderRecord> {
        ItemList(items: platform.withReliability(platform.providers()))
    }

    /// `GET /v1/providers/{prefix}`.
    @Sendable func get(_ request: Request, context: SuanliRequestContext) async throws -> ProviderRecord {
        platform.withReliability([try platform.provider(context.parameter("prefix"))])[0]
    }

    /// `POST /v1/providers/{prefix}/token`: a new token; the old one stops working.
    @Sendable func rotateToken(_ request: Request, context: SuanliRequestContext) async throws -> ProviderRecord {
        let prefix: Prefix
        do throws(IdentifierError) { prefix = try Prefix(parsing: context.parameter("prefix")) } catch {
            throw SuanliError.identifier(error, field: "prefix")
        }
        return try await platform.rotateToken(of: prefix, by: context.principal)
    }
}
