import AsyncHTTPClient
import Foundation
import SuanliAgent
import Logging
import ServiceLifecycle
import SuanliClient
import SuanliCore
import SuanliRegistry
import SuanliServer
import SuanliSimulation
import SuanliStore

/// The registry benchmark behind `suanli bench registry`: store write, load (restart) time,
/// memory per resource, resolves/s, discovery latency and HTTP resolves/s at scale.
public struct RegistryBenchmark: Sendable {
    /// Resources to register.
    public var resources: Int
    /// Concurrent HTTP clients for the loopback phase.
    public var httpConcurrency: Int
    /// Seconds of HTTP load.
    public var httpSeconds: Double
    /// Seed of the synthetic network.
    public var seed: UInt64
    /// Where progress lines go.
    public var log: @Sendable (String) -> Void

    /// Creates the benchmark; the defaults are `suanli bench registry`'s.
    public init(
        resources: Int = 1_000_000, httpConcurrency: Int = 32, httpSeconds: Double = 3, seed: UInt64 = 7,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.resources = resources
        self.httpConcurrency = httpConcurrency
        self.httpSeconds = httpSeconds
        self.seed = seed
        self.log = log
    }

    /// Runs every phase, logging progress; returns the figures (`--json` prints them).
    public func run() async throws -> [String: Any] {
        var figures: [String: Any] = ["resources": resources]
        let directory = try BenchSupport.temporaryDirectory("bench")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let dbPath = directory + "/suanli.sqlite"
        let network = SyntheticNetwork(providers: max(36, resources / 2000), resources: resources, seed: seed)
        let platformPrefix = Prefix(segments: [86, 1])!
        let now = Date()
        log("Suanli registry benchmark: \(BenchSupport.rate(Double(resources))) resources, \(network.providers.count) providers")

        // 1. Write the network to SQLite (the path `serve` restarts from).
        var sample: [String] = []
        let writeSeconds = try await BenchSupport.time {
            let store = try SQLiteStore(path: dbPath)
            var mutations: [StoreMutation] = network.providers.enumerated().map { i, p in
                .putProvider(
                    StoredProvider(
                        prefix: platformPrefix.child(UInt32(i + 1))!, registration: p.registration,
                        tokenHash: "bench-\(i)", createdAt: now))
            }
            var rng = SplitMix64(seed: seed)
            for i in 0..<resources {
                let r = network.resource(i)
                let prefix = platformPrefix.child(UInt32(r.provider + 1))!
                let id = try Identifier(prefix: prefix, suffix: r.suffix)
                if sample.count < 100_000 && rng.next() % UInt64(max(1, resources / 100_000)) == 0 { sample.append(id.string) }
                mutations.append(
                    .putResource(
                        StoredResource(
                            id: id, seq: UInt64(i + 1), provider: prefix, spec: r.spec, version: 1, createdAt: now,
                            updatedAt: now),
                        StoredState(id: id.string, freeUnits: r.spec.units, healthy: true, utilization: nil, heartbeatAt: now.timeIntervalSince1970)))
                if mutations.count >= 50_000 {
                    try await store.apply(mutations)
                    mutations.removeAll(keepingCapacity: true)
                }
            }
            try await store.apply(mutations)
            await store.close()
        }
        figures["store_write_s"] = writeSeconds
        log(String(format: "  store write (SQLite, batched, fsynced): %.2f s  (%@ resources/s)", writeSeconds, BenchSupport.rate(Double(resources) / writeSeconds)))

        // 2. Load into memory, as a restart does; measure time and resident memory.
        BenchSupport.trimHeap()
        let rssBefore = BenchSupport.residentBytes()
        let store = try SQLiteStore(path: dbPath)
        let loaded = LoadedRegistry()
        let loadSeconds = try await BenchSupport.time {
            for provider in try await store.loadProviders() { loaded.registry.addProvider(provider) }
            try await store.forEachResource { resource, state in loaded.registry.load(resource, state: state) }
        }
        await store.close()
        BenchSupport.trimHeap()
        let bytesPerResource = Double(BenchSupport.residentBytes() - rssBefore) / Double(resources)
        figures["load_s"] = loadSeconds
        figures["bytes_per_resource"] = bytesPerResource
        log(String(format: "  load into memory (restart): %.2f s  (target < 10 s at 1M: %.2fx of budget)", loadSeconds, loadSeconds / 10 * 1_000_000 / Double(resources)))
        log(String(format: "  memory per resource (RSS delta): %.0f bytes  (target <= 1024: %.2fx of budget)", bytesPerResource, bytesPerResource / 1024))

        var registry = loaded.registry
        registry.heartbeatTimeout = 1e9

        // 3. In-process resolves.
        let resolveCount = 3_000_000
        var found = 0
        let frozen = registry
        let resolveSeconds = BenchSupport.time { found = Self.resolveLoop(frozen, sample, count: resolveCount, now: now) }
        precondition(found == resolveCount, "benchmark ids must resolve")
        let resolvesPerSecond = Double(resolveCount) / resolveSeconds
        figures["resolves_per_s"] = resolvesPerSecond
        log("  in-process resolves, 1 thread: \(BenchSupport.rate(resolvesPerSecond))/s, full records (target >= 5,000,000/s: \(String(format: "%.2f", resolvesPerSecond / 5_000_000))x)")
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let fixedSample = sample
        let parallelSeconds = BenchSupport.time {
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                let cut = t * fixedSample.count / threads
                let ids = Array(fixedSample[cut...] + fixedSample[..<cut])
                _ = Self.resolveLoop(frozen, ids, count: resolveCount, now: now)
            }
        }
        let parallelRate = Double(resolveCount * threads) / parallelSeconds
        figures["resolves_per_s_all_cores"] = parallelRate
        figures["cores"] = threads
        log("  in-process resolves, \(threads) threads: \(BenchSupport.rate(parallelRate))/s (\(String(format: "%.2f", parallelRate / 5_000_000))x of target)")

