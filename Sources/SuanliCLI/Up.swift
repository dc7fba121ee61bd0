import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import AsyncHTTPClient
import SuanliAgent
import SuanliClient
import SuanliCore
import SuanliDemo
import SuanliServer
import SuanliSimulation
import Synchronization

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
        let server = PlatformServer(
            platform: platform, host: options.host, port: options.port, modules: platformModules(for: platform), logger: logger
        ) { port in
            listened.yield(port)
            listened.finish()
        }
        let (ready, readyContinuation) = AsyncStream.makeStream(of: [AgentRunner].self)
        // Every demo agent holds a long poll open: give them a pool that is large enough.
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.connectionPool = .init(idleTimeout: .seconds(20), concurrentHTTP1ConnectionsPerHostSoftLimit: 4 * providers + 16)
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        var agentLogger = logger
        agentLogger.logLevel = .warning
        // The watch is last, so it learns of a shutdown (a signal) before anything stops.
        let watch = ShutdownWatch()
        let group = ServiceGroup(
            configuration: .init(
                services: [server, DemoAgents(ready: ready), watch], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        let demo = DemoSettings(
            providers: providers, resources: resources, seed: seed, data: options.data, heartbeatInterval: options.heartbeatInterval)
        let host = options.host
        let demoLogger = agentLogger
        // Two children: the service group (ends on SIGINT/SIGTERM, or at once when the server
        // cannot start) and the seeding, which is cancelled when the group ends, whatever its stage.
        enum Outcome: Sendable {
            case groupEnded
            case seeded
            case seedingFailed(String)
        }
        var failure: String?
        do {
            try await withThrowingTaskGroup(of: Outcome.self) { tasks in
                tasks.addTask {
                    defer {
                        listened.finish()
                        readyContinuation.finish()
                    }
                    try await group.run()
                    return .groupEnded
                }
                tasks.addTask {
                    var bound: Int?
                    for await port in listening { bound = port }
                    guard let port = bound else { return .seeded }  // not listening: the group's error says why
                    do {
                        try await Self.seedDemo(
                            demo, platform: platform, url: "http://\(host):\(port)", http: http, logger: demoLogger,
                            ready: readyContinuation)
                        return .seeded
                    } catch {
                        return .seedingFailed("\((error as? SuanliError)?.message ?? "\(error)")")
                    }
                }
                while let outcome = try await tasks.next() {
                    switch outcome {
                    case .groupEnded:
                        tasks.cancelAll()
                        return
                    case .seeded:
                        continue
                    case .seedingFailed(let message):
                        // A failure once shutting down is just the shutdown; otherwise it ends the demo.
                        if !watch.began { failure = "cannot seed the demo network: \(message)" }
                        await group.triggerGracefulShutdown()
                    }
                }
            }
        } catch let error as SuanliError {
            failure = error.message
        }
        try? await http.shutdown()
        await platform.close()
        if let failure { fail(failure) }
    }

    /// Seeds the demo network (or takes over an earlier one), starts its agents and prints how to use it.
    static func seedDemo(
        _ demo: DemoSettings, platform: Platform, url: String, http: HTTPClient, logger: Logger,
        ready: AsyncStream<[AgentRunner]>.Continuation
    ) async throws {
        let network = SyntheticNetwork(providers: demo.providers, resources: demo.resources, seed: demo.seed)
        let fresh = platform.providers().isEmpty
        let demoProviders = try await DemoSeeder.providers(network, on: platform)
        let agents = DemoSeeder.agents(
            network, providers: demoProviders, url: url, data: demo.data, interval: demo.heartbeatInterval,
            http: http, logger: logger)
        ready.yield(agents)
        ready.finish()
        // Wait until the demo agents have registered their resources.
        for _ in 0..<600 where !agents.allSatisfy(\.isRegistered) { try await Task.sleep(for: .milliseconds(50)) }
        let seeded = fresh ? network.resourceCount : 0
        let stats = platform.stats()
        print(
            """
            Suanli is up: \(url)
              \(seeded > 0 ? "seeded a demo network:" : "demo network:") \(stats.providers) providers, \(stats.resources) resources across \(Topology.hubCodes.count) national hubs (data: \(demo.data))
              \(agents.count) demo agents (in this process, marked .demo.suanli) report live state every \(demo.heartbeatInterval) s and run tasks as local processes
            """)
        announceOperatorToken(platform, data: demo.data, always: true)
        print(
            """
            Try:
              curl -s \(url)/v1/stats
              swift run -c release suanli find --kind gpu --near city.shanghai --max-rtt-ms 20 --server \(url)
              swift run -c release suanli resolve \((try? platform.discover(DiscoveryQuery(limit: 1)))?.items.first?.id.string ?? "86.1.1/x") --server \(url)
              swift run -c release suanli consumers add me --server \(url) --token OPERATOR_TOKEN   # prints a consumer token
              swift run -c release suanli submit --server \(url) --token CONSUMER_TOKEN --kind gpu --units 1 -- sh -c 'echo hello from $SUANLI_TASK_ID'
              swift run -c release suanli task t1 --follow --server \(url) --token CONSUMER_TOKEN
            Stop with Ctrl-C.
            """)
        fflush(nil)
    }
}

/// What `up` seeds and how its demo agents run.
struct DemoSettings: Sendable {
    var providers: Int
    var resources: Int
    var seed: UInt64
    var data: String
    var heartbeatInterval: Double
}

/// Notes when its service group begins a graceful shutdown.
final class ShutdownWatch: Service, Sendable {
    private let started = Mutex(false)

    /// Whether the group has begun shutting down.
    var began: Bool { started.withLock { $0 } }

    func run() async throws {
        try? await gracefulShutdown()
        started.withLock { $0 = true }
    }
}
