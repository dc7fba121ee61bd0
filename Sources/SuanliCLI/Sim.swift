import ArgumentParser
import Foundation
import SuanliCore
import SuanliSimulation

/// `suanli sim`: a national network and a task stream, run through the scheduler in simulated time.
struct Sim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate scheduling on a synthetic national network (what-if for operators).",
        discussion: """
            Builds a seeded network on the built-in topology (western sites cheaper and greener, eastern \
            sites closer to demand) and a seeded task stream with mixed constraints (CUDA/Ascend \
            alternatives, gang and split tasks, latency, price and green limits, durations), runs it \
            through the scheduler engine in simulated time and prints placement rate, waits, prices, \
            RTT, renewable share, utilisation by hub and constraint violations (checked independently; \
            must be 0).
            """)

    @Option(help: "Providers in the synthetic network.") var providers = 36
    @Option(help: "Resources in the synthetic network.") var resources = 2000
    @Option(help: "Tasks in the stream.") var tasks = 20_000
    @Option(help: "Seed of network and task stream.") var seed: UInt64 = 1
    @Option(help: "Offered accelerator load relative to accelerator capacity.") var load = 0.9
    @Flag(help: "Greedy placement only (no batch optimiser when draining the queue).") var noBatch = false
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func validate() throws {
        guard (1...10_000).contains(providers) else { throw ValidationError("--providers must be between 1 and 10000") }
        guard (1...1_000_000).contains(resources) else { throw ValidationError("--resources must be between 1 and 1000000") }
        guard (1...10_000_000).contains(tasks) else { throw ValidationError("--tasks must be between 1 and 10000000") }
        guard load > 0, load <= 10 else { throw ValidationError("--load must be between 0 and 10") }
    }

    func run() async throws {
        let parameters = Simulation.Parameters(
            providers: providers, resources: resources, tasks: tasks, seed: seed, load: load, batch: !noBatch)
        var report: Simulation.Report?
        let wall = ContinuousClock().measure { report = Simulation(parameters).run() }
        guard let report else { return }
        if json {
            print(String(decoding: try SuanliJSON.encoder(pretty: false).encode(report), as: UTF8.self))
            return
        }
        let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        for line in report.summary(load: load, wallSeconds: seconds) { print(line) }
    }
}