        // The batch path (`POST /v1/resolve`): lookups of a group overlap in memory. Each batch's
        // identifiers are copied into strings allocated one after another, as decoding a
        // request's body allocates them.
        let batches = stride(from: 0, to: max(0, sample.count - 99), by: 100).map { start in
            fixedSample[start..<start + 100].map { String(decoding: Array($0.utf8), as: UTF8.self) }
        }
        if !batches.isEmpty {
            var batchFound = 0
            let batchSeconds = BenchSupport.time { batchFound = Self.batchLoop(frozen, batches, count: resolveCount, now: now) }
            precondition(batchFound == resolveCount, "benchmark ids must resolve")
            let batchRate = Double(resolveCount) / batchSeconds
            figures["batch_resolves_per_s"] = batchRate
            log("  in-process resolves in batches of 100 (POST /v1/resolve), 1 thread: \(BenchSupport.rate(batchRate))/s (\(String(format: "%.2f", batchRate / 5_000_000))x of target)")
            let batchParallelSeconds = BenchSupport.time {
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    let cut = t * batches.count / threads
                    _ = Self.batchLoop(frozen, Array(batches[cut...] + batches[..<cut]), count: resolveCount, now: now)
                }
            }
            let batchParallelRate = Double(resolveCount * threads) / batchParallelSeconds
            figures["batch_resolves_per_s_all_cores"] = batchParallelRate
            log("  in-process resolves in batches of 100, \(threads) threads: \(BenchSupport.rate(batchParallelRate))/s (\(String(format: "%.2f", batchParallelRate / 5_000_000))x of target)")
        }

        var lookups = 0
        let lookupSeconds = BenchSupport.time { lookups = Self.lookupLoop(frozen, sample, count: resolveCount, now: now) }
        figures["lookups_per_s"] = Double(lookups) / lookupSeconds
        log("  in-process lookups (identifier → live free units): \(BenchSupport.rate(Double(lookups) / lookupSeconds))/s")

        // 4. Discovery.
        let queries: [(String, DiscoveryQuery)] = [
            ("kind=gpu", DiscoveryQuery(kind: .gpu)),
            ("kind=gpu near=city.shanghai max_rtt_ms=20 min_free=4", DiscoveryQuery(kind: .gpu, near: "city.shanghai", maxRttMs: 20, minFree: 4)),
            ("model='Huawei Ascend 910B' min_renewable=0.5", DiscoveryQuery(model: "Huawei Ascend 910B", minRenewable: 0.5)),
            ("kind=cpu arch=aarch64 location=hub.guizhou max_price=8", DiscoveryQuery(kind: .cpu, arch: "aarch64", location: "hub.guizhou", maxPrice: 8)),
            ("location=hub.yangtze min_free=8 limit=1000", DiscoveryQuery(location: "hub.yangtze", minFree: 8, limit: 1000)),
            ("kind=gpu model='NVIDIA H100-SXM5-80GB' near=city.beijing max_rtt_ms=10", DiscoveryQuery(kind: .gpu, model: "NVIDIA H100-SXM5-80GB", near: "city.beijing", maxRttMs: 10)),
        ]
        var discovery: [[String: Any]] = []
        for (name, query) in queries {
            var runs = 0
            var results = 0
            let start = ContinuousClock.now
            var elapsed = 0.0
            while elapsed < 0.5 || runs < 20 {
                results = try frozen.discover(query, now: now).items.count
                runs += 1
                elapsed = BenchSupport.seconds(ContinuousClock.now - start)
            }
            let meanMicros = elapsed / Double(runs) * 1e6
            discovery.append(["query": name, "mean_us": meanMicros, "per_s": Double(runs) / elapsed, "results": results])
            log(String(format: "  discovery %@: %.1f µs/query (%d results; target < 1000 µs: %.3fx)", name, meanMicros, results, meanMicros / 1000))
        }
        figures["discovery"] = discovery
        sample = Array(sample.prefix(20_000))
        _ = consume frozen
        registry = Registry()
        loaded.registry = Registry()

        // 5. HTTP over loopback: a real platform restarted from the same database.
        let logger = Logger(label: "bench")
        var restartSeconds = 0.0
        var platformBox: Platform?
        restartSeconds = try await BenchSupport.time {
            platformBox = try await Platform.open(
                configuration: PlatformConfiguration(
                    dataDirectory: directory, prefix: platformPrefix, heartbeatInterval: 1e8,
                    operatorToken: "bench-operator-token-0000"),
                store: try SQLiteStore(path: dbPath), logger: logger)
        }
        let platform = platformBox!
        figures["platform_open_s"] = restartSeconds
        log(String(format: "  platform open (load + indexes): %.2f s", restartSeconds))
        var viaLock = 0
        let lockSeconds = BenchSupport.time {
            for i in 0..<1_000_000 where (try? platform.resolve(sample[i % sample.count])) != nil { viaLock += 1 }
        }
        figures["platform_resolves_per_s"] = Double(viaLock) / lockSeconds
        log("  platform resolves (identifier parse + lock + record): \(BenchSupport.rate(Double(viaLock) / lockSeconds))/s")

        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = PlatformServer(platform: platform, host: "127.0.0.1", port: 0, logger: logger) { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        let group = ServiceGroup(services: [server], logger: logger)
        let concurrency = httpConcurrency
        let duration = httpSeconds
        let ids = sample
        nonisolated(unsafe) var wrkRate: Double? = nil
        let httpResult: (Int, Int) = try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var port = 0
            for await p in ports { port = p }
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let client = SuanliClient(server: "http://127.0.0.1:\(port)", httpClient: http)
            let deadline = ContinuousClock.now + .milliseconds(Int(duration * 1000))
            let counts = try await withThrowingTaskGroup(of: (Int, Int).self) { workers in
                for w in 0..<concurrency {
                    workers.addTask {
                        var ok = 0
                        var failed = 0
                        var i = w * 7919
                        while ContinuousClock.now < deadline {
                            do {
                                _ = try await client.resolve(ids[i % ids.count])
                                ok += 1
                            } catch { failed += 1 }
                            i += 1
                        }
                        return (ok, failed)
                    }
                }
                var total = (0, 0)
                for try await (ok, failed) in workers { total = (total.0 + ok, total.1 + failed) }
                return total
            }
            try await http.shutdown()
            if let wrk = Self.runWrk(port: port, ids: ids, seconds: duration, connections: concurrency) {
                wrkRate = wrk
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return counts
        }
        await platform.close()
        let httpRate = Double(httpResult.0) / duration
        figures["http_resolves_per_s"] = httpRate
        figures["http_errors"] = httpResult.1
        figures["http_concurrency"] = concurrency
        log("  HTTP resolves over loopback (Swift AsyncHTTPClient load generator): \(BenchSupport.rate(httpRate))/s with \(concurrency) concurrent clients, \(httpResult.1) errors; client and server share the cores")
        if let wrkRate {
            figures["http_resolves_per_s_wrk"] = wrkRate
            log("  HTTP resolves over loopback (wrk, 1 thread, \(concurrency) connections): \(BenchSupport.rate(wrkRate))/s")
        } else {
            log("  (install wrk — apt-get install wrk — for a lighter load generator)")
        }

        return figures
    }
}

