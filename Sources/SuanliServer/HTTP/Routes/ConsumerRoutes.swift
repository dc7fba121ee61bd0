import Hummingbird
import SuanliCore

/// Consumers: registration and listing (operator).
struct ConsumerRoutes {
    let platform: Platform

    /// The routes, for ``APIRouter``.
    var collection: RouteCollection<SuanliRequestContext> {
        RouteCollection(context: SuanliRequestContext.self)
            .post(Endpoints.consumers.route, use: register)
            .get(Endpoints.consumers.route, use: list)
    }

    /// `POST /v1/consumers`: 201 with the record and its token.
    @Sendable func register(_ request: Request, context: SuanliRequestContext) async throws -> EditedResponse<ConsumerRecord> {
        let body = try await request.decode(as: ConsumerRegistration.self, context: context)
        return EditedResponse(status: .created, response: try await platform.registerConsumer(body, by: context.principal))
    }

    /// `GET /v1/consumers`.
    @Sendable func list(_ request: Request, context: SuanliRequestContext) async throws -> ItemList<ConsumerRecord> {
        ItemList(items: try platform.consumers(by: context.principal))
    }
}
