import AsyncHTTPClient
import Foundation
import SuanliAgent
import SuanliClient
import SuanliCore
import Synchronization

/// `suanli bench cluster`: request rates with 1, 2 and 3 `suanli serve --database` instances on
/// one PostgreSQL, next to one SQLite instance; the load is spread over the instances in turn
/// (as a load balancer would), so with several instances most requests go through a standby.
/// Also how soon a write acknowledged by one instance is readable through another.
///
/// Every instance is a child process of the given executable, so the figures include the real
/// HTTP hops; on one machine the instances share its cores with PostgreSQL and the load
/// generator, so the ratios, not the absolute rates, are the result.
public struct ClusterBenchmark: Sendable {
    /// The PostgreSQL to use (each configuration in a schema of its own).
    public var databaseURL: String
    /// The `suanli` executable to start instances from.
    public var executable: String
    /// Seconds each operation is measured for.
    public var seconds: Double
    /// Concurrent request loops per operation.
    public var concurrency: Int
    /// Resources registered (resolved, discovered, reported on).
    public var resources: Int
    /// Instance counts on PostgreSQL.
    public var instanceCounts: [Int]
    let log: @Sendable (String) -> Void

    /// Creates the benchmark.
    public init(
        databaseURL: String, executable: String, seconds: Double = 3, concurrency: Int = 16, resources: Int = 200,
        instanceCounts: [Int] = [1, 2, 3], log: @escaping @Sendable (String) -> Void
    ) {
        self.databaseURL = databaseURL
        self.executable = executable
        self.seconds = seconds
        self.concurrency = concurrency
        self.resources = resources
        self.instanceCounts = instanceCounts
        self.log = log
    }

    static let token = "bench-cluster-operator-token-0000"
    static let operations = ["resolve", "discovery", "telemetry", "submit"]

    /// Runs every configuration; returns the figures.
    public func run() async throws -> [String: Any] {
        var configurations: [[String: Any]] = []
        var baseline: [String: Double] = [:]
        let setups: [(String, Int, Bool)] = [("sqlite x1", 1, false)] + instanceCounts.map { ("postgres x\($0)", $0, true) }
        for (name, count, postgres) in setups {
            let schema = "bench_" + UUID().uuidString.prefix(8).lowercased()
            let database = postgres ? databaseURL + (databaseURL.contains("?") ? "&" : "?") + "schema=\(schema)" : nil
            var servers: [ChildServer] = []
            defer { for server in servers { server.stop() } }
            for _ in 0..<count { servers.append(try ChildServer(executable: executable, database: database, token: Self.token)) }
            let urls = servers.map(\.url)
            if postgres { try await waitForLeader(urls) }
            let (ids, providerToken, consumerToken) = try await seed(urls[0])
            var figures: [String: Any] = ["name": name, "instances": count]
            var line = "\(name.padding(toLength: 12, withPad: " ", startingAt: 0))"
            for operation in Self.operations {
                let rate = try await measure(operation, urls: urls, ids: ids, provider: providerToken, consumer: consumerToken)
                figures["\(operation)_per_s"] = rate
                if !postgres { baseline[operation] = rate }
                let ratio = baseline[operation].map { $0 > 0 ? rate / $0 : 0 } ?? 1
                figures["\(operation)_ratio"] = ratio
                line += "  \(operation) \(BenchSupport.rate(rate))/s (\(String(format: "%.2f", ratio))×)"
            }
            if count > 1 {
                let lag = try await visibility(urls, ids: ids, provider: providerToken)
                figures["visible_elsewhere_p50_ms"] = lag.p50
                figures["visible_elsewhere_p99_ms"] = lag.p99
                figures["visible_elsewhere_retries"] = lag.retries
                line += String(format: "  write→read elsewhere p50 %.1f ms p99 %.1f ms (%d retries)", lag.p50, lag.p99, lag.retries)
            }
            log(line)
            configurations.append(figures)
        }
        return ["configurations": configurations, "seconds": seconds, "concurrency": concurrency, "resources": resources]
    }

    private func waitForLeader(_ urls: [String]) async throws {
        let client = SuanliClient(server: urls[0], token: Self.token)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let (_, data) = try? await client.raw(.GET, Endpoints.platformInstances.path(), body: nil),
                let list = try? SuanliJSON.decoder().decode(ItemList<PlatformInstance>.self, from: data),
                list.items.count == urls.count, list.items.filter(\.leader).count == 1
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SuanliError(.unavailable, "the instances did not elect a leader within 30 s")
    }

