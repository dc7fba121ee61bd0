import CoreMetrics
import Synchronization

/// The platform's instruments — HTTP requests, placements, group commits, agent heartbeats —
/// recorded through the swift-metrics API into the factory a metrics module installs with
/// ``install(factory:)``. Until then nothing is recorded but the placement count.
///
/// Each platform has its own instance (``Platform/metrics``) and uses explicit factories, so
/// several platforms in one process (the tests) never share counters and nothing depends on
/// the process-wide `MetricsSystem`.
public final class PlatformMetrics: Sendable {
    /// Metric names, following Prometheus conventions: `suanli_` prefix, base units, `_total` counters.
    public enum Name {
        /// Counter by `route` (the route template, never the raw path), `method` and `status`.
        public static let httpRequests = "suanli_http_requests_total"
        /// Histogram (seconds) by `route`, `method` and `status`: handler time to the response head.
        public static let httpRequestDuration = "suanli_http_request_duration_seconds"
        /// Counter: tasks (and later attempts) placed.
        public static let placements = "suanli_placements_total"
        /// Histogram (seconds, platform clock): from a task (attempt) being queued to its placement; 0 when placed at submission.
        public static let placementLatency = "suanli_placement_latency_seconds"
        /// Histogram (seconds): one group-commit transaction written to the store.
        public static let commitDuration = "suanli_commit_duration_seconds"
        /// Counter: store mutations written by group commits.
        public static let committedMutations = "suanli_committed_mutations_total"
        /// Counter: accepted telemetry calls (each agent sends one per heartbeat interval).
        public static let agentHeartbeats = "suanli_agent_heartbeats_total"
        /// Counter: resource reports in accepted telemetry calls.
        public static let resourceReports = "suanli_resource_reports_total"
    }

    private struct RequestKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private final class Instruments: Sendable {
        let factory: any MetricsFactory
        let placements: Counter
        let placementLatency: Timer
        let commitDuration: Timer
        let committedMutations: Counter
        let heartbeats: Counter
        let reports: Counter
        let requests = Mutex<[RequestKey: (Counter, Timer)]>([:])

        init(factory: any MetricsFactory) {
            self.factory = factory
            placements = Counter(label: Name.placements, factory: factory)
            placementLatency = Timer(label: Name.placementLatency, factory: factory)
            commitDuration = Timer(label: Name.commitDuration, factory: factory)
            committedMutations = Counter(label: Name.committedMutations, factory: factory)
            heartbeats = Counter(label: Name.agentHeartbeats, factory: factory)
            reports = Counter(label: Name.resourceReports, factory: factory)
        }

        func request(_ key: RequestKey) -> (Counter, Timer) {
            requests.withLock { cache in
                if let instruments = cache[key] { return instruments }
                let dimensions = [("route", key.route), ("method", key.method), ("status", String(key.status))]
                let instruments = (
                    Counter(label: Name.httpRequests, dimensions: dimensions, factory: factory),
                    Timer(label: Name.httpRequestDuration, dimensions: dimensions, factory: factory)
                )
                cache[key] = instruments
                return instruments
            }
        }
    }

    private let instruments = Mutex<Instruments?>(nil)
    private let placements = Atomic<Int>(0)

    /// No instruments yet.
    public init() {}

    /// Records into `factory` from now on (a second call replaces the first).
    public func install(factory: any MetricsFactory) {
        let installed = Instruments(factory: factory)
        // The counter starts where the platform's count stands.
        installed.placements.increment(by: placements.load(ordering: .relaxed))
        instruments.withLock { $0 = installed }
    }

    private var current: Instruments? { instruments.withLock { $0 } }

    /// Placements since the platform started (as far as they were taken from its state).
    public var placementsTotal: Int { placements.load(ordering: .relaxed) }

    /// Placements taken from the platform's state: one latency (seconds) each, `dropped` without one.
    func recordPlacements(latencies: [Double], dropped: Int) {
        let count = latencies.count + dropped
        guard count > 0 else { return }
        placements.add(count, ordering: .relaxed)
        guard let current else { return }
        current.placements.increment(by: count)
        for latency in latencies { current.placementLatency.recordSeconds(max(0, latency)) }
    }

    /// One group commit of `mutations` store mutations that took `duration`.
    func recordCommit(duration: Duration, mutations: Int) {
        guard let current else { return }
        current.commitDuration.recordNanoseconds(duration.nanoseconds)
        current.committedMutations.increment(by: mutations)
    }

    /// One accepted telemetry call with `reports` resource reports.
    func recordHeartbeat(reports: Int) {
        guard let current else { return }
        current.heartbeats.increment()
        current.reports.increment(by: reports)
    }

    /// One HTTP request answered.
    func recordRequest(route: String, method: String, status: Int, nanoseconds: Int64) {
        guard let current else { return }
        let (counter, timer) = current.request(RequestKey(route: route, method: method, status: status))
        counter.increment()
        timer.recordNanoseconds(nanoseconds)
    }
}

extension Duration {
    /// Whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole + attoseconds / 1_000_000_000
    }
}