extension RegistryBenchmark {
    /// Runs wrk against the resolve endpoint with rotating identifiers; requests/s, or nil without wrk.
    static func runWrk(port: Int, ids: [String], seconds: Double, connections: Int) -> Double? {
        let candidates = ["/usr/bin/wrk", "/usr/local/bin/wrk"]
        guard let wrk = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let script = NSTemporaryDirectory() + "suanli-wrk-\(getpid()).lua"
        let list = ids.prefix(5000).map { "\"\($0)\"" }.joined(separator: ",")
        let lua = """
            local ids = {\(list)}
            local i = 0
            request = function()
              i = i + 1
              return wrk.format("GET", "/v1/resolve/" .. ids[(i % #ids) + 1])
            end
            """
        guard FileManager.default.createFile(atPath: script, contents: Data(lua.utf8)) else { return nil }
        defer { try? FileManager.default.removeItem(atPath: script) }
        guard let result = try? CommandRunner.runOnCallingThread(
            [wrk, "-t1", "-c\(connections)", "-d\(max(1, Int(seconds)))s", "-s", script, "http://127.0.0.1:\(port)"],
            timeoutSeconds: seconds + 60)
        else { return nil }
        let output = result.stdout
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }),
            let value = Double(line.dropFirst("Requests/sec:".count).trimmingCharacters(in: .whitespaces))
        else { return nil }
        if output.contains("Non-2xx") { return nil }
        return value
    }

    /// Resolves `count` identifiers (cycling through `ids`) to full records; the registry is borrowed, not copied.
    static func resolveLoop(_ registry: borrowing Registry, _ ids: [String], count: Int, now: Date) -> Int {
        countHits(ids, count: count) {
            // A pattern match reads the result in place (`!= nil` would copy it first).
            if case .some = registry.resolve($0, now: now) { true } else { false }
        }
    }

    /// Resolves `count` identifiers in the given batches, cycling; returns how many were found.
    static func batchLoop(_ registry: borrowing Registry, _ batches: [[String]], count: Int, now: Date) -> Int {
        var found = 0
        var done = 0
        var i = 0
        while done < count {
            let records = registry.resolve(batch: batches[i], now: now)
            for k in records.indices {
                if case .some = records[k] { found += 1 }
            }
            done += batches[i].count
            i += 1
            if i == batches.count { i = 0 }
        }
        return found
    }

    /// Looks up the live free units of `count` identifiers.
    static func lookupLoop(_ registry: borrowing Registry, _ ids: [String], count: Int, now: Date) -> Int {
        countHits(ids, count: count) { registry.availableFreeUnits($0, now: now) != nil }
    }

    /// Calls `hit` `count` times, cycling through `ids`; returns how many calls were true.
    @inline(__always)
    static func countHits(_ ids: [String], count: Int, _ hit: (String) -> Bool) -> Int {
        var found = 0
        var i = 0
        for _ in 0..<count {
            if hit(ids[i]) { found += 1 }
            i += 1
            if i == ids.count { i = 0 }
        }
        return found
    }
}

/// Holds a registry while a `@Sendable` loader fills it (the loader runs on the store's queue, one call at a time).
final class LoadedRegistry: @unchecked Sendable {
    var registry = Registry(heartbeatTimeout: 1e9)
}
