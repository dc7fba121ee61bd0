import Foundation
import SuanliCore
import SuanliMarket

extension PlatformState {
    /// Heartbeat gaps kept per provider (the oldest are dropped beyond this).
    static let maxGapsKept = 1000

    /// Notes that resource `id` went stale (a heartbeat gap of its provider).
    mutating func recordHeartbeatGap(resource id: String, at now: Date) {
        guard let provider = registry.providerOf(id)?.description else { return }
        var gaps = heartbeatGaps[provider, default: []]
        gaps.append(now)
        if gaps.count > Self.maxGapsKept { gaps.removeFirst(gaps.count - Self.maxGapsKept) }
        heartbeatGaps[provider] = gaps
    }

    /// Every provider's history: the tasks in the book and those archived out of memory
    /// (``TaskArchive/tally(_:into:)`` says what counts), and its heartbeat gaps.
    func reliabilityTallies() -> [String: ReliabilityTally] {
        var tallies = archive.reliability
        for (provider, gaps) in heartbeatGaps { tallies[provider, default: ReliabilityTally()].heartbeatGaps = gaps }
        for task in book.tasks.values { TaskArchive.tally(task, into: &tallies) }
        return tallies
    }
}

extension Platform {
    /// Provider records with their reliability at the platform's clock.
    func withReliability(_ records: [ProviderRecord]) -> [ProviderRecord] {
        let now = clock()
        let tallies = state.withLock { $0.reliabilityTallies() }
        return records.map { record in
            var record = record
            record.reliability = (tallies[record.prefix.description] ?? ReliabilityTally()).reliability(since: record.createdAt, now: now)
            return record
        }
    }
}

extension PlatformState {
    /// Hands every provider's current score to the scheduler (for tasks' `min_reliability`).
    mutating func refreshReliability(now: Date) {
        var scores: [String: Double] = [:]
        let tallies = reliabilityTallies()
        for provider in registry.allProviders() {
            let name = provider.prefix.description
            scores[name] = (tallies[name] ?? ReliabilityTally()).reliability(since: provider.createdAt, now: now).score
        }
        engine.setProviderReliability(scores)
    }

    /// Before a submission: fresh scores when the task asks for a minimum reliability, then the
    /// consumer's budget and quotas.
    mutating func prepareSubmission(consumer: String, spec: TaskSpec, now: Date) throws(SuanliError) {
        if spec.minReliability != nil { refreshReliability(now: now) }
        try checkLimits(consumer: consumer, spec: spec)
    }
}
