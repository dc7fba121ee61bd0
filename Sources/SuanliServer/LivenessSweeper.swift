import Foundation
import ServiceLifecycle
import SuanliCore
import SuanliScheduler
import SuanliStore

/// Periodically finds resources whose provider stopped reporting and tells the scheduler,
/// so that nothing is placed on them and waiting work can move elsewhere; and moves finished
/// tasks that are due out of memory (``TaskArchive``).
struct LivenessSweeper: Service {
    let platform: Platform

    func run() async throws {
        let interval = max(0.05, min(1, platform.configuration.heartbeatInterval / 4))
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await platform.sweep()
            await platform.archiveFinishedTasks()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
        }
    }
}

extension Platform {
    /// One liveness pass: stale resources become unavailable to the scheduler and the attempts
    /// on them are lost (metered to the last heartbeat, then placed again); placements it made
    /// as a consequence (and those and repairs of the start-up recovery) are persisted.
    public func sweep() async throws(SuanliError) {
        let now = clock()
        try await commit { state throws(SuanliError) in
            var mutations = state.perform(state.startupRepairs, now: now) + state.apply(state.startupDrain, now: now)
            state.startupRepairs = []
            state.startupDrain = .empty
            if state.engine.queueWantsReliability { state.refreshReliability(now: now) }
            for id in state.registry.sweepStale(now: now) {
                state.recordHeartbeatGap(resource: id, at: now)
                mutations += state.apply(state.engine.setAvailable(id, false, now: now.timeIntervalSince1970), now: now)
                let lastSeen = state.registry.resolve(id, now: now)?.state.heartbeatAt ?? now
                mutations += state.resourceLost(id, lastSeen: lastSeen, reason: "resource \(id) stopped reporting", now: now)
            }
            return mutations
        }
    }
}
