import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import SuanliClient
import SuanliCore
import SuanliServer
import SuanliStore

/// The benchmark behind `suanli bench drain`: `/healthz` and `GET /v1/resolve/{id}` latency over
/// HTTP on an idle platform, then again while the platform drains a large queue (all capacity
/// made busy by telemetry, tasks submitted so that they queue, then all capacity freed at once).
public struct DrainLatencyBenchmark: Sendable {
    /// Tasks queued and then drained.
    public var tasks: Int
    /// CPU resources registered (spread over the providers).
    public var resources: Int
    /// Units each resource offers.
    public var unitsPerResource: Int
    /// Providers (each in its own location) the resources are spread over.
    public var providers: Int
    /// Concurrent request loops per probed endpoint (`/healthz` and resolve each).
    public var loops: Int
    /// Seconds the idle phase probes.
    public var idleSeconds: Double
    /// Concurrent submitters while queueing the tasks.
    public var concurrency: Int
    /// Upper bound in seconds for the drain phase (the benchmark stops there even if tasks still wait).
    public var drainTimeoutSeconds: Double
    /// Where progress lines go.
    public var log: @Sendable (String) -> Void

    /// Locations the providers are put in, in turn.
    static let locations = [
        "city.shanghai", "cluster.guian", "city.beijing", "city.chengdu", "city.guangzhou", "city.hangzhou",
        "city.wuhan", "city.xian",
    ]

    /// Creates the benchmark; the defaults are `suanli bench drain`'s.
    public init(
        tasks: Int = 20_000, resources: Int = 2_000, unitsPerResource: Int = 16, providers: Int = 8, loops: Int = 2,
        idleSeconds: Double = 3, concurrency: Int = 32, drainTimeoutSeconds: Double = 300,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.tasks = tasks
        self.resources = resources
        self.unitsPerResource = unitsPerResource
        self.providers = providers
        self.loops = loops
        self.idleSeconds = idleSeconds
        self.concurrency = concurrency
        self.drainTimeoutSeconds = drainTimeoutSeconds
        self.log = log
    }

    /// Latencies (milliseconds) of the probed endpoints during one phase.
    struct Samples: Sendable {
        var healthz: [Double] = []
        var resolve: [Double] = []
        var errors = 0
        var seconds = 0.0

        mutating func add(_ other: Samples) {
            healthz += other.healthz
            resolve += other.resolve
            errors += other.errors
        }
    }

    /// A flag set once by the phase's controller and read by the probe loops.
    final class StopFlag: Sendable {
        let raised = Atomic<Bool>(false)
        func raise() { raised.store(true, ordering: .releasing) }
        var isRaised: Bool { raised.load(ordering: .acquiring) }
    }

    /// Durations (seconds) recorded by concurrent tasks.
    final class Timings: Sendable {
        let values = Mutex<[Double]>([])
    }

