import ArgumentParser
import SuanliBenchmarks

/// `suanli bench scheduler`: online placements/s at scale and batch drain times.
struct SchedulerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Scheduler benchmark: online placements/s at 10k, 100k and 1M resources; batch drains of 1k and 10k tasks.",
        discussion: """
            Online: a synthetic national network and a mixed task stream (training, inference, CPU batch, \
            green, HPC); each placement is one submit (placed, or cancelled if it would queue) and the \
            oldest running task is released once a window of running tasks is full. Batch: tasks queue \
            while every resource is busy, then a quarter of the resources free up at once and the queue \
            is drained (greedy pass plus batch optimiser). With --instance FILE: solve one instance (see \
            scripts/optimality.py) and print the assignment as JSON.
            """)

    @Option(help: "Resource counts for the online phase (comma-separated).") var sizes = "10000,100000,1000000"
    @Option(help: "Timed placements per size.") var placements = 300_000
    @Option(help: "Queued task counts for the batch phase (comma-separated).") var batchTasks = "1000,10000"
    @Option(help: "Resources for the batch phase.") var batchResources = 100_000
    @Option(help: "Share of the batch phase's resources that free up (1 in N).") var batchFreeOneIn: UInt64 = 4
    @Option(help: "Seed of network and workload.") var seed: UInt64 = 7
    @Flag(help: "Print the figures as one JSON object.") var json = false
    @Option(help: .hidden) var instance: String?

    func validate() throws {
        guard parsedSizes.allSatisfy({ (100...5_000_000).contains($0) }), !parsedSizes.isEmpty else {
            throw ValidationError("--sizes must list resource counts between 100 and 5000000")
        }
        guard parsedBatch.allSatisfy({ (1...1_000_000).contains($0) }) else {
            throw ValidationError("--batch-tasks must list task counts between 1 and 1000000")
        }
        guard (1000...10_000_000).contains(placements) else {
            throw ValidationError("--placements must be between 1000 and 10000000")
        }
        guard (100...5_000_000).contains(batchResources) else {
            throw ValidationError("--batch-resources must be between 100 and 5000000")
        }
    }

    var parsedSizes: [Int] { sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
    var parsedBatch: [Int] { batchTasks.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func run() async throws {
        if let instance {
            print(try InstanceRunner.run(path: instance))
            return
        }
        let figures = SchedulerBenchmark(
            sizes: parsedSizes, placements: placements, batchTasks: parsedBatch, batchResources: batchResources,
            batchFreeOneIn: batchFreeOneIn, seed: seed, log: BenchSupport.printer(quiet: json)
        ).run()
        if json { print(try BenchSupport.json(figures)) }
    }
}
