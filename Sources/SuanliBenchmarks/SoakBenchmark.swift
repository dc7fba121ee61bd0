import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import SuanliAgent
import SuanliClient
import SuanliCore
import SuanliDemo
import SuanliServer
import SuanliStore

/// The soak run behind `suanli bench soak`: a platform with seeded resources and two in-process
/// agents under a steady mix of resolve, discovery, telemetry and submissions (tasks of `true`)
/// at a fixed total rate; per minute: requests, errors, latency percentiles per kind, RSS and
/// tasks completed; at the end a verdict (no errors, memory flat after warm-up).
public struct SoakBenchmark: Sendable {
    /// Minutes to run.
    public var minutes: Int
    /// Requests per second, all kinds together.
    public var rate: Double
    /// Resources seeded for resolve, discovery and telemetry.
    public var resources: Int
    /// Seconds per reporting period (60 for minutes; tests of the command may shorten it).
    public var periodSeconds: Double
    /// Where progress lines go.
    public var log: @Sendable (String) -> Void

    /// Memory counts as flat when every period after the second stays within this share above the second's RSS.
    public static let memoryTolerance = 0.10

    /// The kinds of request, with their shares of the rate.
    enum Kind: String, CaseIterable, Sendable {
        case resolve, discovery, telemetry, submit
        var share: Double {
            switch self {
            case .resolve: 0.6
            case .discovery: 0.1
            case .telemetry: 0.25
            case .submit: 0.05
            }
        }
    }

    /// Creates the run; the defaults are `suanli bench soak`'s.
    public init(minutes: Int = 10, rate: Double = 200, resources: Int = 2_000, periodSeconds: Double = 60, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.minutes = minutes
        self.rate = rate
        self.resources = resources
        self.periodSeconds = periodSeconds
        self.log = log
    }

    /// Latencies and errors of the current period, per kind.
    final class Tally: Sendable {
        struct Period {
            var latencies: [Kind: [Double]] = [:]
            var errors: [Kind: Int] = [:]
            var messages: [String] = []
        }
        let current = Mutex(Period())

        func record(_ kind: Kind, seconds: Double) {
            current.withLock { $0.latencies[kind, default: []].append(seconds * 1000) }
        }

        func fail(_ kind: Kind, _ error: any Error) {
            current.withLock { period in
                period.errors[kind, default: 0] += 1
                if period.messages.count < 20 { period.messages.append("\(kind.rawValue): \(error)") }
            }
        }

        func take() -> Period { current.withLock { period in defer { period = Period() }; return period } }
    }

