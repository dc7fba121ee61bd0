import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import SuanliClient
import SuanliCore
import SuanliFederation
import SuanliServer
import SuanliStore

/// The benchmark behind `suanli bench federation`: a federation of one national root, `hubs`
/// hub platforms and `provinces` provincial leaves in this process (each with its own SQLite
/// data directory and HTTP server on a loopback port). It measures how long `changes` telemetry
/// changes at the leaves take to converge at the root (aggregation), and resolve latency and
/// throughput at a leaf for a local, a sibling's and a cousin's identifier, cold and cached,
/// against the same figures on a single platform.
public struct FederationBenchmark: Sendable {
    /// Hub platforms under the root.
    public var hubs: Int
    /// Provincial platforms (leaves), spread round-robin over the hubs.
    public var provinces: Int
    /// Resources on each leaf (one provider per leaf).
    public var resourcesPerLeaf: Int
    /// Telemetry changes applied at the leaves.
    public var changes: Int
    /// Cached resolves per identifier kind.
    public var resolves: Int
    /// Concurrent HTTP connections of the resolve loops.
    public var connections: Int
    /// Every platform's `--sync-interval` (seconds).
    public var syncInterval: Double
    /// How long a resolved foreign record's live state counts as fresh in a platform's cache.
    public var liveTTL: Double
    /// Tasks submitted for the cross-platform placement figure (0: not measured).
    public var placements: Int
    /// Where progress lines go.
    public var log: @Sendable (String) -> Void

    /// Creates the benchmark; the defaults are `suanli bench federation`'s (the 1 + 8 + 31
    /// platforms and 1,000,000 changes).
    public init(
        hubs: Int = 8, provinces: Int = 31, resourcesPerLeaf: Int = 100, changes: Int = 1_000_000, resolves: Int = 2000,
        connections: Int = 8, syncInterval: Double = 1, liveTTL: Double = 60, placements: Int = 500,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.placements = placements
        self.hubs = hubs
        self.provinces = provinces
        self.resourcesPerLeaf = resourcesPerLeaf
        self.changes = changes
        self.resolves = resolves
        self.connections = connections
        self.syncInterval = syncInterval
        self.liveTTL = liveTTL
        self.log = log
    }

    /// Why the benchmark stopped.
    public struct Failure: Error, CustomStringConvertible {
        /// The message for the user.
        public var description: String
    }

    /// One running platform of the benchmark.
    struct Member: Sendable {
        var name: String
        var platform: Platform
        var federation: FederationModule?
        var aggregation: AggregationModule?
        var placement: FederatedPlacementModule?
        var group: ServiceGroup
        var url: String
        /// The resources it holds itself (leaves only) and the provider that owns them.
        var provider: Prefix?
        var resourceIDs: [String] = []
    }

    static let operatorToken = "bench-operator-token-federation-0000"
    static let units = 64

