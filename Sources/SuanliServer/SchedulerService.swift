import Foundation
import ServiceLifecycle
import SuanliCore
import SuanliScheduler
import Synchronization

/// Drains the scheduler's queue off the request path.
///
/// Request handlers place a submission that fits at once and never wait for a drain: calls
/// that add capacity (a task ends, a report frees units, a resource appears) only wake this
/// service, which drains in bounded slices — at most ``sliceAttempts`` placement attempts
/// and their batch re-optimisation per hold of the platform lock — until nothing is left to
/// try. Between slices every other request (reads, heartbeats, submissions) gets the lock, so
/// none waits longer than one slice. A tick also expires queued deadlines.
struct SchedulerService: Service {
    let platform: Platform
    /// Placement attempts per slice.
    static let sliceAttempts = 64
    /// How often the queue's fair-share order is brought up to date with metered usage.
    static let fairShareInterval = Duration.seconds(5)

    func run() async throws {
        let tick = max(0.05, min(1, platform.configuration.heartbeatInterval / 4))
        let wakeups = platform.schedulerWakeups.stream
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    var lastFairShare = ContinuousClock.now
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(tick))
                        if ContinuousClock.now - lastFairShare >= Self.fairShareInterval {
                            lastFairShare = .now
                            platform.refreshFairShare()
                        }
                        platform.wakeScheduler()
                    }
                }
                group.addTask {
                    for await _ in wakeups {
                        while await platform.drainSlice(maxAttempts: Self.sliceAttempts) {
                            await Task.yield()
                        }
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }
}

extension Platform {
    /// Recomputes every consumer's fair-share factor from its decayed metered usage and
    /// re-orders the queue when a factor changed (by at least 1/1024).
    func refreshFairShare() {
        let now = clock().timeIntervalSince1970
        state.withLock { state in
            state.engine.setFairShare(state.ledger.fairShare.factors(now: now))
        }
    }

    /// Asks the scheduler service to look at the queue (capacity may have changed).
    func wakeScheduler() { schedulerWakeups.continuation.yield() }

    /// One slice of a drain under the lock; returns whether another slice has work to do.
    func drainSlice(maxAttempts: Int) async -> Bool {
        let now = clock()
        let t = now.timeIntervalSince1970
        let more: Bool? = try? await commit { state throws(SuanliError) in
            guard state.engine.needsDrain(now: t) else { return (false, state.preemptForWaiting(now: now)) }
            let drain = state.engine.drain(now: t, maxAttempts: maxAttempts)
            let mutations = state.apply(drain, now: now)
            return (state.engine.needsDrain(now: t), mutations + state.preemptForWaiting(now: now))
        }
        return more ?? false
    }
}
