import Foundation
import ServiceLifecycle
import SuanliCore
import Synchronization

/// The bounded in-memory history behind `GET /v1/stats?history=`: one point per
/// ``interval`` seconds of the platform's clock, the last ``capacity`` points (1 hour).
///
/// A point stands for its interval (`at` is the interval's start); sampling again within the
/// same interval replaces the point, so the newest sample of an interval is the one kept.
public final class StatsHistory: Sendable {
    /// Seconds between points.
    public static let interval: Double = 10
    /// Points kept: 360 × 10 s = 1 hour.
    public static let capacity = 360
    /// The longest span kept, in seconds.
    public static var kept: Double { interval * Double(capacity) }

    private let points = Mutex<[StatsReport.History.Point]>([])

    /// An empty history.
    public init() {}

    /// The start of the interval `date` falls in.
    static func bucket(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / interval).rounded(.down) * interval)
    }

    /// Whether the interval `date` falls in has no point yet.
    func isDue(_ date: Date) -> Bool {
        let at = Self.bucket(date)
        return points.withLock { $0.last.map { $0.at < at } ?? true }
    }

    /// Adds (or replaces) the point of the interval the snapshot was taken in.
    func record(_ snapshot: StatisticsSnapshot) {
        let at = Self.bucket(snapshot.at)
        var freeByKind: [String: Int] = Dictionary(uniqueKeysWithValues: ResourceKind.allCases.map { ($0.rawValue, 0) })
        var available = 0
        var units = 0
        var free = 0
        snapshot.tally.forEachCell { _, kind, _, cell in
            freeByKind[kind.rawValue, default: 0] += cell.freeUnits
            available += cell.available
            units += cell.availableUnits
            free += cell.freeUnits
        }
        points.withLock { points in
            if let last = points.last, last.at >= at {
                // A sample of an interval already passed (the clock went back) or the current one again.
                guard last.at == at else { return }
                points.removeLast()
            }
            let previous = points.last?.placementsTotal
            points.append(
                StatsReport.History.Point(
                    at: at, availableResources: available, units: units, freeUnits: free, freeUnitsByKind: freeByKind,
                    utilization: units > 0 ? 1 - Double(free) / Double(units) : 0,
                    tasksByState: Dictionary(uniqueKeysWithValues: TaskState.allCases.map { ($0.rawValue, snapshot.tasksByState[$0] ?? 0) }),
                    queueLength: snapshot.queueLength,
                    placements: previous.map { max(0, snapshot.placementsTotal - $0) } ?? 0,
                    placementsTotal: snapshot.placementsTotal))
            if points.count > Self.capacity { points.removeFirst(points.count - Self.capacity) }
        }
    }

    /// The points of the last `window` seconds before `now`, oldest first.
    public func series(window: Double, now: Date) -> StatsReport.History {
        let from = now.timeIntervalSince1970 - window
        let selected = points.withLock { $0.filter { $0.at.timeIntervalSince1970 > from } }
        return StatsReport.History(intervalS: Self.interval, windowS: window, keptS: Self.kept, points: selected)
    }

    /// Parses a `history` query value: a whole number of `s`, `m` or `h`, from 1 s up to the kept span.
    public static func window(_ text: String) throws(SuanliError) -> Double {
        let unit = text.last
        let multiplier: Double? =
            switch unit {
            case "s": 1
            case "m": 60
            case "h": 3600
            default: nil
            }
        let number = text.dropLast()
        guard let multiplier, !number.isEmpty, number.count <= 6, number.allSatisfy(\.isASCII), let value = Int(number),
            value > 0, Double(value) * multiplier <= kept
        else {
            let shown = ExactPathMiddleware<SuanliRequestContext>.excerpt(text, limit: 32)
            throw SuanliError(
                .badRequest,
                "history must be a duration like 30s, 5m or 1h, at most \(Int(kept / 60))m (the history kept); got '\(shown)'",
                field: "history")
        }
        return Double(value) * multiplier
    }
}

/// Samples the platform's statistics into its ``StatsHistory`` once per interval of the
/// platform's clock (it looks every second; a sample holds the platform lock only in slices).
struct StatsSampler: Service {
    let platform: Platform

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if platform.statsHistory.isDue(platform.now) { platform.sampleStatistics() }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
    }
}

extension Platform {
    /// Takes a statistics snapshot now and records it as the current interval's history point.
    public func sampleStatistics() {
        statsHistory.record(statisticsSnapshot())
    }

    /// `GET /v1/stats`, with the history of the last `window` seconds when asked for.
    public func stats(history window: Double?) -> StatsReport {
        var report = statisticsSnapshot().report()
        if let window { report.history = statsHistory.series(window: window, now: report.generatedAt) }
        return report
    }
}
