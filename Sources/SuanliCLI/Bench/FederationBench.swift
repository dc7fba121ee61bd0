import ArgumentParser
import SuanliBenchmarks

/// `suanli bench federation`: aggregation convergence and resolve across a federation in one process.
struct FederationBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "federation",
        abstract: "A federation in one process: leaf changes converging at the root, resolve across platforms vs a single platform.",
        discussion: """
            Starts 1 national + --hubs hub + --provinces provincial platforms in this process (each its own \
            SQLite data directory in a temporary directory and HTTP server on a loopback port; children \
            are delegated and join with signed calls as with `serve --parent`). Applies --changes telemetry \
            changes at the leaves and times until the root's subtree view equals the leaves' state; then \
            measures GET /v1/resolve/{id} at a leaf for its own, a sibling's and a cousin's identifiers, \
            cold and cached, and --placements task submissions at a hub (no resources of its own: each is \
            claimed at a leaf), then the same on a single platform, with the ratios.
            """)

    @Option(help: "Hub platforms under the national root (at least 2).") var hubs = 8
    @Option(help: "Provincial platforms (leaves), spread over the hubs (at least 3).") var provinces = 31
    @Option(help: "Resources on each leaf.") var resourcesPerLeaf = 100
    @Option(help: "Telemetry changes applied at the leaves.") var changes = 1_000_000
    @Option(help: "Cached resolves per identifier kind.") var resolves = 2000
    @Option(help: "Concurrent connections of the resolve loops.") var connections = 8
    @Option(help: "Every platform's sync interval in seconds.") var syncInterval = 1.0
    @Option(help: "Seconds a resolved foreign record stays fresh in a platform's cache.") var liveTTL = 60.0
    @Option(help: "Tasks submitted at a hub for the cross-platform placement figure (0: skip).") var placements = 500
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func validate() throws {
        guard (2...64).contains(hubs) else { throw ValidationError("--hubs must be between 2 and 64") }
        guard (3...256).contains(provinces) else { throw ValidationError("--provinces must be between 3 and 256") }
        guard provinces > hubs else { throw ValidationError("--provinces must exceed --hubs (a leaf needs a sibling under its hub)") }
        guard (1...100_000).contains(resourcesPerLeaf) else { throw ValidationError("--resources-per-leaf must be between 1 and 100000") }
        guard (0...100_000_000).contains(changes) else { throw ValidationError("--changes must be between 0 and 100000000") }
        guard (1...10_000_000).contains(resolves) else { throw ValidationError("--resolves must be between 1 and 10000000") }
        guard (1...256).contains(connections) else { throw ValidationError("--connections must be between 1 and 256") }
        guard syncInterval >= 0.05, syncInterval <= 60 else { throw ValidationError("--sync-interval must be between 0.05 and 60") }
        guard liveTTL > 0, liveTTL <= 3600 else { throw ValidationError("--live-ttl must be between 0 and 3600") }
        guard (0...1_000_000).contains(placements) else { throw ValidationError("--placements must be between 0 and 1000000") }
    }

    /// The benchmark these options describe.
    func benchmark() -> FederationBenchmark {
        FederationBenchmark(
            hubs: hubs, provinces: provinces, resourcesPerLeaf: resourcesPerLeaf, changes: changes, resolves: resolves,
            connections: connections, syncInterval: syncInterval, liveTTL: liveTTL, placements: placements, log: BenchSupport.printer(quiet: json))
    }

    func run() async throws {
        do {
            let figures = try await benchmark().run()
            if json { print(try BenchSupport.json(figures)) }
        } catch let failure as FederationBenchmark.Failure {
            throw ValidationError(failure.description)
        }
    }
}
