import Foundation
import SuanliCore

/// A provider's history as dated events, turned into a time-decayed ``ProviderReliability``.
///
/// Each event weighs `2^(−age ÷ half-life)` (half-life 7 days: a week-old loss counts half, a
/// month-old one a sixteenth), and `score = (C + 1) ÷ (C + L + G + 1)` with `C`, `L`, `G` the
/// decayed counts of completed parts, lost parts and heartbeat gaps: 1 with no history, 0.5 after
/// one loss, and a provider recovers by completing work or simply by time passing.
public struct ReliabilityTally: Sendable, Hashable {
    /// When attempt parts were metered on the provider (their end).
    public var attempts: [Date] = []
    public var completed: [Date] = []
    public var lost: [Date] = []
    public var heartbeatGaps: [Date] = []

    /// The half-life of an event's weight.
    public static let halfLife: TimeInterval = 7 * 86_400

    /// An empty tally.
    public init() {}

    /// The decayed figure at `now`.
    public func reliability(since: Date, now: Date) -> ProviderReliability {
        func decayed(_ dates: [Date]) -> Double {
            dates.reduce(0) { $0 + pow(2, -max(0, now.timeIntervalSince($1)) / Self.halfLife) }
        }
        let (a, c, l, g) = (decayed(attempts), decayed(completed), decayed(lost), decayed(heartbeatGaps))
        func round(_ x: Double, _ scale: Double) -> Double { (x * scale).rounded() / scale }
        return ProviderReliability(
            score: round((c + 1) / (c + l + g + 1), 1000), attempts: round(a, 100), completed: round(c, 100), lost: round(l, 100),
            heartbeatGaps: round(g, 100), since: since)
    }
}