    /// Runs the benchmark, logging progress and a summary; returns the figures (`--json` prints them).
    public func run() async throws -> [String: Any] {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let directory = try BenchSupport.temporaryDirectory("drain")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let operatorToken = "bench-operator-token-0000"
        // A long heartbeat interval: no agent runs, and telemetry is the only sign of life.
        let (platform, server, ports) = try await BenchSupport.platform(
            directory: directory, heartbeatInterval: 120, operatorToken: operatorToken, logger: logger)
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency + 2 * loops + providers + 16)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        let group = ServiceGroup(services: [server], logger: logger)
        let figures: [String: Any] = try await withThrowingTaskGroup(of: Void.self) { running in
            running.addTask { try await group.run() }
            var port = 0
            for await p in ports { port = p }
            let url = "http://127.0.0.1:\(port)"
            do {
                let figures = try await measure(url: url, operatorToken: operatorToken, platform: platform, http: http)
                try await http.shutdown()
                await group.triggerGracefulShutdown()
                try await running.waitForAll()
                return figures
            } catch {
                try? await http.shutdown()
                await group.triggerGracefulShutdown()
                try? await running.waitForAll()
                throw error
            }
        }
        await platform.close()
        report(figures)
        return figures
    }

    /// The three phases against a running server at `url`.
    func measure(url: String, operatorToken: String, platform: Platform, http: HTTPClient) async throws -> [String: Any] {
        let op = SuanliClient(server: url, token: operatorToken, httpClient: http)
        log(
            "Suanli drain-latency benchmark: \(resources) CPU resources × \(unitsPerResource) units over \(providers) providers, "
                + "\(tasks) queued tasks, \(loops) loop(s) per endpoint")
        // 1. Providers and resources.
        var owners: [(client: SuanliClient, ids: [String])] = []
        let setup = ContinuousClock.now
        for i in 0..<providers {
            let location = Self.locations[i % Self.locations.count]
            let provider = try await op.registerProvider(
                ProviderRegistration(name: "drain-\(i)", contact: "bench", location: location, renewable: 0.5, pue: 1.2))
            let count = resources / providers + (i < resources % providers ? 1 : 0)
            owners.append(
                (SuanliClient(server: url, token: provider.token, httpClient: http), (0..<count).map { "\(provider.prefix)/bench/cpu-\($0)" }))
        }
        try await withThrowingTaskGroup(of: Void.self) { putters in
            for (i, owner) in owners.enumerated() {
                let spec = ResourceSpec(
                    kind: .cpu, arch: "x86_64", model: "bench-cpu", units: unitsPerResource, memoryGiB: 1,
                    location: Self.locations[i % Self.locations.count], priceFenPerUnitHour: 10)
                for lane in 0..<4 {
                    putters.addTask {
                        for id in owner.ids.enumerated().filter({ $0.offset % 4 == lane }).map(\.element) {
                            _ = try await owner.client.putResource(id, spec)
                        }
                    }
                }
            }
            try await putters.waitForAll()
        }
        let allIDs = owners.flatMap(\.ids)
        log(String(format: "  registered %d resources in %.1f s", allIDs.count, BenchSupport.seconds(ContinuousClock.now - setup)))
        let consumer = try await op.registerConsumer(ConsumerRegistration(name: "drain-bench"))
        let client = SuanliClient(server: url, token: consumer.token, httpClient: http)

        // 2. Idle.
        let idleStop = StopFlag()
        let idle = try await probe(client: client, ids: allIDs, stop: idleStop) {
            try await Task.sleep(for: .seconds(idleSeconds))
        }
        log(line("idle", idle))

        // 3. All capacity busy, then the tasks queue.
        try await withThrowingTaskGroup(of: Void.self) { reporters in
            for owner in owners {
                reporters.addTask {
                    for start in stride(from: 0, to: owner.ids.count, by: TelemetryBatch.maxReports) {
                        let chunk = owner.ids[start..<min(owner.ids.count, start + TelemetryBatch.maxReports)]
                        _ = try await owner.client.report(chunk.map { TelemetryReport(id: $0, freeUnits: 0, healthy: true) })
                    }
                }
            }
            try await reporters.waitForAll()
        }
        let spec = TaskSpec(
            name: "drain", units: 1, accept: [TaskSpec.Alternative(kind: .cpu, run: TaskSpec.Run(command: ["true"]))],
            durationS: 60, objective: .cheapest)
        let submitStart = ContinuousClock.now
        let notQueued: Int = try await withThrowingTaskGroup(of: Int.self) { submitters in
            for lane in 0..<concurrency {
                submitters.addTask {
                    var placed = 0
                    var i = lane
                    while i < tasks {
                        if try await client.submit(spec).state != .queued { placed += 1 }
                        i += concurrency
                    }
                    return placed
                }
            }
            return try await submitters.reduce(0, +)
        }
        let submitSeconds = BenchSupport.seconds(ContinuousClock.now - submitStart)
        let queuedBefore = platform.taskCounts()[.queued] ?? 0
        log(
            String(
                format: "  submitted %d tasks in %.1f s (%.0f/s) with all capacity busy: %d queued, %d not queued at submission",
                tasks, submitSeconds, Double(tasks) / submitSeconds, queuedBefore, notQueued))

        // 4. Free all capacity at once and probe while the queue drains.
        let drainStop = StopFlag()
        let freeing = Timings()
        let drainStart = ContinuousClock.now
        let deadline = drainStart + .milliseconds(Int64(drainTimeoutSeconds * 1000))
        let units = unitsPerResource
        let registered = owners
        var drain = try await probe(client: client, ids: allIDs, stop: drainStop) {
            try await withThrowingTaskGroup(of: Void.self) { reporters in
                for owner in registered {
                    reporters.addTask {
                        for start in stride(from: 0, to: owner.ids.count, by: TelemetryBatch.maxReports) {
                            let chunk = owner.ids[start..<min(owner.ids.count, start + TelemetryBatch.maxReports)]
                            let at = ContinuousClock.now
                            _ = try await owner.client.report(chunk.map { TelemetryReport(id: $0, freeUnits: units, healthy: true) })
                            let seconds = BenchSupport.seconds(ContinuousClock.now - at)
                            freeing.values.withLock { $0.append(seconds) }
                        }
                    }
                }
                reporters.addTask {
                    while (platform.taskCounts()[.queued] ?? 0) > 0, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
                try await reporters.waitForAll()
            }
        }
        let drainSeconds = BenchSupport.seconds(ContinuousClock.now - drainStart)
        drain.seconds = drainSeconds
        let counts = platform.taskCounts()
        let stillQueued = counts[.queued] ?? 0
        let placed = queuedBefore - stillQueued
        let freeRequests = freeing.values.withLock { $0 }
        log(line("during drain", drain))
        log(
            String(
                format: "  drain: %d tasks placed in %.2f s (%.0f placed/s); slowest freeing telemetry request %.2f s",
                placed, drainSeconds, Double(placed) / max(drainSeconds, 1e-9), freeRequests.max() ?? 0)
                + (stillQueued > 0 ? " — stopped at the bound with \(stillQueued) still queued" : ""))

        var figures: [String: Any] = [
            "tasks": tasks, "resources": allIDs.count, "units_per_resource": unitsPerResource, "providers": providers,
            "loops_per_endpoint": loops, "submit_per_s": Double(tasks) / submitSeconds, "queued_before_drain": queuedBefore,
            "not_queued_at_submission": notQueued, "drain_s": drainSeconds, "drain_placed": placed,
            "drain_still_queued": stillQueued, "drain_placed_per_s": Double(placed) / max(drainSeconds, 1e-9),
            "drain_freeing_request_max_s": freeRequests.max() ?? 0, "idle_seconds": idle.seconds,
            "idle_errors": idle.errors, "drain_errors": drain.errors,
        ]
        for (phase, samples) in [("idle", idle), ("drain", drain)] {
            for (endpoint, values) in [("healthz", samples.healthz), ("resolve", samples.resolve)] {
                figures["\(phase)_\(endpoint)_samples"] = values.count
                figures["\(phase)_\(endpoint)_p50_ms"] = Self.percentile(values, 0.5)
                figures["\(phase)_\(endpoint)_p99_ms"] = Self.percentile(values, 0.99)
                figures["\(phase)_\(endpoint)_max_ms"] = values.max() ?? 0
            }
        }
        for endpoint in ["healthz", "resolve"] {
            let idleP99 = figures["idle_\(endpoint)_p99_ms"] as! Double
            let drainP99 = figures["drain_\(endpoint)_p99_ms"] as! Double
            figures["\(endpoint)_p99_drain_minus_idle_ms"] = drainP99 - idleP99
            figures["\(endpoint)_p99_drain_over_idle"] = idleP99 > 0 ? drainP99 / idleP99 : 0
        }
        return figures
    }

    /// Runs `loops` request loops per endpoint until `body` returns (then raises `stop`); the
    /// latencies of every request answered, and the phase's length in seconds.
    func probe(
        client: SuanliClient, ids: [String], stop: StopFlag, during body: @escaping @Sendable () async throws -> Void
    ) async throws -> Samples {
        let start = ContinuousClock.now
        let healthPath = Endpoints.health.path()
        var samples: Samples = try await withThrowingTaskGroup(of: Samples.self) { probes in
            for lane in 0..<(2 * loops) {
                probes.addTask {
                    var mine = Samples()
                    var generator = SystemRandomNumberGenerator()
                    while !stop.isRaised {
                        let resolving = lane % 2 == 1
                        let path = resolving ? Endpoints.resolve.path(ids.randomElement(using: &generator) ?? "") : healthPath
                        let at = ContinuousClock.now
                        do {
                            _ = try await client.raw(.GET, path, body: nil)
                            let ms = BenchSupport.seconds(ContinuousClock.now - at) * 1000
                            if resolving { mine.resolve.append(ms) } else { mine.healthz.append(ms) }
                        } catch {
                            mine.errors += 1
                            try await Task.sleep(for: .milliseconds(1))
                        }
                    }
                    return mine
                }
            }
            probes.addTask {
                defer { stop.raise() }
                try await body()
                return Samples()
            }
            var all = Samples()
            for try await part in probes { all.add(part) }
            return all
        }
        samples.seconds = BenchSupport.seconds(ContinuousClock.now - start)
        return samples
    }

    /// The `q` quantile of `values`, in any order (0 when empty).
    static func percentile(_ values: [Double], _ q: Double) -> Double { BenchSupport.percentile(values.sorted(), q) }

    /// One progress line for a phase.
    func line(_ phase: String, _ s: Samples) -> String {
        "  \(phase) "
            + String(
            format: "(%.1f s): /healthz p50 %.2f ms, p99 %.2f ms, max %.1f ms (%d); resolve p50 %.2f ms, p99 %.2f ms, max %.1f ms (%d); %d errors",
            s.seconds, Self.percentile(s.healthz, 0.5), Self.percentile(s.healthz, 0.99), s.healthz.max() ?? 0, s.healthz.count,
            Self.percentile(s.resolve, 0.5), Self.percentile(s.resolve, 0.99), s.resolve.max() ?? 0, s.resolve.count, s.errors)
    }

    /// The summary: p99 during the drain against idle, per endpoint.
    func report(_ figures: [String: Any]) {
        for endpoint in ["healthz", "resolve"] {
            log(
                "  \(endpoint == "healthz" ? "/healthz" : "resolve") "
                + String(
                    format: "p99: idle %.2f ms, during drain %.2f ms (%+.2f ms, %.1fx)",
                    figures["idle_\(endpoint)_p99_ms"] as! Double, figures["drain_\(endpoint)_p99_ms"] as! Double,
                    figures["\(endpoint)_p99_drain_minus_idle_ms"] as! Double, figures["\(endpoint)_p99_drain_over_idle"] as! Double))
        }
    }
}
