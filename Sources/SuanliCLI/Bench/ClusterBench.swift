import ArgumentParser
import Foundation
import SuanliBenchmarks

/// `suanli bench cluster`: rates through 1, 2 and 3 instances on one PostgreSQL, against SQLite.
struct ClusterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Resolves, discovery, telemetry and submissions per second with 1, 2 and 3 instances on one PostgreSQL, next to one SQLite instance.")

    // No default value: the URL may hold a password.
    @Option(name: .customLong("database"), help: "The PostgreSQL to use (default: $SUANLI_DATABASE_URL); each configuration gets a schema of its own.")
    var databaseOption: String?
    @Option(help: "Seconds each operation is measured.") var seconds = 3.0
    @Option(help: "Concurrent request loops, spread over the instances in turn.") var concurrency = 16
    @Option(help: "Resources registered.") var resources = 200
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func validate() throws {
        guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be in (0, 600]") }
        guard (1...512).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 512") }
        guard (1...100_000).contains(resources) else { throw ValidationError("--resources must be between 1 and 100000") }
        guard databaseURL != nil else { throw ValidationError("--database (or SUANLI_DATABASE_URL) is needed: a PostgreSQL to run the instances on") }
    }

    var databaseURL: String? {
        let value = databaseOption ?? ProcessInfo.processInfo.environment["SUANLI_DATABASE_URL"] ?? ""
        return value.isEmpty ? nil : value
    }

    func run() async throws {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let figures = try await ClusterBenchmark(
            databaseURL: databaseURL ?? "", executable: executable, seconds: seconds, concurrency: concurrency, resources: resources,
            log: BenchSupport.printer(quiet: json)
        ).run()
        if json { print(try BenchSupport.json(figures)) }
    }
}
