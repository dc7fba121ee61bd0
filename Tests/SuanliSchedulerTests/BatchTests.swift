import Foundation
import SuanliCore
import Testing

@testable import SuanliScheduler

@Suite("Batch optimisation") struct BatchTests {
    /// Greedy in queue order puts T1 on the cheapest GPU and sends T2 to a dear NPU; the batch swaps.
    @Test func batchBeatsGreedyWhereOrderMatters() throws {
        var e = engine([
            resource("86.1.1/a", model: "M1", free: 0, price: 100),
            resource("86.1.2/b", provider: "86.1.2", model: "M2", free: 0, price: 110),
            resource("86.1.3/c", provider: "86.1.3", kind: .npu, arch: "aarch64", model: "N", free: 0, price: 300),
        ])
        #expect(try e.submit("T1", spec: spec(8, accept: [alt(.gpu)]), now: 0).isQueued)
        #expect(try e.submit("T2", spec: spec(8, accept: [alt(.gpu, model: "M1"), alt(.npu)]), now: 0).isQueued)
        let result = e.report(["86.1.1/a", "86.1.2/b", "86.1.3/c"].map { ResourceReport(id: $0, freeUnits: 8) }, now: 1)
        let placed = Dictionary(uniqueKeysWithValues: result.scheduled.map { ($0.id, $0.placement.parts[0].resource) })
        #expect(placed == ["T1": "86.1.2/b", "T2": "86.1.1/a"])
        #expect(result.optimisedCost < result.greedyCost)
        #expect(abs(result.optimisedCost - 8 * (1.1 + 1.0)) < 1e-9)
    }

    @Test(arguments: [11, 12, 13, 14])
    func batchRespectsCapacityAndIsNoWorseThanGreedy(seed: UInt64) throws {
        var rng = TestRNG(seed: seed)
        var resources = randomResources(120, rng: &rng)
        let free = Dictionary(uniqueKeysWithValues: resources.map { ($0.id, $0.available ? $0.freeUnits : 0) })
        for i in resources.indices { resources[i].freeUnits = 0 }
        let byID = Dictionary(uniqueKeysWithValues: resources.map { ($0.id, $0) })
        var withBatch = engine(resources)
        var greedyOnly = engine(resources, configuration: SchedulerConfiguration(batchMinimum: 0))
        var specs: [String: TaskSpec] = [:]
        let cities = national.locations.filter { $0.kind == .city }.map(\.code)
        for i in 0..<150 {
            let s = spec(
                rng.pick([1, 2, 4, 8, 24]), gang: rng.chance(0.7),
                accept: rng.chance(0.6) ? [alt(.gpu), alt(.npu)] : [alt(.cpu)],
                priority: rng.int(0...1), from: rng.pick(cities), maxRtt: rng.chance(0.3) ? 25 : nil,
                objective: rng.pick([.default, .cheapest, .closest, .greenest, .init(price: 1, latency: 1, carbon: 1)]))
            specs["t\(i)"] = s
            _ = try withBatch.submit("t\(i)", spec: s, now: 0)
            _ = try greedyOnly.submit("t\(i)", spec: s, now: 0)
        }
        let reports = resources.map { ResourceReport(id: $0.id, freeUnits: free[$0.id]!, available: free[$0.id]! > 0) }
        let a = withBatch.report(reports, now: 1)
        let b = greedyOnly.report(reports, now: 1)
        #expect(a.scheduled.count > 20)
        // The queue rules decide which tasks run and the optimiser only moves them; room it
        // frees may let a second pass place more.
        #expect(Set(b.scheduled.map(\.id)).isSubset(of: Set(a.scheduled.map(\.id))))
        #expect(a.optimisedCost <= a.greedyCost + 1e-9)
        var used: [String: Int] = [:]
        for task in a.scheduled {
            #expect(
                violation(
                    task.placement, specs[task.id]!,
                    byID.mapValues {
                        var r = $0; r.available = true; return r
                    }) == nil)
            for part in task.placement.parts { used[part.resource, default: 0] += part.units }
        }
        for (id, units) in used { #expect(units <= free[id]!, "\(id): \(units) > \(free[id]!)") }
    }

    @Test func solverOnAHandInstance() {
        // Two resources of 4; tasks of 4, 2, 2 units; the 4 prefers r0 slightly, the 2s prefer r0 a lot.
        var solver = BatchSolver(
            capacity: [4, 4],
            tasks: [
                .init(units: 4, gang: true, priority: 0, candidates: [0, 1], costs: [1.0, 1.1], fixed: false),
                .init(units: 2, gang: true, priority: 0, candidates: [0, 1], costs: [1.0, 3.0], fixed: false),
                .init(units: 2, gang: true, priority: 0, candidates: [0, 1], costs: [1.0, 3.0], fixed: false),
            ])
        let cost = solver.solve(start: [[(0, 4)], [(1, 2)], [(1, 2)]], passes: 10)
        #expect(abs(cost - (4 * 1.1 + 2 + 2)) < 1e-9)
    }
}
