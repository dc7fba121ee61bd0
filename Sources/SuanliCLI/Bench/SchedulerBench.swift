import ArgumentParser
import Foundation
import SuanliCore
import SuanliScheduler

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

    func log(_ line: String) {
        if !json {
            print(line)
            fflush(nil)
        }
    }

    func run() async throws {
        if let instance {
            try InstanceRunner.run(path: instance)
            return
        }
        var figures: [String: Any] = ["cores": ProcessInfo.processInfo.activeProcessorCount]
        log("Suanli scheduler benchmark (one thread)")
        var online: [[String: Any]] = []
        for n in parsedSizes {
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
        for tasks in parsedBatch {
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
        if json {
            let data = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
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

/// Solves one optimality instance: the tasks queue while every resource is busy, then the
/// resources' free units appear and the queue drains (greedy pass + batch optimiser).
enum InstanceRunner {
    struct Instance: Decodable {
        struct Resource: Decodable {
            var id: String
            var provider: String
            var kind: ResourceKind
            var arch: String
            var model: String
            var memoryGiB: Double
            var units: Int
            var freeUnits: Int
            var location: String
            var priceFenPerUnitHour: Int64
            var renewable: Double

            enum CodingKeys: String, CodingKey {
                case id, provider, kind, arch, model, units, location, renewable
                case memoryGiB = "memory_gib"
                case freeUnits = "free_units"
                case priceFenPerUnitHour = "price_fen_per_unit_hour"
            }
        }

        struct Task: Decodable {
            var id: String
            var spec: TaskSpec
        }

        var resources: [Resource]
        var tasks: [Task]
        var repeats: Int?
        /// Optional optimiser settings (experiments).
        var candidates: Int?
        var passes: Int?
    }

    static func run(path: String) throws {
        let instance = try SuanliJSON.decoder().decode(Instance.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        let busy = instance.resources.map {
            SchedulerResource(
                id: $0.id, provider: $0.provider, kind: $0.kind, arch: $0.arch, model: $0.model, memoryGiB: $0.memoryGiB,
                units: $0.units, location: $0.location, priceFenPerUnitHour: $0.priceFenPerUnitHour, renewable: $0.renewable,
                freeUnits: 0)
        }
        let reports = instance.resources.map { ResourceReport(id: $0.id, freeUnits: $0.freeUnits) }
        func prepared(batch: Bool) -> SchedulerEngine {
            var configuration = SchedulerConfiguration()
            if !batch { configuration.batchMinimum = 0 }
            if let k = instance.candidates { configuration.batchCandidates = k }
            if let p = instance.passes { configuration.batchPasses = p }
            var engine = SchedulerEngine(topology: .national, configuration: configuration)
            engine.upsertResources(busy, now: 0)
            for task in instance.tasks { _ = try? engine.submit(task.id, spec: task.spec, now: 0) }
            engine.applyWithoutDrain(reports)
            return engine
        }
        // The options of every task, for the exact solver.
        var reference = prepared(batch: false)
        var pairs: [[String: Any]] = []
        for task in instance.tasks {
            for option in reference.eligibleOptions(for: task.spec) {
                pairs.append([
                    "task": task.id, "resource": option.resource, "cost": option.costPerUnit, "alternative": option.alternative,
                ])
            }
        }
        // Time the drain (best of several runs, after one warm-up).
        let repeats = max(1, instance.repeats ?? 5)
        var best = Double.infinity
        var result = DrainResult.empty
        var greedyBest = Double.infinity
        for _ in 0...repeats {
            var engine = prepared(batch: true)
            var r = DrainResult.empty
            let seconds = BenchSupport.time { r = engine.drain(now: 1) }
            best = min(best, seconds)
            result = r
            var greedyEngine = prepared(batch: false)
            greedyBest = min(greedyBest, BenchSupport.time { _ = greedyEngine.drain(now: 1) })
        }
        let assignment: [[String: Any]] = result.scheduled.map { task in
            [
                "task": task.id, "alternative": task.placement.alternative,
                "parts": task.placement.parts.map { ["resource": $0.resource, "units": $0.units] as [String: Any] },
            ]
        }
        let out: [String: Any] = [
            "drain_s": best, "greedy_drain_s": greedyBest, "greedy_cost": result.greedyCost, "cost": result.optimisedCost,
            "placed": result.scheduled.count, "assignment": assignment, "pairs": pairs,
        ]
        let data = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
