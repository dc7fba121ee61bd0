import ArgumentParser
import Foundation
import SuanliCore
import SuanliScheduler

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
        let start = ContinuousClock.now
        let report = Simulation(parameters).run()
        let wall = BenchSupport.seconds(ContinuousClock.now - start)
        if json {
            let data = try SuanliJSON.encoder(pretty: false).encode(report)
            print(String(decoding: data, as: UTF8.self))
            return
        }
        func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
        print(
            "Suanli simulation: \(report.providers) providers, \(report.resources) resources, \(report.tasks) tasks, seed \(report.seed), load \(load)"
        )
        print(
            "  placed: \(report.placed) of \(report.tasks - report.rejected) placeable (\(pct(report.placementRate))); \(report.placedImmediately) at once, \(report.expired) expired at their deadline, \(report.stillQueued) still queued, \(report.rejected) rejected as impossible"
        )
        print(String(format: "  wait: mean %.0f s, p95 %.0f s", report.meanWaitS, report.p95WaitS))
        print(
            String(
                format:
                    "  mean price: %.1f fen per accelerator-hour, %.1f fen per core-hour; mean RTT from data: %.1f ms; renewable share: %@",
                report.meanAcceleratorPrice, report.meanCPUPrice, report.meanRttMs, pct(report.renewableShare)))
        print(
            "  placed by class: "
                + report.placedByClass.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print("  utilisation by hub over \(String(format: "%.1f", report.simulatedHours)) simulated hours:")
        let topology = Topology.national
        for hub in Topology.hubCodes {
            let name = topology.location(code: hub)?.name ?? hub
            print(
                "    \(hub.padding(toLength: 24, withPad: " ", startingAt: 0)) \(pct(report.utilizationByHub[hub] ?? 0).padding(toLength: 7, withPad: " ", startingAt: 0)) \(name)"
            )
        }
        if report.drainOptimisedCost < report.drainGreedyCost {
            print(
                String(
                    format: "  batch optimiser: drained placements cost %.1f instead of %.1f greedy (%.2f%% lower)",
                    report.drainOptimisedCost, report.drainGreedyCost,
                    (1 - report.drainOptimisedCost / max(1e-9, report.drainGreedyCost)) * 100))
        }
        print("  constraint violations (checked independently): \(report.violations)")
        print("  \(report.counters)")
        for sample in report.violationSamples { print("    \(sample)") }
        print(
            String(
                format: "  engine: %d calls in %.2f s (%.1f µs/call); wall %.2f s", report.engineCalls, report.engineSeconds,
                report.engineSeconds / Double(max(1, report.engineCalls)) * 1e6, wall))
    }
}
