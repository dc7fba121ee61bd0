import CoreMetrics
import Foundation
import SuanliCore
import SuanliRegistry
import SuanliServer
import Synchronization

/// The gauges set at each scrape from a ``StatisticsSnapshot``, created through the
/// swift-metrics API with an explicit factory.
///
/// Label values are bounded: kind (5), class (4), hub (8), precision, task state (10), kind or
/// `any` for coverage. A series that empties (its last resource deleted) reads 0, not its last value.
final class ScrapeGauges: Sendable {
    /// Metric names (Prometheus conventions: `suanli_` prefix, base units).
    enum Name {
        /// Units of live resources by kind, class and hub.
        static let capacityUnits = "suanli_capacity_units"
        /// Free units on available resources by kind, class and hub.
        static let freeUnits = "suanli_free_units"
        /// Live resources by kind, class and hub.
        static let resources = "suanli_resources"
        /// Available resources (healthy, recently reported) by kind, class and hub.
        static let availableResources = "suanli_available_resources"
        /// Peak FLOPS by kind, class and hub, at the class's statistical precision (`precision` label).
        static let peakFLOPS = "suanli_capacity_peak_flops"
        /// Registered providers.
        static let providers = "suanli_providers"
        /// Tasks by state.
        static let tasks = "suanli_tasks"
        /// Tasks waiting in the scheduler's queue.
        static let queueLength = "suanli_queue_length"
        /// Share of demand cities with free capacity within 20 ms, by kind (`any`: any kind).
        static let coverage = "suanli_coverage_20ms_ratio"
    }

    private struct Key: Hashable {
        var name: String
        var labels: [String]
    }

    private let factory: any MetricsFactory
    private let cache = Mutex<[Key: Gauge]>([:])
    /// The cell series set by earlier scrapes (reset to 0 when absent from a later one).
    private let cellSeries = Mutex<Set<[String]>>([])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    private func gauge(_ name: String, _ labels: [(String, String)] = []) -> Gauge {
        let key = Key(name: name, labels: labels.flatMap { [$0.0, $0.1] })
        return cache.withLock { cache in
            if let gauge = cache[key] { return gauge }
            let gauge = Gauge(label: name, dimensions: labels, factory: factory)
            cache[key] = gauge
            return gauge
        }
    }

    private func setCell(kind: String, computeClass: String, hub: String, _ cell: StatsTally.Cell) {
        let labels = [("kind", kind), ("class", computeClass), ("hub", hub)]
        gauge(Name.capacityUnits, labels).record(cell.units)
        gauge(Name.freeUnits, labels).record(cell.freeUnits)
        gauge(Name.resources, labels).record(cell.resources)
        gauge(Name.availableResources, labels).record(cell.available)
        let precision = ComputeClass(rawValue: computeClass)?.statisticalPrecision.rawValue ?? "unknown"
        gauge(Name.peakFLOPS, labels + [("precision", precision)]).record(cell.pflops * 1e15)
    }

    /// Sets every gauge from `snapshot`.
    func update(from snapshot: StatisticsSnapshot) {
        var cells: [[String]: StatsTally.Cell] = [:]
        snapshot.tally.forEachCell { location, kind, computeClass, cell in
            cells[[kind.rawValue, computeClass.rawValue, location.hub], default: StatsTally.Cell()].merge(cell)
        }
        let previous = cellSeries.withLock { series in
            defer { series = Set(cells.keys) }
            return series
        }
        for key in previous.subtracting(cells.keys) {
            setCell(kind: key[0], computeClass: key[1], hub: key[2], StatsTally.Cell())
        }
        for (key, cell) in cells { setCell(kind: key[0], computeClass: key[1], hub: key[2], cell) }
        gauge(Name.providers).record(snapshot.tally.providers)
        for state in TaskState.allCases {
            gauge(Name.tasks, [("state", state.rawValue)]).record(snapshot.tasksByState[state] ?? 0)
        }
        gauge(Name.queueLength).record(snapshot.queueLength)
        let report = snapshot.tally.report(topology: snapshot.topology, now: snapshot.at)
        for (kind, share) in report.coverage.byKind {
            gauge(Name.coverage, [("kind", kind)]).record(share.share)
        }
        gauge(Name.coverage, [("kind", "any")]).record(report.coverage.any.share)
    }
}
