import Foundation

/// How reliably a provider's resources finish the work placed on them, from its history
/// (`"reliability"` on provider records). Counts are time-decayed (see docs/market.md).
public struct ProviderReliability: Sendable, Codable, Hashable {
    /// `(completed + 1) ÷ (completed + lost + heartbeat_gaps + 1)`, 0…1 (1 with no history).
    public var score: Double
    /// Attempt parts metered on the provider (decayed).
    public var attempts: Double
    /// Of those, parts of attempts the agent saw to an end (the task succeeded, or failed by its own exit code).
    public var completed: Double
    /// Parts of attempts lost on the provider (it stopped reporting; the task moved on).
    public var lost: Double
    /// Times one of its resources missed its heartbeats and went stale.
    public var heartbeatGaps: Double
    /// Since when history counts: the provider's registration.
    public var since: Date

    enum CodingKeys: String, CodingKey {
        case score, attempts, completed, lost, since
        case heartbeatGaps = "heartbeat_gaps"
    }

    /// Creates a reliability figure.
    public init(score: Double, attempts: Double, completed: Double, lost: Double, heartbeatGaps: Double, since: Date) {
        self.score = score
        self.attempts = attempts
        self.completed = completed
        self.lost = lost
        self.heartbeatGaps = heartbeatGaps
        self.since = since
    }
}