    /// Starts the federation and the single platform, runs the measurements, stops everything;
    /// returns the figures (`--json` prints them).
    public func run() async throws -> [String: Any] {
        guard hubs >= 2, provinces >= 3 else { throw Failure(description: "a sibling and a cousin need at least 2 hubs and 3 provinces") }
        let directory = try BenchSupport.temporaryDirectory("bench-federation")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "bench-federation")
        logger.logLevel = .critical
        let platformCount = 1 + hubs + provinces
        var figures: [String: Any] = [
            "platforms": platformCount, "hubs": hubs, "provinces": provinces, "resources_per_leaf": resourcesPerLeaf,
            "changes": changes, "resolves": resolves, "connections": connections, "sync_interval_s": syncInterval,
            "live_ttl_s": liveTTL, "cores": ProcessInfo.processInfo.activeProcessorCount,
        ]
        log("Federation: \(platformCount) platforms (1 national + \(hubs) hub + \(provinces) provincial) in this process on loopback, "
            + "\(resourcesPerLeaf) resources per leaf, --sync-interval \(syncInterval), \(ProcessInfo.processInfo.activeProcessorCount) cores")

        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            var members: [Member] = []
            do {
                // Root, then hubs, then provinces: each child is delegated by its parent's operator over HTTP and joins with its token.
                let began = ContinuousClock.now
                do {
                    let root = try await start("national", directory: directory, prefix: Prefix(segments: [86, 1])!, parent: nil, token: nil, tasks: &tasks, logger: logger)
                    members.append(root)
                    var hubMembers: [Member] = []
                    for h in 0..<hubs {
                        hubMembers.append(try await child(of: root, name: "hub-\(h + 1)", directory: directory, tasks: &tasks, logger: logger))
                    }
                    members += hubMembers
                    for p in 0..<provinces {
                        var leaf = try await child(of: hubMembers[p % hubs], name: "province-\(p + 1)", directory: directory, tasks: &tasks, logger: logger)
                        try await seed(&leaf)
                        members.append(leaf)
                    }
                    try await waitJoined(members)
                }
                let startup = BenchSupport.seconds(ContinuousClock.now - began)
                figures["startup_s"] = startup
                log(String(format: "  started and joined %d platforms in %.1f s; RSS %d MiB", platformCount, startup, BenchSupport.residentBytes() >> 20))
                let leaves = Array(members.suffix(provinces))
                let root = members[0]

                // (1) Aggregation: the initial records, then `changes` telemetry changes at the leaves, until the root's subtree equals the leaves.
                let initial = try await BenchSupport.time { try await converge(root: root, leaves: leaves) }
                figures["initial_sync_s"] = initial
                log(String(format: "  initial aggregation of %d records at the root: %.2f s", provinces * resourcesPerLeaf, initial))
                let started = ContinuousClock.now
                let applied = try await applyChanges(leaves)
                let converged = try await BenchSupport.time { try await converge(root: root, leaves: leaves) }
                let total = BenchSupport.seconds(ContinuousClock.now - started)
                figures["apply_s"] = applied
                figures["changes_applied_per_s"] = Double(changes) / applied
                figures["convergence_tail_s"] = converged
                figures["convergence_s"] = total
                log(String(format: "  %@ changes at the leaves: applied in %.2f s (%@/s in-process telemetry), root converged %.2f s later; total %.2f s; RSS %d MiB",
                           BenchSupport.rate(Double(changes)), applied, BenchSupport.rate(Double(changes) / applied), converged, total,
                           BenchSupport.residentBytes() >> 20))

                // (2) Resolve at the first leaf: its own identifiers, its sibling's (same hub) and its cousin's (another hub).
                let leaf = leaves[0]
                let sibling = leaves[hubs]  // provinces are spread round-robin: leaves[hubs] has the same hub as leaves[0]
                let cousin = leaves[1]
                log("  resolve at \(leaf.name) (\(leaf.platform.configuration.prefix)), GET /v1/resolve/{id}, \(connections) connections:")
                for (kind, owner) in [("local", leaf), ("sibling", sibling), ("cousin", cousin)] {
                    try await measureResolves(kind, at: leaf.url, ids: owner.resourceIDs, into: &figures)
                }

                // (3) Cross-platform placements: a consumer of a hub, which has no resources of its own,
                // submits tasks that only the leaves' resources fit; each is claimed at a leaf.
                if placements > 0 {
                    log("  cross-platform placements at \(members[1].name) (no resources of its own), POST /v1/tasks, \(connections) connections:")
                    try await measurePlacements("federated", at: members[1], into: &figures)
                }
            } catch {
                await stop(members)
                try? await tasks.waitForAll()
                await close(members)
                throw error
            }
            await stop(members)
            try await tasks.waitForAll()
            await close(members)

