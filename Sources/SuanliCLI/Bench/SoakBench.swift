import ArgumentParser
import SuanliBenchmarks

/// `suanli bench soak`: steady mixed load for N minutes; errors, latency and memory per minute.
struct SoakBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Soak: steady mixed load (resolve, discovery, telemetry, submissions run by two agents) for N minutes.",
        discussion: """
            Prints per minute: requests, errors and latency p50/p99/max per kind, the process's RSS and \
            tasks completed; then a verdict: PASS when there were no errors (failed requests or tasks) \
            and memory stayed flat after warm-up (every minute after the second within +10 % of the \
            second minute's RSS). Exits 1 on FAIL.
            """)

    @Option(help: "Minutes to run.") var minutes = 10
    @Option(help: "Requests per second, all kinds together.") var rate = 200.0
    @Option(help: "Resources seeded for resolve, discovery and telemetry.") var resources = 2_000
    @Option(help: .hidden) var periodSeconds = 60.0
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func validate() throws {
        guard (1...1440).contains(minutes) else { throw ValidationError("--minutes must be between 1 and 1440") }
        guard rate >= 1, rate <= 20_000 else { throw ValidationError("--rate must be between 1 and 20000") }
        guard (10...1_000_000).contains(resources) else { throw ValidationError("--resources must be between 10 and 1000000") }
        guard periodSeconds >= 1, periodSeconds <= 3600 else { throw ValidationError("--period-seconds must be between 1 and 3600") }
    }

    func run() async throws {
        let figures = try await SoakBenchmark(
            minutes: minutes, rate: rate, resources: resources, periodSeconds: periodSeconds, log: BenchSupport.printer(quiet: json)
        ).run()
        if json { print(try BenchSupport.json(figures)) }
        if figures["pass"] as? Bool != true { throw ExitCode(1) }
    }
}
