import Foundation
import SuanliCore
import SuanliScheduler

/// Solves one optimality instance: the tasks queue while every resource is busy, then the
/// resources' free units appear and the queue drains (greedy pass + batch optimiser).
public enum InstanceRunner {
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

    /// Solves the instance in the JSON file at `path` and returns the result as JSON (the
    /// assignment, costs, drain times and every task's options for the exact solver).
    public static func run(path: String) throws -> String {
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
        return try BenchSupport.json(out)
    }
}
