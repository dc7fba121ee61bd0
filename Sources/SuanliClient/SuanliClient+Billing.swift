import Foundation
import SuanliCore

extension SuanliClient {
    /// `GET /v1/bills?consumer=&month=`: one month's bill (the caller's own for a consumer token).
    public func bills(consumer: String? = nil, month: BillingMonth? = nil) async throws -> Statement {
        var parameters: [(String, String)] = []
        if let consumer { parameters.append(("consumer", consumer)) }
        if let month { parameters.append(("month", month.description)) }
        return try await call(.GET, Endpoints.bills.path() + Self.queryString(parameters))
    }

    /// `GET /v1/payouts?provider=&month=`: one month's payout (the caller's own for a provider token).
    public func payouts(provider: String? = nil, month: BillingMonth? = nil) async throws -> Statement {
        var parameters: [(String, String)] = []
        if let provider { parameters.append(("provider", provider)) }
        if let month { parameters.append(("month", month.description)) }
        return try await call(.GET, Endpoints.payouts.path() + Self.queryString(parameters))
    }

    /// `GET /v1/consumers/{id}/budget`: budget, quotas, spending and reservations.
    public func account(consumer: String) async throws -> ConsumerAccount {
        try await call(.GET, Endpoints.consumerBudget.path(consumer))
    }

    /// `PUT /v1/consumers/{id}/budget` (operator): sets the budget in fen, or removes it with nil.
    public func setBudget(consumer: String, fen: Int64?) async throws -> ConsumerAccount {
        try await call(.PUT, Endpoints.consumerBudget.path(consumer), body: BudgetUpdate(fen: fen))
    }

    /// `PUT /v1/consumers/{id}/quotas` (operator): replaces the unit quotas per kind.
    public func setQuotas(consumer: String, _ quotas: [ResourceKind: Int]) async throws -> ConsumerAccount {
        try await call(.PUT, Endpoints.consumerQuotas.path(consumer), body: QuotaUpdate(quotas).json)
    }
}
