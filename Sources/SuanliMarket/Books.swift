import Foundation
import SuanliCore

/// The platform's fee: a share of each charge in basis points (1 bp = 0.01 %), rounded down to
/// the fen on each line, so that every line balances exactly: charge = payout + fee.
public struct PlatformFee: Sendable, Hashable {
    /// 0…10,000 (0: no fee, the default; 10,000: the whole charge).
    public var basisPoints: Int

    /// The largest fee, the whole charge.
    public static let maxBasisPoints = 10_000

    /// Creates a fee; `basisPoints` must be 0…10,000.
    public init(basisPoints: Int) {
        precondition((0...Self.maxBasisPoints).contains(basisPoints))
        self.basisPoints = basisPoints
    }

    /// ⌊charge × bp ÷ 10,000⌋ in integers (never more than the charge; 0 for a non-positive charge).
    public func fee(on charge: Int64) -> Int64 {
        guard charge > 0, basisPoints > 0 else { return 0 }
        let product = charge.multipliedFullWidth(by: Int64(basisPoints))
        return Int64(10_000).dividingFullWidth(product).quotient
    }
}

/// Bills and payouts from metered parts: each part ends in one month and is billed there, to its
/// consumer for its charge, and paid out to its provider less the platform fee.
public enum Books {
    /// The consumer's (or everyone's) bill for `month`: the parts that ended in it, in metering order.
    public static func bill(_ usage: [UsageRecord], month: BillingMonth, consumer: String?) -> Statement {
        let lines = usage.filter { month.contains($0.end) && (consumer == nil || $0.consumer == consumer) }.map { StatementLine($0) }
        return Statement(month: month, consumer: consumer, items: lines)
    }

    /// The provider's (or everyone's) payout for `month`: the same parts, each less the fee.
    public static func payout(_ usage: [UsageRecord], month: BillingMonth, provider: String?, fee: PlatformFee) -> Statement {
        let lines = usage.filter { month.contains($0.end) && (provider == nil || $0.provider == provider) }
            .map { StatementLine($0, fee: fee.fee(on: $0.amountFen)) }
        return Statement(month: month, provider: provider, feeBasisPoints: fee.basisPoints, items: lines)
    }
}
