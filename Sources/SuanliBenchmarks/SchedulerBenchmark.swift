import Foundation
import SuanliCore
import SuanliScheduler
import SuanliSimulation

/// The scheduler benchmark behind `suanli bench scheduler`: online placements/s at several
/// network sizes and batch drain times.
///
/// Online: a synthetic national network and a mixed task stream (training, inference, CPU
/// batch, green, HPC); each placement is one submit (placed, or cancelled if it would queue)
/// and the oldest running task is released once a window of running tasks is full. Batch:
/// tasks queue while every resource is busy, then a share of the resources free up at once and
/// the queue is drained (greedy pass plus batch optimiser).
public struct SchedulerBenchmark: Sendable {
    /// Resource counts for the online phase.
    public var sizes: [Int]
    /// Timed placements per size.
    public var placements: Int
    /// Queued task counts for the batch phase.
    public var batchTasks: [Int]
    /// Resources for the batch phase.
    public var batchResources: Int
    /// Share of the batch phase's resources that free up (1 in N).
    public var batchFreeOneIn: UInt64
    /// Seed of network and workload.
    public var seed: UInt64
    /// Where progress lines go.
    public var log: @Sendable (String) -> Void

    /// Creates the benchmark; the defaults are `suanli bench scheduler`'s.
    public init(
        sizes: [Int] = [10_000, 100_000, 1_000_000], placements: Int = 300_000, batchTasks: [Int] = [1000, 10_000],
        batchResources: Int = 100_000, batchFreeOneIn: UInt64 = 4, seed: UInt64 = 7,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.sizes = sizes
        self.placements = placements
        self.batchTasks = batchTasks
        self.batchResources = batchResources
        self.batchFreeOneIn = batchFreeOneIn
        self.seed = seed
        self.log = log
    }

    /// Runs both phases, logging progress; returns the figures (`--json` prints them).
    public func run() -> [String: Any] {
        var figures: [String: Any] = ["cores": ProcessInfo.processInfo.activeProcessorCount]
        log("Suanli scheduler benchmark (one thread)")
        var online: [[String: Any]] = []
        for n in sizes {
            let f = onlinePhase(resources: n)
            online.append(f)
            let rate = f["placements_per_s"] as! Double
            let target = n == 100_000 ? String(format: " (target ≥ 100,000/s at 100k: %.2fx)", rate / 100_000) : ""
            log(
                String(
                    format:
                        "  online, %@ resources: %@ placements/s, %.2f µs each%@; %.0f%% placed, %.0f%% would queue; load %.2f s, engine %.0f bytes/resource",
                    BenchSupport.rate(Double(n)), BenchSupport.rate(rate), 1e6 / rate, target,
                    (f["placed_share"] as! Double) * 100, (f["queued_share"] as! Double) * 100, f["load_s"] as! Double,
                    f["bytes_per_resource"] as! Double))
        }
        figures["online"] = online
        var batch: [[String: Any]] = []
        for tasks in batchTasks {
            let f = batchPhase(resources: batchResources, tasks: tasks)
            batch.append(f)
            let seconds = f["drain_s"] as! Double
            let target = tasks == 10_000 ? String(format: " (target < 1 s for 10k × 100k: %.2fx of budget)", seconds) : ""
            log(
                String(
                    format:
                        "  batch, %@ queued tasks × %@ resources: drain %.3f s%@ — greedy pass alone %.3f s; %d placed; batch cost %.2f%% below greedy",
                    BenchSupport.rate(Double(tasks)), BenchSupport.rate(Double(batchResources)), seconds, target,
                    f["greedy_drain_s"] as! Double, f["placed"] as! Int, f["improvement_pct"] as! Double))
        }
        figures["batch"] = batch
        return figures
    }

    func network(_ n: Int) -> (SyntheticNetwork, [SchedulerResource]) {
        let network = SyntheticNetwork(providers: max(36, n / 2000), resources: n, seed: seed)
        return (network, (0..<n).map { Simulation.schedulerResource(network, $0) })
    }

