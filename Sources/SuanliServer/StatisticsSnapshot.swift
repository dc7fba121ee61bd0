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
    /// Resources visited per hold of the platform lock while gathering statistics.
    static let statisticsSlice = 4096

    /// The platform's instruments (a metrics module installs its factory into them).
    public var metrics: PlatformMetrics { committer.metrics }

    /// Gathers a ``StatisticsSnapshot``, holding the platform lock (shared with scheduling and
    /// every write) for at most ``statisticsSlice`` resources at a time; tasks are counted per
    /// state as they change (``TaskBook/countsByState``), so they cost no scan.
    public func statisticsSnapshot() -> StatisticsSnapshot {
        let now = clock()
        var tally = state.withLock { $0.registry.makeStatsTally() }
        while !state.withLock({ $0.registry.tally(&tally, limit: Self.statisticsSlice, now: now) }) {}
        let (tasksByState, queueLength, openQuotes, heldUnits, topology) = state.withLock { state in
            (
                state.book.countsByState, state.engine.queuedCount, state.quotes.openCount, state.engine.heldUnitsTotal,
                state.registry.topology
            )
        }
        takePlacements()
        return StatisticsSnapshot(
            tally: tally, topology: topology,
            tasksByState: Dictionary(uniqueKeysWithValues: TaskState.allCases.map { ($0, tasksByState[$0] ?? 0) }),
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
