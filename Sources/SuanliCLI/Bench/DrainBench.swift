import ArgumentParser
import SuanliBenchmarks

/// `suanli bench drain`: `/healthz` and resolve latency while a large queue drains, against idle.
struct DrainBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain",
        abstract: "Request latency (/healthz, resolve) while the platform drains a large queue, against idle.")

    @Option(help: "Tasks queued, then drained.") var tasks = 20_000
    @Option(help: "CPU resources registered.") var resources = 2_000
    @Option(help: "Units each resource offers.") var units = 16
    @Option(help: "Providers (locations) the resources are spread over.") var providers = 8
    @Option(help: "Concurrent request loops per probed endpoint.") var loops = 2
    @Option(help: "Seconds the idle phase probes.") var idleSeconds = 3.0
    @Option(help: "Concurrent submitters while queueing.") var concurrency = 32
    @Option(help: "Upper bound in seconds for the drain phase.") var drainTimeout = 300.0
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func validate() throws {
        guard (1...1_000_000).contains(tasks) else { throw ValidationError("--tasks must be between 1 and 1000000") }
        guard (1...200).contains(providers) else { throw ValidationError("--providers must be between 1 and 200") }
        guard (providers...1_000_000).contains(resources) else {
            throw ValidationError("--resources must be between --providers and 1000000")
        }
        guard (1...1_000_000).contains(units) else { throw ValidationError("--units must be between 1 and 1000000") }
        guard tasks <= resources * units else {
            throw ValidationError("--tasks (\(tasks)) must fit the freed capacity, --resources × --units (\(resources * units))")
        }
        guard (1...64).contains(loops) else { throw ValidationError("--loops must be between 1 and 64") }
        guard (1...512).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 512") }
        guard idleSeconds > 0, idleSeconds <= 600 else { throw ValidationError("--idle-seconds must be in (0, 600]") }
        guard drainTimeout > 0, drainTimeout <= 3600 else { throw ValidationError("--drain-timeout must be in (0, 3600]") }
    }

    func run() async throws {
        let figures = try await DrainLatencyBenchmark(
            tasks: tasks, resources: resources, unitsPerResource: units, providers: providers, loops: loops,
            idleSeconds: idleSeconds, concurrency: concurrency, drainTimeoutSeconds: drainTimeout,
            log: BenchSupport.printer(quiet: json)
        ).run()
        if json { print(try BenchSupport.json(figures)) }
    }
}
