import ArgumentParser
import SuanliBenchmarks

/// `suanli bench registry`: load, memory, resolve, discovery and HTTP figures at scale.
struct RegistryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Registry benchmark: load time, memory per resource, resolves/s, discovery latency, HTTP resolves/s.")

    @Option(help: "Resources to register.") var resources = 1_000_000
    @Option(help: "Concurrent HTTP clients for the loopback phase.") var httpConcurrency = 32
    @Option(help: "Seconds of HTTP load.") var httpSeconds: Double = 3
    @Option(help: "Seed of the synthetic network.") var seed: UInt64 = 7
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func validate() throws {
        guard (1000...5_000_000).contains(resources) else { throw ValidationError("--resources must be between 1000 and 5000000") }
        guard (1...512).contains(httpConcurrency) else { throw ValidationError("--http-concurrency must be between 1 and 512") }
        guard httpSeconds > 0, httpSeconds <= 60 else { throw ValidationError("--http-seconds must be between 0 and 60") }
    }

    func run() async throws {
        let figures = try await RegistryBenchmark(
            resources: resources, httpConcurrency: httpConcurrency, httpSeconds: httpSeconds, seed: seed,
            log: BenchSupport.printer(quiet: json)
        ).run()
        if json { print(try BenchSupport.json(figures)) }
    }
}
