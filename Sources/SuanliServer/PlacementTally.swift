import Foundation
import SuanliCore
import SuanliScheduler

/// Placements made since the platform's metrics last took them (``Platform/takePlacements()``),
/// kept in ``PlatformState`` where they happen, under the platform lock.
struct PlacementTally: Sendable {
    /// Latencies kept between two takes at most; placements beyond are counted without one.
    static let maxPending = 100_000

    /// Seconds from each placed task (attempt) being queued to its placement (platform clock).
    var latencies: [Double] = []
    /// Placements beyond ``maxPending``, counted without their latency.
    var dropped = 0

    /// One placement after `latency` seconds in the queue.
    mutating func record(latency: Double) {
        if latencies.count < Self.maxPending { latencies.append(latency) } else { dropped += 1 }
    }
}

extension PlatformState {
    /// The tasks of `drain` that wait in the queue now, with when they were queued (before the book applies it).
    func waiting(in drain: DrainResult) -> [(id: String, since: Date)] {
        drain.scheduled.compactMap { placed in
            guard let task = book[placed.id], task.state == .queued else { return nil }
            return (placed.id, task.events.last { $0.state == .queued }?.at ?? task.createdAt)
        }
    }

    /// Counts the tasks of `waiting` that the book has now placed.
    mutating func countPlacements(of waiting: [(id: String, since: Date)], now: Date) {
        for (id, since) in waiting where book[id]?.state == .scheduled {
            placements.record(latency: now.timeIntervalSince(since))
        }
    }
}
