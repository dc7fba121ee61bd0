import ArgumentParser
import Foundation
import SuanliBenchmarks

/// `suanli bench e2e`: submit-to-running latency and completed tasks/s with real agents on loopback.
struct EndToEndBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e",
        abstract: "End-to-end benchmark: a platform and two agents on loopback run trivial tasks (`true`).")

    @Option(help: "Tasks to run.") var tasks = 10_000
    @Option(help: "Concurrent submitters.") var concurrency = 32
    @Option(help: "Units (cores) each agent offers; bounds tasks running at once.") var units = 64
    @Option(help: "Tasks submitted one at a time (on an idle platform) to measure submit-to-running latency.")
    var latencySamples = 200
    @Option(help: "Jobs for the Slurm comparison (sbatch directly vs through Suanli's Slurm executor); 0 skips it.")
    var slurmJobs = 40
    @Option(
        help: ArgumentHelp(
            "Where the agents keep task directories and logs (an existing directory).",
            discussion: "By default a fresh directory in /dev/shm when that is a RAM filesystem, else in $TMPDIR; the platform's database is always in $TMPDIR."))
    var workDir: String?
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func validate() throws {
        guard (1...1_000_000).contains(tasks) else { throw ValidationError("--tasks must be between 1 and 1000000") }
        guard (1...512).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 512") }
        if let workDir {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: workDir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--work-dir \(workDir) is not an existing directory; create it first or leave the option out")
            }
        }
    }

    func run() async throws {
        let figures = try await EndToEndBenchmark(
            tasks: tasks, concurrency: concurrency, units: units, latencySamples: latencySamples, slurmJobs: slurmJobs,
            workDirectory: workDir, log: BenchSupport.printer(quiet: json)
        ).run()
        if json { print(try BenchSupport.json(figures)) }
    }
}
