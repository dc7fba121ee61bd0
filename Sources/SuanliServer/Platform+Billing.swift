import Foundation
import SuanliCore
import SuanliMarket

extension Platform {
    /// One month's bill (`GET /v1/bills`): a consumer's own; any consumer's, or everyone's, for the operator and auditors.
    public func bill(consumer: String?, month: BillingMonth?, by principal: Principal) throws(SuanliError) -> Statement {
        var filter = consumer
        switch principal {
        case .operator, .auditor: break
        case .consumer(let id):
            if let consumer, consumer != id { throw SuanliError(.forbidden, "consumers see only their own bills") }
            filter = id
        case .provider: throw SuanliError(.forbidden, "providers read payouts (GET /v1/payouts), not bills")
        case .anonymous: throw SuanliError(.unauthorized, "bills need a consumer, operator or auditor token")
        }
        let month = month ?? BillingMonth(containing: clock())
        var usage = state.withLock { $0.ledger.query(consumer: filter, provider: nil, from: month.start, to: month.end) }
        // Tasks placed on other platforms are billed at what their owners metered (and the home owes them).
        usage += federatedPlacement.current?.federatedUsage(consumer: filter, provider: nil, from: month.start, to: month.end) ?? []
        return Books.bill(usage, month: month, consumer: filter)
    }

    /// One month's payout (`GET /v1/payouts`): a provider's own; any provider's, or everyone's, for the operator and auditors.
    public func payout(provider: String?, month: BillingMonth?, by principal: Principal) throws(SuanliError) -> Statement {
        var filter = provider
        switch principal {
        case .operator, .auditor: break
        case .provider(let prefix):
            if let provider, provider != prefix.description { throw SuanliError(.forbidden, "providers see only their own payouts") }
            filter = prefix.description
        case .consumer: throw SuanliError(.forbidden, "consumers read bills (GET /v1/bills), not payouts")
        case .anonymous: throw SuanliError(.unauthorized, "payouts need a provider, operator or auditor token")
        }
        let month = month ?? BillingMonth(containing: clock())
        let usage = state.withLock { $0.ledger.query(consumer: nil, provider: filter, from: month.start, to: month.end) }
        return Books.payout(usage, month: month, provider: filter, fee: configuration.platformFee)
    }
}
