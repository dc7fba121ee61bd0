import Foundation
import ServiceLifecycle
import SuanliCore
import SuanliScheduler
import SuanliStore

/// Periodically finds resources whose provider stopped reporting and tells the scheduler,
/// so that nothing is placed on them and waiting work can move elsewhere.
struct LivenessSweeper: Service {
    let platform: Platform

    func run() async throws {
        let interval = max(0.05, min(1, platform.configuration.heartbeatInterval / 4))
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await platform.sweep()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
        }
    }
}

extension Platform {
    /// One liveness pass: stale resources become unavailable to the scheduler; placements it
    /// made as a consequence (and those of the start-up drain) are persisted.
    public func sweep() async throws(SuanliError) {
        let now = clock()
        try await commit { state throws(SuanliError) in
            var mutations = state.apply(state.startupDrain, now: now)
            state.startupDrain = .empty
            for id in state.registry.sweepStale(now: now) {
                mutations += state.apply(state.engine.setAvailable(id, false, now: now.timeIntervalSince1970), now: now)
                // Work placed on it is lost: meter it to the last heartbeat and place it again.
                guard let provider = state.registry.providerOf(id) else { continue }
                let lastSeen = state.registry.resolve(id, now: now)?.state.heartbeatAt ?? now
                for taskID in (state.assignedByProvider[provider] ?? []).sorted()
                where state.tasks[taskID]?.placedResources.contains(id) == true {
                    mutations += state.abandonAttempt(
                        taskID, reason: "resource \(id) stopped reporting", lastSeen: lastSeen, now: now, requeueInEngine: true)
                }
            }
            return mutations
        }
    }
}
