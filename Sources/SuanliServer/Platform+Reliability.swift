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

    /// Every provider's history from the task book: each attempt's metered parts on a provider,
    /// completed when the attempt is the task's last and the task succeeded or failed by itself,
    /// lost when the task was lost in that attempt (the k-th `lost` event ends attempt k) other
    /// than by preemption.
    func reliabilityTallies() -> [String: ReliabilityTally] {
        var tallies: [String: ReliabilityTally] = [:]
        for (provider, gaps) in heartbeatGaps { tallies[provider, default: ReliabilityTally()].heartbeatGaps = gaps }
        for task in book.tasks.values where !task.runtime.usage.isEmpty {
            // The k-th `lost` event ends attempt k; a preempted spot attempt is the platform's doing, not the provider's.
            var lostAttempts = Set<Int>()
            var attempt = 0
            for event in task.events where event.state == .lost {
                attempt += 1
                if !(event.message?.hasPrefix("preempted") ?? false) { lostAttempts.insert(attempt) }
            }
            var ends: [String: Date] = [:]  // "attempt provider" → the latest end
            for usage in task.runtime.usage {
                let key = "\(usage.attempt) \(usage.provider)"
                ends[key] = max(ends[key] ?? usage.end, usage.end)
            }
            for (key, end) in ends {
                let parts = key.split(separator: " ", maxSplits: 1)
                guard parts.count == 2, let attempt = Int(parts[0]) else { continue }
                let provider = String(parts[1])
                var tally = tallies[provider, default: ReliabilityTally()]
                tally.attempts.append(end)
                if lostAttempts.contains(attempt) {
                    tally.lost.append(end)
                } else if attempt == task.runtime.attempt, task.state == .succeeded || task.state == .failed {
                    tally.completed.append(end)
                }
                tallies[provider] = tally
            }
        }
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
