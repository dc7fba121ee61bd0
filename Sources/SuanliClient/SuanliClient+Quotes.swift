import Foundation
import SuanliCore

// Quotes: offers whose capacity is held, accepted or released.
extension SuanliClient {
    /// `POST /v1/quotes` (consumer): offers for a task, each held until the quote's `expires_at`.
    public func quote(_ request: QuoteRequest) async throws -> QuoteRecord {
        try await call(.POST, Endpoints.quotes.path(), body: request)
    }

    /// `POST /v1/quotes/{id}/accept`: the task, scheduled on exactly the offer's placement and prices.
    public func accept(quote: String, offer: String) async throws -> TaskSubmission {
        try await call(.POST, Endpoints.quoteAcceptance.path(quote), body: QuoteAcceptance(offer: offer))
    }

    /// `DELETE /v1/quotes/{id}`: releases the quote's holds early; returns it, now `released`.
    public func releaseQuote(_ id: String) async throws -> QuoteRecord {
        try await call(.DELETE, Endpoints.quote.path(id))
    }
}