            // (3) The same resolves on a single platform, and the ratios.
            let single = try await start("single", directory: directory, prefix: Prefix(segments: [86, 2])!, parent: nil, token: nil, federated: false, tasks: &tasks, logger: logger)
            var seeded = single
            do {
                try await seed(&seeded)
                log("  single platform (no federation), same resolves:")
                try await measureResolves("single", at: single.url, ids: seeded.resourceIDs, into: &figures)
                if placements > 0 {
                    log("  single platform, the same submissions placed locally:")
                    try await measurePlacements("single", at: single, into: &figures)
                }
            } catch {
                await stop([single])
                try? await tasks.waitForAll()
                await close([single])
                throw error
            }
            await stop([single])
            try await tasks.waitForAll()
            await close([single])
            var ratios: [String: Double] = [:]
            for kind in ["local", "sibling", "cousin"] {
                for phase in ["cold", "cached"] {
                    guard let rate = figures["resolve_\(kind)_\(phase)_per_s"] as? Double,
                        let base = figures["resolve_single_\(phase)_per_s"] as? Double, base > 0
                    else { continue }
                    ratios["\(kind)_\(phase)"] = rate / base
                }
            }
            figures["ratios_vs_single"] = ratios
            log("  throughput / single platform's: " + ["local", "sibling", "cousin"].map { kind in
                String(format: "%@ cold %.2f, cached %.2f", kind, ratios["\(kind)_cold"] ?? 0, ratios["\(kind)_cached"] ?? 0)
            }.joined(separator: "; "))
            if let federated = figures["placements_federated_per_s"] as? Double, let local = figures["placements_single_per_s"] as? Double,
                local > 0
            {
                figures["placements_ratio_vs_single"] = federated / local
                log(String(format: "  cross-platform placements / single platform's placements: %.2f", federated / local))
            }
            return figures
        }
    }

    // MARK: Platforms

    /// Opens a platform (with the federation and aggregation modules unless `federated` is false)
    /// and runs its server in `tasks`; returns once it listens.
    func start(
        _ name: String, directory: String, prefix: Prefix, parent: String?, token: String?, federated: Bool = true,
        tasks: inout ThrowingTaskGroup<Void, any Error>, logger: Logger
    ) async throws -> Member {
        let data = directory + "/" + name
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let platform = try await Platform.open(
            configuration: PlatformConfiguration(dataDirectory: data, prefix: prefix, heartbeatInterval: 1e8, operatorToken: Self.operatorToken),
            store: try SQLiteStore(path: data + "/suanli.sqlite"), logger: logger)
        var federation: FederationModule?
        var aggregation: AggregationModule?
        var placement: FederatedPlacementModule?
        var modules: [any PlatformModule] = []
        if federated {
            var configuration = FederationConfiguration(name: name, parentURL: parent, joinToken: token, syncInterval: syncInterval)
            configuration.liveTTL = liveTTL
            // A lease of at least 4 s: 40 platforms share the cores, and a push that is late by a
            // second must not turn a child unreachable (its records unavailable) mid-benchmark.
            configuration.leaseIntervals = max(configuration.leaseIntervals, 4 / syncInterval)
            let module = try await FederationModule.open(platform: platform, configuration: configuration, logger: logger)
            let aggregating = AggregationModule(federation: module)
            let placing = FederatedPlacementModule(federation: module, aggregation: aggregating, logger: logger)
            federation = module
            aggregation = aggregating
            placement = placing
            modules = [module, aggregating, placing]
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = PlatformServer(platform: platform, host: "127.0.0.1", port: 0, modules: modules, logger: logger) { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        let group = ServiceGroup(services: [server], logger: logger)
        tasks.addTask { try await group.run() }
        var port = 0
        for await p in ports { port = p }
        guard port > 0 else { throw Failure(description: "platform \(name) did not start listening") }
        let url = "http://127.0.0.1:\(port)"
        federation?.listening(at: url)
        return Member(
            name: name, platform: platform, federation: federation, aggregation: aggregation, placement: placement, group: group, url: url)
    }

    /// Delegates a child prefix at `parent` (its operator, over HTTP) and starts the child with the join token.
    func child(of parent: Member, name: String, directory: String, tasks: inout ThrowingTaskGroup<Void, any Error>, logger: Logger) async throws -> Member {
        let client = SuanliClient(server: parent.url, token: Self.operatorToken, httpClient: HTTPClient.shared)
        let delegated = try await client.addFederationChild(FederationChildRequest(name: name, url: "http://127.0.0.1:1"))
        guard let token = delegated.joinToken else { throw Failure(description: "\(parent.name) returned no join token for \(name)") }
        return try await start(name, directory: directory, prefix: delegated.prefix, parent: parent.url, token: token, tasks: &tasks, logger: logger)
    }

    /// Registers one provider with `resourcesPerLeaf` CPU resources on `member` (in-process, as the routes do).
    func seed(_ member: inout Member) async throws {
        let platform = member.platform
        let provider = try await platform.registerProvider(
            ProviderRegistration(name: "\(member.name)-provider", contact: "bench", location: "city.shanghai", renewable: 0.5, pue: 1.2), by: .operator)
        let spec = ResourceSpec(
            kind: .cpu, arch: "x86_64", model: "bench-cpu", units: Self.units, memoryGiB: 1, location: "city.shanghai", priceFenPerUnitHour: 10)
        var ids: [String] = []
        for i in 0..<resourcesPerLeaf {
            let id = "\(provider.prefix)/cpu-\(i)"
            _ = try await platform.putResource(id, spec: spec, by: .provider(provider.prefix))
            ids.append(id)
        }
        member.provider = provider.prefix
        member.resourceIDs = ids
    }

    /// Waits until every platform's parent link is up.
    func waitJoined(_ members: [Member]) async throws {
        let deadline = ContinuousClock.now + .seconds(60 + 10 * syncInterval)
        for member in members {
            guard let federation = member.federation, federation.configuration.parentURL != nil else { continue }
            while federation.status().parent?.state != .up {
                guard ContinuousClock.now < deadline else { throw Failure(description: "\(member.name) did not join its parent") }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Asks the servers to stop, children first.
    func stop(_ members: [Member]) async {
        for member in members.reversed() { await member.group.triggerGracefulShutdown() }
    }

    /// Closes the stores (after the servers stopped).
    func close(_ members: [Member]) async {
        for member in members { await member.platform.close() }
    }

    // MARK: Aggregation

    /// Applies `changes` telemetry reports at the leaves, batches of up to 5,000 per leaf in turn
    /// (each report sets a resource's free units); returns the seconds taken.
    func applyChanges(_ leaves: [Member]) async throws -> Double {
        let batchSize = min(5000, TelemetryBatch.maxReports)
        var next = 0
        var batch = 0
        return try await BenchSupport.time {
            var reports: [TelemetryReport] = []
            reports.reserveCapacity(batchSize)
            while next < changes {
                let leaf = leaves[batch % leaves.count]
                let count = min(batchSize, changes - next)
                reports.removeAll(keepingCapacity: true)
                for k in 0..<count {
                    let change = next + k
                    let r = change % leaf.resourceIDs.count
                    reports.append(TelemetryReport(id: leaf.resourceIDs[r], freeUnits: (change / 7 + r) % (Self.units + 1), healthy: true))
                }
                _ = try await leaf.platform.report(TelemetryBatch(reports: reports), by: .provider(leaf.provider!))
                next += count
                batch += 1
            }
        }
    }

    /// Waits until the root's subtree view (its replicas, as `GET /v1/resources?scope=subtree`
    /// reads them) holds exactly the leaves' records with their free units.
    func converge(root: Member, leaves: [Member]) async throws {
        var expected: [String: Int] = [:]
        for leaf in leaves {
            for record in try Self.all({ try leaf.platform.discover($0) }) { expected[record.id.string] = record.state.freeUnits }
        }
        guard let aggregation = root.aggregation else { return }
        let deadline = ContinuousClock.now + .seconds(600)
        while true {
            var seen: [String: Int] = [:]
            var cursor: String?
            repeat {
                let query = DiscoveryQuery(includeUnavailable: true, limit: DiscoveryQuery.maxLimit, cursor: cursor)
                let page = try await aggregation.discover(query, parameters: [], scope: .subtree)
                for record in page.items { seen[record.id.string] = record.state.freeUnits }
                cursor = page.nextCursor
            } while cursor != nil
            if seen == expected { return }
            guard ContinuousClock.now < deadline else {
                throw Failure(description: "the root did not converge within 600 s (\(seen.count) of \(expected.count) records seen)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Every record a paged reader returns.
    static func all(_ read: (DiscoveryQuery) throws -> Page<ResourceRecord>) throws -> [ResourceRecord] {
        var out: [ResourceRecord] = []
        var cursor: String?
        repeat {
            let page = try read(DiscoveryQuery(includeUnavailable: true, limit: DiscoveryQuery.maxLimit, cursor: cursor))
            out += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return out
    }

    // MARK: Resolve

    /// Resolves each of `ids` once (cold), then `resolves` times over them (cached), over HTTP at
    /// `base`; records p50/p99 latency and throughput under `resolve_KIND_{cold,cached}_…`.
    func measureResolves(_ kind: String, at base: String, ids: [String], into figures: inout [String: Any]) async throws {
        let cold = try await resolveLoop(base: base, ids: ids, count: ids.count)
        let cached = try await resolveLoop(base: base, ids: ids, count: resolves)
        for (phase, result) in [("cold", cold), ("cached", cached)] {
            let p50 = Self.percentile(result.latencies, 0.50) * 1000
            let p99 = Self.percentile(result.latencies, 0.99) * 1000
            let rate = Double(result.latencies.count) / result.seconds
            figures["resolve_\(kind)_\(phase)_p50_ms"] = p50
            figures["resolve_\(kind)_\(phase)_p99_ms"] = p99
            figures["resolve_\(kind)_\(phase)_per_s"] = rate
            log(String(format: "    %@ %@ p50 %.2f ms, p99 %.2f ms, %@/s (%d requests)",
                       kind, phase, p50, p99, BenchSupport.rate(rate), result.latencies.count))
        }
    }

    /// `count` resolves of `ids` in turn over `connections` concurrent workers; the latencies
    /// (seconds) and the wall time. Every answer must be the 200 record of the identifier asked.
    func resolveLoop(base: String, ids: [String], count: Int) async throws -> (latencies: [Double], seconds: Double) {
        let workers = max(1, min(connections, count))
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: [Double].self) { group in
            for w in 0..<workers {
                group.addTask {
                    var mine: [Double] = []
                    var i = w
                    while i < count {
                        let id = ids[i % ids.count]
                        let began = ContinuousClock.now
                        func resolve() async throws -> (HTTPClientResponse, String) {
                            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/v1/resolve/" + id), timeout: .seconds(30))
                            return (response, String(buffer: try await response.body.collect(upTo: 1 << 20)))
                        }
                        var (response, body) = try await resolve()
                        // A 503 says "retry shortly" (a peer did not answer in time, e.g. on a
                        // loaded machine): retried as a client would, its latency included.
                        for _ in 0..<3 where response.status == .serviceUnavailable {
                            try await Task.sleep(for: .milliseconds(100))
                            (response, body) = try await resolve()
                        }
                        mine.append(BenchSupport.seconds(ContinuousClock.now - began))
                        guard response.status == .ok, body.contains(id) else {
                            throw Failure(description: "GET \(base)/v1/resolve/\(id) answered \(response.status.code): \(body.prefix(300))")
                        }
                        i += workers
                    }
                    return mine
                }
            }
            for try await part in group { latencies += part }
        }
        let seconds = BenchSupport.seconds(ContinuousClock.now - start)
        latencies.sort()
        return (latencies, seconds)
    }

    /// Registers a consumer at `member` and submits `placements` one-unit CPU tasks over HTTP with
    /// `connections` at a time: placements/s, latency, and how many were placed on another platform.
    func measurePlacements(_ kind: String, at member: Member, into figures: inout [String: Any]) async throws {
        let operatorClient = SuanliClient(server: member.url, token: Self.operatorToken, httpClient: HTTPClient.shared)
        let consumer = try await operatorClient.registerConsumer(ConsumerRegistration(name: "bench-\(kind)", contact: "bench"))
        guard let token = consumer.token else { throw Failure(description: "\(member.name) returned no consumer token") }
        let client = SuanliClient(server: member.url, token: token, httpClient: HTTPClient.shared)
        let count = placements
        let width = connections
        let started = ContinuousClock.now
        let outcomes = try await withThrowingTaskGroup(of: [(latency: Double, id: String, state: TaskState)].self) { group in
            for worker in 0..<width {
                group.addTask {
                    var outcomes: [(latency: Double, id: String, state: TaskState)] = []
                    for i in stride(from: worker, to: count, by: width) {
                        let spec = TaskSpec(name: "bench-\(i)", units: 1, accept: [.init(kind: .cpu, run: .init(command: ["true"]))])
                        let began = ContinuousClock.now
                        let submission = try await client.submit(spec)
                        outcomes.append((BenchSupport.seconds(ContinuousClock.now - began), submission.id, submission.state))
                    }
                    return outcomes
                }
            }
            var all: [(latency: Double, id: String, state: TaskState)] = []
            for try await part in group { all += part }
            return all
        }
        let seconds = BenchSupport.seconds(ContinuousClock.now - started)
        let latencies = outcomes.map(\.latency).sorted()
        let remote = member.placement.map { placement in outcomes.filter { placement.isFederatedTask($0.id) }.count } ?? 0
        let placed = outcomes.filter { $0.state != .queued }.count
        let rate = Double(count) / seconds
        figures["placements_\(kind)_per_s"] = rate
        figures["placements_\(kind)_p50_ms"] = Self.percentile(latencies, 0.5) * 1000
        figures["placements_\(kind)_p99_ms"] = Self.percentile(latencies, 0.99) * 1000
        figures["placements_\(kind)_elsewhere"] = remote
        figures["placements_\(kind)_placed"] = placed
        log(String(format: "    %@: %@ tasks/s; p50 %.1f ms, p99 %.1f ms; %d of %d placed, %d of them on another platform",
                   kind, BenchSupport.rate(rate), Self.percentile(latencies, 0.5) * 1000, Self.percentile(latencies, 0.99) * 1000,
                   placed, count, remote))
    }

    /// The `q` quantile of sorted `values` (nearest rank).
    static func percentile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let rank = Int((Double(values.count) * q).rounded(.up)) - 1
        return values[min(values.count - 1, max(0, rank))]
    }
}
