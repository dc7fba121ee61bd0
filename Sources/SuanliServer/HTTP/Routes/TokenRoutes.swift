import Hummingbird
import SuanliCore

/// Tokens and auditors: list (without secrets), create, rotate and revoke tokens; register
/// and list auditors.
struct TokenRoutes {
    let platform: Platform

    /// The routes, for ``APIRouter``.
    var collection: RouteCollection<SuanliRequestContext> {
        RouteCollection(context: SuanliRequestContext.self)
            .get(Endpoints.tokens.route, use: list)
            .post(Endpoints.tokens.route, use: create)
            .delete(Endpoints.token.route, use: revoke)
            .post(Endpoints.tokenRotation.route, use: rotate)
            .post(Endpoints.auditors.route, use: registerAuditor)
            .get(Endpoints.auditors.route, use: auditors)
    }

    /// `GET /v1/tokens`: every token the caller may see, without secrets.
    @Sendable func list(_ request: Request, context: SuanliRequestContext) async throws -> ItemList<TokenRecord> {
        for (key, _) in request.uri.queryParameters { throw QueryParameters.unknown(key, known: "none") }
        return ItemList(items: try platform.tokenRecords(by: context.principal))
    }

    /// `POST /v1/tokens`: 201 with the new token's secret (once). An empty body is `{}`.
    @Sendable func create(_ request: Request, context: SuanliRequestContext) async throws -> EditedResponse<TokenRecord> {
        let body = try await Self.optionalBody(TokenRequest.self, request, context) ?? TokenRequest()
        return EditedResponse(status: .created, response: try await platform.createToken(body, by: context.principal))
    }

    /// `DELETE /v1/tokens/{id}`: 204; the token is refused from the next request on.
    @Sendable func revoke(_ request: Request, context: SuanliRequestContext) async throws -> HTTPResponse.Status {
        try await platform.revokeToken(context.parameter("id"), by: context.principal)
        return .noContent
    }

    /// `POST /v1/tokens/{id}/rotate`: 201 with the replacement's secret; the old token is revoked.
    @Sendable func rotate(_ request: Request, context: SuanliRequestContext) async throws -> EditedResponse<TokenRecord> {
        let body = try await Self.optionalBody(TokenRotation.self, request, context) ?? TokenRotation()
        return EditedResponse(status: .created, response: try await platform.rotateToken(context.parameter("id"), body, by: context.principal))
    }

    /// `POST /v1/auditors`: 201 with the auditor's token (once).
    @Sendable func registerAuditor(_ request: Request, context: SuanliRequestContext) async throws -> EditedResponse<AuditorRecord> {
        let body = try await request.decode(as: AuditorRegistration.self, context: context)
        return EditedResponse(status: .created, response: try await platform.registerAuditor(body, by: context.principal))
    }

    /// `GET /v1/auditors`.
    @Sendable func auditors(_ request: Request, context: SuanliRequestContext) async throws -> ItemList<AuditorRecord> {
        ItemList(items: try platform.auditors(by: context.principal))
    }

    /// The decoded JSON body, or `nil` when the request has none.
    static func optionalBody<T: Decodable>(_ type: T.Type, _ request: Request, _ context: SuanliRequestContext) async throws -> T? {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        return try await request.decode(as: type, context: context)
    }
}

extension TokenRecord: ResponseEncodable {}
extension AuditorRecord: ResponseEncodable {}
