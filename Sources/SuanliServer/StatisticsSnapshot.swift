import Foundation
import SuanliCore
import SuanliRegistry

/// Everything the statistics, their history and the Prometheus gauges are computed from,
/// gathered by ``Platform/statisticsSnapshot()`` in slices.
public struct StatisticsSnapshot: Sendable {
    /// Sums over the registry's resources by (location, kind, class).
    public var tally: StatsTally
    /// The topology when the snapshot was taken (for coverage).
    public var topology: Topology
    /// Every task state with its count.
    public var tasksByState: [TaskState: Int]
    /// Tasks waiting in the scheduler's queue.
    public var queueLength: Int
    /// Placements since the platform process started.
    public var placementsTotal: Int
    /// Open quotes and the units their offers hold.
    public var openQuotes = 0
    public var heldUnits = 0
    /// When the snapshot was taken (platform clock).
    public var at: Date

    /// The `GET /v1/stats` report of this snapshot (without history).
    public func report() -> StatsReport {
        var report = tally.report(topology: topology, now: at)
        report.tasks = StatsReport.TaskTotals(
            byState: Dictionary(uniqueKeysWithValues: TaskState.allCases.map { ($0.rawValue, tasksByState[$0] ?? 0) }),
            queueLength: queueLength, placementsTotal: placementsTotal, openQuotes: openQuotes, heldUnits: heldUnits)
        return report
    }
}

extension Platform {
    /// Resources or tasks visited per hold of the platform lock while gathering statistics.
    static let statisticsSlice = 4096

    /// The platform's instruments (a metrics module installs its factory into them).
    public var metrics: PlatformMetrics { committer.metrics }

    /// Gathers a ``StatisticsSnapshot``, holding the platform lock (shared with scheduling and
    /// every write) for at most ``statisticsSlice`` resources or tasks at a time.
    public func statisticsSnapshot() -> StatisticsSnapshot {
        let now = clock()
        var tally = state.withLock { $0.registry.makeStatsTally() }
        while !state.withLock({ $0.registry.tally(&tally, limit: Self.statisticsSlice, now: now) }) {}
        var counts = [Int](repeating: 0, count: TaskState.allCases.count)
        let stateIndex = Dictionary(uniqueKeysWithValues: TaskState.allCases.enumerated().map { ($1, $0) })
        var next = 0
        var queueLength = 0
        var (openQuotes, heldUnits) = (0, 0)
        var topology: Topology? = nil
        while true {
            let done = state.withLock { state -> Bool in
                let order = state.book.order
                let end = min(order.count, next + Self.statisticsSlice)
                for i in next..<end {
                    if let task = state.book[order[i]] { counts[stateIndex[task.state]!] += 1 }
                }
                next = end
                guard end >= order.count else { return false }
                for (final, count) in state.book.archivedByState { counts[stateIndex[final]!] += count }
                queueLength = state.engine.queuedCount
                (openQuotes, heldUnits) = (state.quotes.openCount, state.engine.heldUnitsTotal)
                topology = state.registry.topology
                return true
            }
            if done { break }
        }
        takePlacements()
        return StatisticsSnapshot(
            tally: tally, topology: topology!,
            tasksByState: Dictionary(uniqueKeysWithValues: TaskState.allCases.enumerated().map { ($1, counts[$0]) }),
            queueLength: queueLength, placementsTotal: metrics.placementsTotal, openQuotes: openQuotes, heldUnits: heldUnits,
            at: now)
    }

    /// Moves the placements counted in the platform's state into ``metrics``.
    public func takePlacements() {
        let tally = state.withLock { state in
            defer { state.placements = PlacementTally() }
            return state.placements
        }
        metrics.recordPlacements(latencies: tally.latencies, dropped: tally.dropped)
    }
}
