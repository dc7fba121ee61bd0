import Hummingbird
import SuanliCore

/// Quotes, for consumers: ask for offers whose capacity is held, accept one, release early.
struct QuoteRoutes {
    let platform: Platform

    /// The routes, for ``APIRouter``.
    var collection: RouteCollection<SuanliRequestContext> {
        RouteCollection(context: SuanliRequestContext.self)
            .post(Endpoints.quotes.route, use: create)
            .delete(Endpoints.quote.route, use: release)
            .post(Endpoints.quoteAcceptance.route, use: accept)
    }

    /// `POST /v1/quotes`: 201 with the offers, each held until `expires_at`.
    @Sendable func create(_ request: Request, context: SuanliRequestContext) async throws -> EditedResponse<QuoteRecord> {
        let body = try await request.decode(as: QuoteRequest.self, context: context)
        return EditedResponse(status: .created, response: try await platform.createQuote(body, by: context.principal))
    }

    /// `POST /v1/quotes/{id}/accept`: 201 with the task, placed exactly as offered.
    @Sendable func accept(_ request: Request, context: SuanliRequestContext) async throws -> EditedResponse<TaskSubmission> {
        let body = try await request.decode(as: QuoteAcceptance.self, context: context)
        let task = try await platform.acceptQuote(context.parameter("id"), offer: body.offer, by: context.principal)
        return EditedResponse(status: .created, response: task)
    }

    /// `DELETE /v1/quotes/{id}`: the quote, now `released`.
    @Sendable func release(_ request: Request, context: SuanliRequestContext) async throws -> QuoteRecord {
        try await platform.releaseQuote(context.parameter("id"), by: context.principal)
    }
}
extension QuoteRecord: ResponseEncodable {}
