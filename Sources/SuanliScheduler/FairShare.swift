import Foundation

/// Decayed past usage per consumer and the fair-share factor derived from it, in the manner of
/// Slurm's classic fair-share factor.
///
/// Usage (metered cost in fen: the market's own weight between chips, as Slurm's TRES billing
/// weights are) decays with a half-life: a record `age` seconds old counts `2^(-age/halfLife)`.
/// With `u` a consumer's share of all decayed usage and `s` its share of all shares (every
/// consumer with usage has share 1 unless given another), its factor is `2^(-u/s)`: 1 for a
/// consumer with no recent usage, 0.5 for one that used exactly its share, towards 0 for one
/// far over it. The scheduler orders equal-priority tasks by this factor, highest first.
public struct FairShare: Sendable {
    /// Seconds after which past usage counts half (default 7 days).
    public var halfLife: Double
    /// Per consumer: decayed usage as of `at` (seconds since 1970).
    private var usage: [String: (value: Double, at: Double)] = [:]
    /// Relative shares (default 1 each).
    public var shares: [String: Double] = [:]

    /// An empty record with the given half-life.
    public init(halfLife: Double = 7 * 86_400) {
        self.halfLife = halfLife > 0 && halfLife.isFinite ? halfLife : 7 * 86_400
    }

    /// Adds `amount` of usage by `consumer` that ended at `at`.
    public mutating func record(consumer: String, amount: Double, at: Double) {
        guard amount > 0, amount.isFinite, at.isFinite else { return }
        guard let current = usage[consumer] else {
            usage[consumer] = (amount, at)
            return
        }
        // Keep the later time as the reference; decay whichever value is older.
        if at >= current.at {
            usage[consumer] = (current.value * decay(at - current.at) + amount, at)
        } else {
            usage[consumer] = (current.value + amount * decay(current.at - at), current.at)
        }
    }

    /// `consumer`'s usage decayed to `now`.
    public func decayedUsage(of consumer: String, now: Double) -> Double {
        guard let current = usage[consumer] else { return 0 }
        return current.value * decay(max(0, now - current.at))
    }

    /// Every consumer's factor at `now` (only consumers with usage; the others have 1).
    public func factors(now: Double) -> [String: Double] {
        var decayed: [String: Double] = [:]
        var total = 0.0
        for consumer in usage.keys {
            let value = decayedUsage(of: consumer, now: now)
            decayed[consumer] = value
            total += value
        }
        guard total > 0 else { return [:] }
        let totalShares = decayed.keys.reduce(0.0) { $0 + share(of: $1) }
        var factors: [String: Double] = [:]
        for (consumer, value) in decayed {
            let u = value / total
            let s = share(of: consumer) / totalShares
            factors[consumer] = pow(2, -u / s)
        }
        return factors
    }

    private func share(of consumer: String) -> Double {
        let s = shares[consumer] ?? 1
        return s > 0 && s.isFinite ? s : 1
    }

    private func decay(_ age: Double) -> Double { pow(2, -age / halfLife) }
}
