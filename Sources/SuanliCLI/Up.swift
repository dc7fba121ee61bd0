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

    @OptionGroup(title: "Federation") var federation: FederationOptions

    @Flag(name: .customLong("federation"), help: "Also start a demo federation: this platform as the national root and \(FederationDemo.regions.count) regional/industry platforms as child processes (ports --port+1…, data in --data/federation-NAME).")
    var federationDemo = false

    func validate() throws {
        if options.databaseOption != nil {
            throw ValidationError("up runs its demo network on SQLite in --data; for PostgreSQL use serve --database")
        }
        if federationDemo, federation.parent != nil { throw ValidationError("--federation starts the root of a demo federation; it takes no --parent") }
        if federationDemo, options.port == 0 { throw ValidationError("--federation needs a fixed --port (the regions listen on the next ports)") }
        guard (1...10_000).contains(providers) else { throw ValidationError("--providers must be between 1 and 10000") }
        guard (0...1_000_000).contains(resources) else { throw ValidationError("--resources must be between 0 and 1000000") }
    }

    func run() async throws {
        let platform = try await options.openPlatform()
        let logger = options.logger
        var named = federation
        if federationDemo, named.name == nil { named.name = "national" }
        let federationOptions = named
        let federationModule = await federationOptions.open(platform, publicURL: options.publicURL, logger: logger)
        let federationDemo = self.federationDemo ? FederationDemo() : nil
        let (listening, listened) = AsyncStream.makeStream(of: Int.self)
        let server = PlatformServer(
            platform: platform, host: options.host, port: options.port, modules: platformModules(for: platform) + (try await federationModules(federationModule)),
            logger: logger
        ) { [options] port in
            federationModule.listening(at: "http://\(options.host):\(port)")
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
                        if let federationDemo {
                            let regions = try await federationDemo.start(
                                module: federationModule, host: host, port: port, data: demo.data,
                                providers: max(1, demo.providers / 4), resources: demo.resources / 4, syncInterval: federationOptions.syncInterval)
                            print("Demo federation: national \(platform.configuration.prefix) at http://\(host):\(port)")
                            for region in regions {
                                print("  \(region.name) \(region.prefix) at \(region.url)   (log: \(demo.data)/federation-\(region.name)/up.log)")
                            }
                            print("  suanli federation status --server http://\(host):\(port)   (children join within a few seconds)")
                            fflush(nil)
                        }
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
        await federationDemo?.stop()
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
        // Wait until the demo agents have registered their resources (a progress line on a terminal).
        let progress = ProgressLine("registering demo resources", total: agents.count)
        for _ in 0..<600 {
            let registered = agents.count(where: \.isRegistered)
            progress.update(registered)
            if registered == agents.count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        progress.finish()
        let consumerToken = try await demoConsumerToken(platform, data: demo.data)
        let seeded = fresh ? network.resourceCount : 0
        let stats = platform.stats()
        print(
            """
            Suanli is up: \(url)   dashboard: \(url)/
              \(seeded > 0 ? "seeded a demo network:" : "demo network:") \(stats.providers) providers, \(stats.resources) resources across \(Topology.hubCodes.count) national hubs (data: \(demo.data))
              \(agents.count) demo agents (in this process, marked .demo.suanli) report live state every \(demo.heartbeatInterval) s and run tasks as local processes
            """)
        announceOperatorToken(platform, data: demo.data, always: true)
        let example = (try? platform.discover(DiscoveryQuery(limit: 1)))?.items.first?.id.string ?? "86.1.1/x"
        print(
            """
            In another terminal, paste (the demo consumer's token, saved in \(demo.data)/\(demoConsumerTokenFile)):
              \(shellSetup(url: url, token: consumerToken))
            then:
              suanli submit --kind gpu -- sh -c 'echo hello from $SUANLI_TASK_ID on GPU $CUDA_VISIBLE_DEVICES'
              suanli task t1 --follow && suanli logs t1
              suanli find --kind gpu --near city.shanghai --max-rtt-ms 20
              suanli resolve \(example)
              curl -s \(url)/v1/stats
            Stop with Ctrl-C.
            """)
        fflush(nil)
    }
}

/// Where `up` keeps the demo consumer's token, in the data directory.
let demoConsumerTokenFile = "demo-consumer-token"

/// The demo consumer's token: the one saved in the data directory if the platform still knows
/// it, else a new consumer `demo` (saved, owner-only), so restarts print the same line.
func demoConsumerToken(_ platform: Platform, data: String) async throws -> String {
    let path = (data as NSString).appendingPathComponent(demoConsumerTokenFile)
    if let saved = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
        !saved.isEmpty, case .consumer? = try? platform.authenticate(token: saved)
    {
        return saved
    }
    let record = try await platform.registerConsumer(
        ConsumerRegistration(name: "demo", contact: "the demo consumer of suanli up"), by: .operator)
    guard let token = record.token else { throw SuanliError(.internal, "the platform returned no token for the demo consumer") }
    guard FileManager.default.createFile(atPath: path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
    else { throw SuanliError(.unavailable, "cannot write \(path); check the data directory's permissions") }
    return token
}

/// The line to paste into a shell: the server and token, and an alias for this binary unless
/// it was found on `PATH`.
func shellSetup(url: String, token: String) -> String {
    let line = "export SUANLI_SERVER=\(url) SUANLI_TOKEN=\(token)"
    let invoked = CommandLine.arguments.first ?? "suanli"
    guard invoked.contains("/") else { return line }
    let absolute = URL(fileURLWithPath: invoked, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        .standardizedFileURL.path
    return line + "; alias suanli=\(absolute)"
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
