import ArgumentParser
import SuanliBenchmarks

/// `suanli bench resolve`: `GET /v1/resolve/{id}` against nginx serving the same record, with wrk.
struct ResolveBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Resolve at wire speed: Suanli's GET /v1/resolve/{id} vs nginx serving the same record as a static file.",
        discussion: """
            Seeds a registry, starts Suanli's server and nginx (minimal config in a temporary directory, \
            loopback, a free port), runs the same `wrk -t1 -cN -dSs --latency` against each in turn for \
            --rounds rounds and prints req/s, latency and each round's ratio, then the median round's \
            ratio, plus in-process resolves/s. Needs nginx and wrk (apt-get install -y nginx wrk).
            """)

    @Option(help: "Resources in the seeded registry.") var resources = 100_000
    @Option(help: "wrk connections (-c).") var connections = 32
    @Option(help: "Seconds of load per server and round (-d).") var seconds = 10
    @Option(help: "Rounds of Suanli then nginx; the median round's ratio is reported.") var rounds = 3
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func validate() throws {
        guard (1000...5_000_000).contains(resources) else { throw ValidationError("--resources must be between 1000 and 5000000") }
        guard (1...4096).contains(connections) else { throw ValidationError("--connections must be between 1 and 4096") }
        guard (1...600).contains(seconds) else { throw ValidationError("--seconds must be between 1 and 600") }
        guard (1...15).contains(rounds) else { throw ValidationError("--rounds must be between 1 and 15") }
    }

    func run() async throws {
        do {
            let figures = try await ResolveBenchmark(
                resources: resources, connections: connections, seconds: seconds, rounds: rounds, log: BenchSupport.printer(quiet: json)
            ).run()
            if json { print(try BenchSupport.json(figures)) }
        } catch let missing as ResolveBenchmark.Missing {
            throw ValidationError(missing.description)
        }
    }
}
