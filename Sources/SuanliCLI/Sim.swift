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

            With --trace FILE it instead replays a real workload in the Standard Workload Format of \
            the Parallel Workloads Archive on one machine of the trace's size (MaxProcs, else \
            MaxNodes), through the same scheduler engine: --order fcfs|sjf, --backfill easy|none, \
            --from N --jobs M for a slice; --network also spreads the jobs over the synthetic national \
            network, within 10 ms of their home city and across regions. See docs/simulation.md.
            """)

    @Option(help: "Providers in the synthetic network.") var providers = 36
    @Option(help: "Resources in the synthetic network.") var resources = 2000
    @Option(help: "Tasks in the stream.") var tasks = 20_000
    @Option(help: "Seed of network and task stream.") var seed: UInt64 = 1
    @Option(
        help:
            "Offered accelerator load relative to accelerator capacity (default 0.9); with --trace --network, the load on the network's CPU cores (default: the trace's own)."
    )
    var load: Double?
    @Flag(help: "Greedy placement only (no batch optimiser when draining the queue).") var noBatch = false
    @Flag(help: "Order equal-priority tasks by submission only, not by their consumer's fair-share factor (to compare).")
    var noFairShare = false
    @Flag(help: "No spot resources and no preemptible tasks (to compare).")
    var noSpot = false
    @Flag(help: "Print the figures as one JSON object.") var json = false
    @Option(help: "Replay this SWF workload trace on one machine instead of the synthetic stream.") var trace: String?
    @Option(help: "Trace queue order: fcfs (submission) or sjf (shortest requested time first).") var order: String?
    @Option(help: "Trace backfilling: easy or none.") var backfill: String?
    @Option(help: "First trace job to replay (0-based, after cleaning).") var from: Int?
    @Option(help: "Trace jobs to replay (default: to the end).") var jobs: Int?
    @Flag(help: "Also replay the trace on the synthetic national network (regional and cross-region).") var network = false

    func validate() throws {
        if trace == nil {
            let traceOnly = [
                ("--order", order != nil), ("--backfill", backfill != nil), ("--from", from != nil), ("--jobs", jobs != nil),
                ("--network", network),
            ]
            for (flag, given) in traceOnly where given { throw ValidationError("\(flag) needs --trace FILE") }
        }
        if let order, TraceReplay.Order(rawValue: order) == nil {
            throw ValidationError("--order must be fcfs or sjf, got '\(order)'")
        }
        if let backfill, TraceReplay.Backfill(rawValue: backfill) == nil {
            throw ValidationError("--backfill must be easy or none, got '\(backfill)'")
        }
        if let from, from < 0 { throw ValidationError("--from must be 0 or more") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        guard (1...10_000).contains(providers) else { throw ValidationError("--providers must be between 1 and 10000") }
        guard (1...1_000_000).contains(resources) else { throw ValidationError("--resources must be between 1 and 1000000") }
        guard (1...10_000_000).contains(tasks) else { throw ValidationError("--tasks must be between 1 and 10000000") }
        if let load, !(load > 0 && load <= 10) { throw ValidationError("--load must be between 0 and 10") }
        if trace != nil, load != nil, !network { throw ValidationError("--load with --trace needs --network") }
    }

    func run() async throws {
        if let trace {
            replay(trace)
            return
        }
        let parameters = Simulation.Parameters(
            providers: providers, resources: resources, tasks: tasks, seed: seed, load: load ?? 0.9, batch: !noBatch,
            fairShare: !noFairShare, spot: !noSpot)
        var report: Simulation.Report?
        let progress = ProgressLine("simulating: tasks arrived", total: tasks)
        let wall = ContinuousClock().measure { report = Simulation(parameters).run { arrived, _ in progress.update(arrived) } }
        progress.finish()
        guard let report else { return }
        if json {
            print(String(decoding: try SuanliJSON.encoder(pretty: false).encode(report), as: UTF8.self))
            return
        }
        let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        for line in report.summary(load: load ?? 0.9, wallSeconds: seconds) { print(line) }
    }

    /// `--trace`: replays the file and prints its figures (errors end the process with a message).
    func replay(_ path: String) {
        let options = TraceReplay.Options(
            order: order.flatMap(TraceReplay.Order.init(rawValue:)) ?? .fcfs,
            backfill: backfill.flatMap(TraceReplay.Backfill.init(rawValue:)) ?? .easy)
        let clock = ContinuousClock()
        let began = clock.now
        let parsed: SWFTrace
        do { parsed = try SWFTrace(contentsOf: path) } catch { fail("\(path): \(error.description)") }
        let slice: [SWFTrace.Job]
        let outcome: TraceReplay.Outcome
        var networkReport: TraceNetworkReplay.Report?
        do {
            slice = try TraceReplay.slice(parsed.jobs, from: from ?? 0, count: jobs)
            outcome = try TraceReplay.run(slice, processors: parsed.machineProcessors, options: options)
            if network {
                networkReport = try TraceNetworkReplay(.init(load: load)).run(
                    slice, machineProcessors: parsed.machineProcessors, options: options)
            }
        } catch {
            fail("\(path): \(error.description)")
        }
        let elapsed = clock.now - began
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if json {
            let output = TraceOutput(report: outcome.report, network: networkReport)
            guard let data = try? SuanliJSON.encoder(pretty: false).encode(output) else { fail("cannot encode the report") }
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let r = outcome.report
        let skipped = parsed.skipped
        let name = URL(fileURLWithPath: path).lastPathComponent
        print(
            "Trace replay: \(name), \(parsed.machineProcessors) processors, \(parsed.records) records, \(parsed.jobs.count) jobs after cleaning"
        )
        print(
            "  skipped: \(skipped.nonPositiveRunTime) with run time ≤ 0, \(skipped.noProcessors) without processors, \(skipped.tooManyProcessors) larger than the machine"
        )
        let start = from ?? 0
        print(
            "  replayed: jobs \(start)..<\(start + slice.count) (\(r.jobs)), \(options.order.rawValue) order, \(options.backfill == .easy ? "EASY backfilling" : "no backfilling"), through the scheduler engine"
        )
        print(
            String(
                format: "  wait: mean %.0f s, max %.0f s; mean bounded slowdown %.2f", r.meanWaitS, r.maxWaitS,
                r.meanBoundedSlowdown))
        print(
            String(
                format: "  utilization %.1f%%, makespan %.0f s (%.1f days)", r.utilization * 100, r.makespanS,
                r.makespanS / 86_400))
        if let n = networkReport {
            print(
                String(
                    format:
                        "  national network: %d CPU nodes, %d cores of %d providers; submissions %.1f× faster (offered load %.1f%%); %d jobs out of regional reach left out",
                    n.cpuResources, n.cpuCores, n.providers, n.timeCompression, n.offeredLoad * 100, n.outOfRegionalReach))
            for (label, run) in [("within \(Int(n.regionalRttMs)) ms of home", n.regional), ("cross-region", n.crossRegion)] {
                print(
                    String(
                        format:
                            "    %@: mean wait %.0f s, max %.0f s, bounded slowdown %.2f, utilization %.1f%%, mean RTT %.1f ms, %.1f%% outside the home hub",
                        label, run.meanWaitS, run.maxWaitS, run.meanBoundedSlowdown, run.utilization * 100, run.meanRttMs,
                        run.outsideHomeHub * 100))
            }
        }
        print(String(format: "  wall %.2f s", wall))
    }
}

/// `sim --trace --json`: the replay's figures, and with `--network` the network runs under `network`.
struct TraceOutput: Encodable {
    var report: TraceReplay.Report
    var network: TraceNetworkReplay.Report?

    enum CodingKeys: String, CodingKey { case network }

    func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        if let network {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(network, forKey: .network)
        }
    }
}