    /// Runs the soak; returns the figures (`--json` prints them).
    public func run() async throws -> [String: Any] {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let directory = try BenchSupport.temporaryDirectory("soak")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let operatorToken = "bench-operator-token-0000"
        let (platform, server, ports) = try await BenchSupport.platform(
            directory: directory, heartbeatInterval: 5, operatorToken: operatorToken, logger: logger)
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        let (agentsReady, agentsContinuation) = AsyncStream.makeStream(of: [AgentRunner].self)
        let group = ServiceGroup(services: [server, DemoAgents(ready: agentsReady)], logger: logger)
        let figures: [String: Any] = try await withThrowingTaskGroup(of: Void.self) { running in
            running.addTask { try await group.run() }
            var port = 0
            for await p in ports { port = p }
            let url = "http://127.0.0.1:\(port)"
            let op = SuanliClient(server: url, token: operatorToken, httpClient: http)

            // Agents with CPU resources for the submitted tasks.
            let agents = try await BenchSupport.cpuAgents(
                name: "soak", units: 16, operator: op, url: url, http: http, directory: directory, logger: logger)
            agentsContinuation.yield(agents)
            agentsContinuation.finish()
            while !agents.allSatisfy(\.isRegistered) { try await Task.sleep(for: .milliseconds(20)) }

            // Seeded GPU resources of one provider: resolved, discovered, reported on.
            let seeded = try await op.registerProvider(
                ProviderRegistration(name: "soak-seeded", contact: "bench", location: "city.beijing", renewable: 0.3, pue: 1.3))
            let provider = SuanliClient(server: url, token: seeded.token, httpClient: http)
            let models = ["NVIDIA H100-SXM5-80GB", "Huawei Ascend 910B", "NVIDIA A100-SXM4-40GB"]
            try await withThrowingTaskGroup(of: String.self) { seeding in
                for lane in 0..<8 {
                    seeding.addTask {
                        var i = lane
                        var last = ""
                        while i < resources {
                            let id = "\(seeded.prefix)/soak/gpu-\(i)"
                            let spec = ResourceSpec(
                                kind: .gpu, arch: "x86_64", model: models[i % models.count], units: 8, memoryGiB: 80,
                                tflops: TFLOPS(fp16: 989), location: "city.beijing", priceFenPerUnitHour: 800 + Int64(i % 50),
                                labels: ["rack": "r\(i % 20)"])
                            _ = try await provider.putResource(id, spec)
                            last = id
                            i += 8
                        }
                        return last
                    }
                }
                for try await _ in seeding {}
            }
            let ids = (0..<resources).map { "\(seeded.prefix)/soak/gpu-\($0)" }
            // Discovery is rate-limited per token (20/s by default): spread it over enough consumers.
            let discoveryRate = rate * Kind.discovery.share
            var registered: [SuanliClient] = []
            for i in 0..<max(1, Int((discoveryRate / 10).rounded(.up))) {
                let consumer = try await op.registerConsumer(ConsumerRegistration(name: "soak-\(i)"))
                registered.append(SuanliClient(server: url, token: consumer.token, httpClient: http))
            }
            let consumers = registered
            let anonymous = SuanliClient(server: url, httpClient: http)
            let task = TaskSpec(
                name: "soak", units: 1, accept: [TaskSpec.Alternative(kind: .cpu, run: TaskSpec.Run(command: ["true"]))],
                durationS: 1, objective: .cheapest)
            let queries = [
                DiscoveryQuery(kind: .gpu, limit: 20), DiscoveryQuery(model: "Huawei Ascend 910B", minFree: 2, limit: 20),
                DiscoveryQuery(kind: .gpu, near: "city.shanghai", maxRttMs: 40, limit: 10), DiscoveryQuery(kind: .cpu, limit: 10),
            ]

            log(
                "Suanli soak: \(minutes) × \(Int(periodSeconds)) s at \(Int(rate)) req/s (resolve 60 %, telemetry 25 %, discovery 10 %, submissions 5 %), \(resources) seeded resources, 2 agents × 16 cores running `true`"
            )
            let tally = Tally()
            let start = ContinuousClock.now
            let end = start + .milliseconds(Int(Double(minutes) * periodSeconds * 1000))
            let baseTasks = (platform.taskCounts()[.succeeded] ?? 0)
            var periods: [[String: Any]] = []
            var totalErrors = 0
            var messages: [String] = []
            try await withThrowingTaskGroup(of: Void.self) { load in
                // Each kind: `lanes` paced loops; lane k fires at start + (k + n × lanes) / rate_kind.
                for kind in Kind.allCases {
                    let kindRate = rate * kind.share
                    let lanes = max(1, min(16, Int(kindRate / 5)))
                    let interval = Double(lanes) / kindRate
                    for lane in 0..<lanes {
                        load.addTask {
                            var n = 0
                            var rng = SplitMix64(seed: UInt64(lane * 31 + kind.rawValue.count))
                            while true {
                                let due = start + .milliseconds(Int((Double(lane) / kindRate + Double(n) * interval) * 1000))
                                guard due < end else { return }
                                try await Task.sleep(until: due, clock: .continuous)
                                n += 1
                                let began = ContinuousClock.now
                                do {
                                    switch kind {
                                    case .resolve:
                                        _ = try await anonymous.resolve(ids[Int(rng.next() % UInt64(ids.count))])
                                    case .discovery:
                                        let client = consumers[Int(rng.next() % UInt64(consumers.count))]
                                        _ = try await client.find(queries[Int(rng.next() % UInt64(queries.count))])
                                    case .telemetry:
                                        let reports = (0..<10).map { _ in
                                            TelemetryReport(
                                                id: ids[Int(rng.next() % UInt64(ids.count))], freeUnits: Int(rng.next() % 9), healthy: true,
                                                utilization: Double(rng.next() % 100) / 100)
                                        }
                                        _ = try await provider.report(reports)
                                    case .submit:
                                        _ = try await consumers[0].submit(task)
                                    }
                                    tally.record(kind, seconds: BenchSupport.seconds(ContinuousClock.now - began))
                                } catch {
                                    tally.fail(kind, error)
                                }
                            }
                        }
                    }
                }
                // The reporter: one line per period.
                var lastSucceeded = baseTasks
                for period in 1...minutes {
                    try await Task.sleep(until: start + .milliseconds(Int(Double(period) * periodSeconds * 1000)), clock: .continuous)
                    let taken = tally.take()
                    let counts = platform.taskCounts()
                    let succeeded = counts[.succeeded] ?? 0
                    let failedTasks = Self.failed(counts)
                    let rss = BenchSupport.residentBytes()
                    let sqlite = SQLiteStore.memoryUsed
                    let memory = platform.taskMemory()
                    var row: [String: Any] = [
                        "period": period, "rss_mib": Double(rss) / 1_048_576, "sqlite_mib": Double(sqlite) / 1_048_576,
                        "tasks_completed": succeeded - lastSucceeded, "tasks_in_memory": memory.inMemory, "tasks_archived": memory.archived,
                        "tasks_failed_total": failedTasks,
                    ]
                    lastSucceeded = succeeded
                    var parts: [String] = []
                    var errors = 0
                    for kind in Kind.allCases {
                        let values = (taken.latencies[kind] ?? []).sorted()
                        let kindErrors = taken.errors[kind] ?? 0
                        errors += kindErrors
                        row[kind.rawValue] = [
                            "requests": values.count + kindErrors, "errors": kindErrors, "p50_ms": BenchSupport.percentile(values, 0.5),
                            "p99_ms": BenchSupport.percentile(values, 0.99), "max_ms": values.last ?? 0,
                        ]
                        parts.append(
                            String(
                                format: "%@ %d (p50 %.1f p99 %.1f max %.1f ms)", kind.rawValue, values.count + kindErrors,
                                BenchSupport.percentile(values, 0.5), BenchSupport.percentile(values, 0.99), values.last ?? 0))
                    }
                    errors += failedTasks - (periods.last?["tasks_failed_total"] as? Int ?? 0)
                    row["errors"] = errors
                    totalErrors += errors
                    messages += taken.messages
                    periods.append(row)
                    log(
                        String(
                            format: "  %2d: %@; errors %d; tasks done %d (in memory %d, archived %d); RSS %.1f MiB (SQLite's caches %.1f MiB)", period,
                            parts.joined(separator: ", "), errors, row["tasks_completed"] as! Int, memory.inMemory, memory.archived,
                            Double(rss) / 1_048_576, Double(sqlite) / 1_048_576))
                    for message in taken.messages { log("      error: \(message)") }
                }
                try await load.waitForAll()
            }
            // Let the last submitted tasks finish (bounded).
            let drainDeadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < drainDeadline {
                let counts = platform.taskCounts()
                if Self.unfinished(counts) == 0 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let counts = platform.taskCounts()
            try await http.shutdown()
            await group.triggerGracefulShutdown()
            try await running.waitForAll()

            let rss = periods.compactMap { $0["rss_mib"] as? Double }
            let baseline = rss.count >= 2 ? rss[1] : rss.first ?? 0
            let worst = rss.count > 2 ? rss[2...].max() ?? baseline : baseline
            let flat = worst <= baseline * (1 + Self.memoryTolerance)
            let verdict = totalErrors == 0 && flat
            log(
                String(
                    format: "  verdict: %@ — errors %d; memory %@ (max RSS after period 2 %.1f MiB vs period 2 %.1f MiB, tolerance +%.0f %%); tasks succeeded %d, failed %d, unfinished %d",
                    verdict ? "PASS" : "FAIL", totalErrors, flat ? "flat" : "GROWING", worst, baseline, Self.memoryTolerance * 100,
                    counts[.succeeded] ?? 0, Self.failed(counts),
                    Self.unfinished(counts)))
            return [
                "minutes": minutes, "rate": rate, "period_s": periodSeconds, "resources": resources, "periods": periods,
                "errors": totalErrors, "error_messages": messages, "memory_flat": flat, "rss_baseline_mib": baseline,
                "rss_max_after_warmup_mib": worst, "memory_tolerance": Self.memoryTolerance, "pass": verdict,
                "tasks_succeeded": counts[.succeeded] ?? 0,
            ]
        }
        await platform.close()
        return figures
    }

    /// Tasks not yet in a final state.
    static func unfinished(_ counts: [TaskState: Int]) -> Int {
        [TaskState.queued, .scheduled, .starting, .running].reduce(0) { $0 + (counts[$1] ?? 0) }
    }

    /// Tasks that ended without succeeding (none is cancelled here).
    static func failed(_ counts: [TaskState: Int]) -> Int {
        [TaskState.failed, .lost, .expired, .rejected, .cancelled].reduce(0) { $0 + (counts[$1] ?? 0) }
    }
}
