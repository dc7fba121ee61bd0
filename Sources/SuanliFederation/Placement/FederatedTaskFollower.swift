import Foundation
import ServiceLifecycle
import SuanliCore

/// Follows the tasks a home placed on other platforms: every sync interval, asks each owner for
/// the record of every task not ended yet (kept as its snapshot, which the home's task list and
/// task stream show), then, once a task ended, for its signed usage statement (which the home's
/// usage and bills count). An owner that does not answer is asked again later and later (up to
/// a minute). Never delays a graceful shutdown.
struct FederatedTaskFollower: Service {
    let module: FederatedPlacementModule
    /// Owners asked at once.
    static let concurrency = 8
    /// The longest wait before asking a silent owner again, in seconds.
    static let maxBackoff = 60.0

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await module.followOnce()
            try? await cancelWhenGracefulShutdown { [module] in
                try await Task.sleep(for: .seconds(module.federation.configuration.syncInterval))
            }
        }
    }
}

extension FederatedPlacementModule {
    /// One round of ``FederatedTaskFollower``: the tasks due, at most
    /// ``FederatedTaskFollower/concurrency`` at a time.
    func followOnce() async {
        let now = federation.configuration.clock()
        let due = tasks.withLock { state in
            state.order.compactMap { entry -> FederatedTask? in
                guard let task = state.byID[entry.id] else { return nil }
                if task.snapshot?.state.isFinal == true && state.usage[task.id] != nil { return nil }
                if let wait = state.backoff[task.id], wait.until > now { return nil }
                return task
            }
        }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for task in due {
                if running == FederatedTaskFollower.concurrency {
                    await group.next()
                    running -= 1
                }
                group.addTask { await self.follow(task) }
                running += 1
            }
        }
    }

    /// Refreshes `task`'s snapshot and, once it ended, collects its statement; backs off when
    /// its owner does not answer or has no final statement yet.
    func follow(_ task: FederatedTask) async {
        var settled = false
        do throws(SuanliError) {
            var record = task.snapshot
            if record?.state.isFinal != true { record = try await fetchRecord(of: task) }
            if record?.state.isFinal == true {
                settled = try await collectStatement(of: task)
            } else {
                settled = true  // not ended: followed again next round
            }
        } catch {
            logger.debug("following \(task.id) at \(task.owner): \(error.message)")
        }
        let now = federation.configuration.clock()
        let interval = federation.configuration.syncInterval
        tasks.withLock { state in
            if settled {
                state.backoff[task.id] = nil
            } else {
                let failures = (state.backoff[task.id]?.failures ?? 0) + 1
                let wait = min(FederatedTaskFollower.maxBackoff, interval * pow(2, Double(min(failures, 16))))
                state.backoff[task.id] = (failures, now.addingTimeInterval(wait))
            }
        }
    }
}