    func onlinePhase(resources n: Int) -> [String: Any] {
        let (_, resources) = network(n)
        BenchSupport.trimHeap()
        let before = BenchSupport.residentBytes()
        var engine = SchedulerEngine(topology: .national, configuration: SchedulerConfiguration(seed: seed))
        let loadSeconds = BenchSupport.time { engine.upsertResources(resources, now: 0) }
        let bytes = Double(BenchSupport.residentBytes() - before) / Double(n)
        let workload = SyntheticWorkload(seed: seed)
        let specs = (0..<4096).map { i -> TaskSpec in
            var s = workload.spec(i)
            s.deadline = nil
            return s
        }
        let window = max(100, n / 4)
        let total = placements + 20_000
        let ids = (0..<total).map { "b\($0)" }
        var live = [Int](repeating: -1, count: window)
        var placed = 0
        var queued = 0
        var impossible = 0
        var seconds = 0.0
        var units = 0
        func step(_ i: Int) {
            let slot = i % window
            if live[slot] >= 0 {
                engine.release(ids[live[slot]], now: Double(i))
                live[slot] = -1
            }
            switch try? engine.submit(ids[i], spec: specs[i & 4095], now: Double(i)) {
            case .scheduled(let p):
                placed += 1
                units += p.units
                live[slot] = i
            case .queued:
                queued += 1
                engine.release(ids[i], now: Double(i))
            default:
                impossible += 1
            }
        }
        for i in 0..<20_000 { step(i) }
        placed = 0
        queued = 0
        impossible = 0
        seconds = BenchSupport.time { for i in 20_000..<total { step(i) } }
        let decisions = Double(placements)
        return [
            "resources": n, "load_s": loadSeconds, "bytes_per_resource": bytes, "placements": placements,
            "seconds": seconds, "placements_per_s": decisions / seconds, "placed_share": Double(placed) / decisions,
            "queued_share": Double(queued) / decisions, "impossible_share": Double(impossible) / decisions, "window": window,
        ]
    }

    func batchPhase(resources n: Int, tasks: Int) -> [String: Any] {
        let (_, free) = network(n)
        let busy = free.map { r -> SchedulerResource in
            var r = r
            r.freeUnits = 0
            return r
        }
        let workload = SyntheticWorkload(seed: seed &+ 1)
        let specs = (0..<tasks).map { i -> TaskSpec in
            var s = workload.spec(i)
            s.deadline = nil
            return s
        }
        // A quarter of the resources free up (the rest stay busy), so tasks compete for capacity.
        let reports = free.enumerated().map { i, r in
            ResourceReport(id: r.id, freeUnits: SplitMix64.mix(seed, UInt64(i)) % batchFreeOneIn == 0 ? r.freeUnits : 0)
        }
        func measure(batch: Bool) -> (seconds: Double, result: DrainResult) {
            var configuration = SchedulerConfiguration(seed: seed)
            if !batch { configuration.batchMinimum = 0 }
            var engine = SchedulerEngine(topology: .national, configuration: configuration)
            engine.upsertResources(busy, now: 0)
            for (i, s) in specs.enumerated() { _ = try? engine.submit("q\(i)", spec: s, now: 0) }
            engine.applyWithoutDrain(reports)
            var result = DrainResult.empty
            let seconds = BenchSupport.time { result = engine.drain(now: 1) }
            return (seconds, result)
        }
        let greedy = measure(batch: false)
        let optimised = measure(batch: true)
        let improvement =
            optimised.result.greedyCost > 0 ? (1 - optimised.result.optimisedCost / optimised.result.greedyCost) * 100 : 0
        return [
            "resources": n, "tasks": tasks, "drain_s": optimised.seconds, "greedy_drain_s": greedy.seconds,
            "placed": optimised.result.scheduled.count, "greedy_cost": optimised.result.greedyCost,
            "optimised_cost": optimised.result.optimisedCost, "improvement_pct": improvement,
        ]
    }
}