    /// A provider with `resources` GPU resources (reported on), and a consumer.
    private func seed(_ url: String) async throws -> (ids: [String], provider: String, consumer: String) {
        let op = SuanliClient(server: url, token: Self.token)
        let provider = try await op.registerProvider(
            ProviderRegistration(name: "bench", contact: "bench@example.com", location: "cluster.zhangjiakou", renewable: 0.5, pue: 1.2))
        let consumer = try await op.registerConsumer(ConsumerRegistration(name: "bench"))
        let client = SuanliClient(server: url, token: provider.token)
        let ids = (0..<resources).map { "\(provider.prefix)/n\($0)" }
        let spec = ResourceSpec(
            kind: .gpu, arch: "x86_64", model: "NVIDIA A100-SXM4-80GB", units: 8, memoryGiB: 80, location: "cluster.zhangjiakou",
            priceFenPerUnitHour: 900)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    for index in stride(from: lane, to: ids.count, by: 8) { _ = try await client.putResource(ids[index], spec) }
                }
            }
            try await group.waitForAll()
        }
        _ = try await client.report(ids.map { TelemetryReport(id: $0, freeUnits: 8, healthy: true) })
        return (ids, provider.token ?? "", consumer.token ?? "")
    }

    /// Requests per second of `operation` over `seconds`, `concurrency` loops spread over `urls`.
    private func measure(
        _ operation: String, urls: [String], ids: [String], provider: String, consumer: String
    ) async throws -> Double {
        let counts = Counts()
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for loop in 0..<concurrency {
                let url = urls[loop % urls.count]
                group.addTask {
                    let reader = SuanliClient(server: url)
                    let providerClient = SuanliClient(server: url, token: provider)
                    let consumerClient = SuanliClient(server: url, token: consumer)
                    var index = loop
                    while ContinuousClock.now < deadline {
                        index = (index &* 1_103_515_245 &+ 12_345) & 0x7fff_ffff
                        let id = ids[index % ids.count]
                        do {
                            switch operation {
                            case "resolve": _ = try await reader.resolve(id)
                            case "discovery": _ = try await reader.find(DiscoveryQuery(kind: .gpu, limit: 10))
                            case "telemetry":
                                _ = try await providerClient.report([TelemetryReport(id: id, freeUnits: index % 9, healthy: true)])
                            default:
                                _ = try await consumerClient.submit(
                                    TaskSpec(name: "b", units: 1, accept: [TaskSpec.Alternative(kind: .gpu, run: TaskSpec.Run(command: ["true"]))]))
                            }
                            counts.done.add(1, ordering: .relaxed)
                        } catch {
                            counts.failed.add(1, ordering: .relaxed)
                        }
                    }
                }
            }
        }
        let elapsed = BenchSupport.seconds(ContinuousClock.now - started)
        let failures = counts.failed.load(ordering: .relaxed)
        if failures > 0 { log("  \(operation): \(failures) requests failed") }
        return Double(counts.done.load(ordering: .relaxed)) / elapsed
    }

    /// Writes through one instance and reads through another right after the acknowledgement:
    /// milliseconds from the acknowledgement until the read shows the write (retries count
    /// reads that did not, which the design says never happens).
    private func visibility(_ urls: [String], ids: [String], provider: String) async throws -> (p50: Double, p99: Double, retries: Int) {
        var samples: [Double] = []
        var retries = 0
        for round in 0..<100 {
            let writer = SuanliClient(server: urls[round % urls.count], token: provider)
            let reader = SuanliClient(server: urls[(round + 1) % urls.count])
            let id = ids[round % ids.count]
            let free = round % 8
            _ = try await writer.report([TelemetryReport(id: id, freeUnits: free, healthy: true)])
            let acknowledged = ContinuousClock.now
            while try await reader.resolve(id).state.freeUnits != free {
                retries += 1
                if retries > 10_000 { throw SuanliError(.unavailable, "a write never became visible through another instance") }
            }
            samples.append(BenchSupport.seconds(ContinuousClock.now - acknowledged) * 1000)
        }
        samples.sort()
        return (samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 99 / 100)], retries)
    }
}

/// Requests done and failed, counted by concurrent loops.
final class Counts: Sendable {
    let done = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
}

/// One `suanli serve` child process on an ephemeral port.
final class ChildServer: Sendable {
    let process: ChildProcess
    let url: String

    init(executable: String, database: String?, token: String) throws {
        let data = try BenchSupport.temporaryDirectory("cluster-bench")
        process = try ChildProcess(
            [executable, "serve", "--port", "0", "--data", data, "--operator-token", token, "--log-level", "error", "--rate-limit", "discovery=off"]
                + (database.map { ["--database", $0, "--lease", "5"] } ?? []),
            standardOutput: .pipe)
        let line = process.readLine() ?? ""
        guard let range = line.range(of: "http://127.0.0.1:") else {
            process.signal(SIGTERM)
            throw SuanliError(.unavailable, "suanli serve did not start: \(line)")
        }
        url = "http://127.0.0.1:" + line[range.upperBound...].prefix { $0.isNumber }
    }

    func stop() {
        guard process.isRunning else { return }
        process.signal(SIGINT)
        process.waitUntilExit()
    }
}
