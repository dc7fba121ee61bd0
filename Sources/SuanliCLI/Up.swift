import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SuanliCore
import SuanliServer

/// `suanli up`: a platform with a seeded, live demo network — the quick start.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a platform with a seeded demo network (providers across all hubs, live telemetry).")

    @OptionGroup var options: ServeOptions

    @Option(help: "Demo providers to seed (only into an empty data directory).")
    var providers = 36

    @Option(help: "Demo resources to seed.")
    var resources = 1000

    @Option(help: "Seed for the demo network.")
    var seed: UInt64 = 2025

    func validate() throws {
        guard (1...10_000).contains(providers) else { throw ValidationError("--providers must be between 1 and 10000") }
        guard (0...1_000_000).contains(resources) else { throw ValidationError("--resources must be between 0 and 1000000") }
    }

    func run() async throws {
        let platform = try await options.openPlatform()
        let logger = options.logger
        let (listening, listened) = AsyncStream.makeStream(of: Int.self)
        let server = PlatformServer(platform: platform, host: options.host, port: options.port, logger: logger) { port in
            listened.yield(port)
            listened.finish()
        }
        let demo = DemoTelemetry(platform: platform, interval: options.heartbeatInterval, seed: seed, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [server, demo], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var port = options.port
            for await bound in listening { port = bound }
            var seeded = 0
            if platform.providers().isEmpty {
                let network = SyntheticNetwork(providers: providers, resources: resources, seed: seed)
                seeded = try await DemoSeeder.seed(network, into: platform)
            }
            let url = "http://\(options.host):\(port)"
            let stats = platform.stats()
            print(
                """
                Suanli is up: \(url)
                  \(seeded > 0 ? "seeded a demo network:" : "demo network:") \(stats.providers) providers, \(stats.resources) resources across \(Topology.hubCodes.count) national hubs (data: \(options.data))
                  demo providers report live state every \(options.heartbeatInterval) s
                """)
            announceOperatorToken(platform, data: options.data, always: true)
            print(
                """
                Try:
                  curl -s \(url)/v1/stats
                  swift run suanli find --kind gpu --near city.shanghai --max-rtt-ms 20 --server \(url)
                  swift run suanli resolve \((try? platform.discover(DiscoveryQuery(limit: 1)))?.items.first?.id.string ?? "86.1.1/x") --server \(url)
                Stop with Ctrl-C.
                """)
            fflush(nil)
            try await tasks.next()
        }
        await platform.close()
    }
}

/// Registers a synthetic network on a platform through its normal write path.
enum DemoSeeder {
    /// Seeds `network`; returns the number of resources registered.
    static func seed(_ network: SyntheticNetwork, into platform: Platform) async throws -> Int {
        var prefixes: [Prefix] = []
        for provider in network.providers {
            prefixes.append(try await platform.registerProvider(provider.registration, by: .operator).prefix)
        }
        let prefixList = prefixes
        // Concurrent writes share fsyncs through group commit.
        try await withThrowingTaskGroup(of: Void.self) { group in
            let width = 64
            for lane in 0..<width {
                group.addTask {
                    var i = lane
                    while i < network.resourceCount {
                        let r = network.resource(i)
                        let prefix = prefixList[r.provider]
                        _ = try await platform.putResource("\(prefix)/\(r.suffix)", spec: r.spec, by: .provider(prefix))
                        i += width
                    }
                }
            }
            try await group.waitForAll()
        }
        return network.resourceCount
    }
}

/// Keeps the demo providers' resources live: every interval each one reports a plausible state.
/// Demo providers are those whose contact ends in `.demo.suanli`.
struct DemoTelemetry: Service {
    let platform: Platform
    let interval: Double
    let seed: UInt64
    let logger: Logger

    func run() async throws {
        var rng = SplitMix64(seed: seed ^ 0x5EED)
        var free: [String: Int] = [:]
        while !Task.isCancelledOrShuttingDown {
            for provider in platform.providers() where provider.contact.hasSuffix(".demo.suanli") {
                let ids = platform.resourceIDs(of: provider.prefix)
                guard !ids.isEmpty else { continue }
                var reports: [TelemetryReport] = []
                reports.reserveCapacity(ids.count)
                for id in ids {
                    guard let record = try? platform.resolve(id) else { continue }
                    let units = record.units
                    var value = free[id] ?? Int.random(in: units / 2...units, using: &rng)
                    value += Int.random(in: -max(1, units / 8)...max(1, units / 8), using: &rng)
                    value = min(units, max(0, value))
                    free[id] = value
                    let healthy = Int.random(in: 0..<200, using: &rng) != 0
                    reports.append(
                        TelemetryReport(
                            id: id, freeUnits: value, healthy: healthy,
                            utilization: (Double(units - value) / Double(units) * 100).rounded() / 100))
                }
                do {
                    _ = try await platform.report(TelemetryBatch(reports: reports), by: .provider(provider.prefix))
                } catch {
                    logger.warning("demo telemetry failed", metadata: ["provider": "\(provider.prefix)", "error": "\(error)"])
                }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
        }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Whether the current task is cancelled or its service group is shutting down.
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
