import Foundation
import SuanliCore
import Testing

@testable import SuanliScheduler

@Suite("Placement constraints") struct PlacementTests {
    @Test func alternativesAcrossArchitectures() throws {
        var e = engine([
            resource("86.1.1/cuda", free: 0),
            resource(
                "86.1.2/ascend", provider: "86.1.2", kind: .npu, arch: "aarch64", model: "Huawei Ascend 910B", memoryGiB: 64,
                price: 700),
        ])
        let s = spec(4, accept: [alt(.gpu, arch: "x86_64"), alt(.npu, arch: "aarch64", model: "Huawei Ascend 910B")])
        let outcome = try e.submit("t1", spec: s, now: 0)
        #expect(outcome.placement?.alternative == 1)
        #expect(outcome.resources == ["86.1.2/ascend"])
        // With CUDA capacity back and cheaper, the CUDA build wins.
        e.report(ResourceReport(id: "86.1.1/cuda", freeUnits: 8, priceFenPerUnitHour: 600), now: 1)
        let second = try e.submit("t2", spec: s, now: 1)
        #expect(second.placement?.alternative == 0)
        #expect(second.resources == ["86.1.1/cuda"])
    }

    @Test func gangNeedsOneResourceSplitMaySpread() throws {
        var e = engine((1...3).map { resource("86.1.\($0)/g", provider: "86.1.\($0)", free: 4, price: Int64(900 + $0)) })
        // 8 units on one resource: none has 8 free now, each has 8 in total → queued.
        #expect(try e.submit("gang", spec: spec(8), now: 0).isQueued)
        // Split: 10 units over the cheapest first.
        let split = try e.submit("split", spec: spec(10, gang: false), now: 0)
        let parts = try #require(split.placement?.parts)
        #expect(parts.map(\.units) == [4, 4, 2])
        #expect(parts.map(\.resource) == ["86.1.1/g", "86.1.2/g", "86.1.3/g"])
        // 16 units gang: no resource has 16 units at all → impossible, and says how to fix it.
        let impossible = try #require(try e.submit("big", spec: spec(16), now: 0).explanation)
        #expect(impossible.verdict == .impossible)
        #expect(impossible.message.contains("gang to false"), "\(impossible.message)")
        // 16 units split fits the platform's total (24) → queued, not impossible.
        #expect(try e.submit("big-split", spec: spec(16, gang: false), now: 0).isQueued)
        #expect(try e.submit("huge-split", spec: spec(25, gang: false), now: 0).explanation?.verdict == .impossible)
    }

    @Test func memoryPerUnit() throws {
        var e = engine([
            resource("86.1.1/l40s", model: "NVIDIA L40S", memoryGiB: 48, price: 450),
            resource("86.1.1/a100", memoryGiB: 80, price: 900),
        ])
        #expect(try e.submit("a", spec: spec(1, accept: [alt(.gpu, memory: 64)]), now: 0).resources == ["86.1.1/a100"])
        #expect(try e.submit("b", spec: spec(1, accept: [alt(.gpu, memory: 32)]), now: 0).resources == ["86.1.1/l40s"])
        #expect(
            try e.submit("c", spec: spec(1, accept: [alt(.gpu, memory: 96)]), now: 0).explanation?.step("accept.min_memory_gib")?
                .remaining == 0)
    }

    @Test func latencyFromTheDataLocation() throws {
        var e = engine([
            resource("86.1.1/near", location: "cluster.yangtze-demo-zone", price: 1000),
            resource("86.1.2/far", provider: "86.1.2", location: "cluster.guian", price: 500),
        ])
        let near = try e.submit("a", spec: spec(1, from: "city.shanghai", maxRtt: 10), now: 0)
        #expect(near.resources == ["86.1.1/near"])
        #expect(try #require(near.placement?.parts[0].rttMs) <= 10)
        #expect(try e.submit("b", spec: spec(1, from: "city.shanghai"), now: 0).resources == ["86.1.2/far"])
        let nowhere = try #require(try e.submit("c", spec: spec(1, from: "city.lanzhou", maxRtt: 3), now: 0).explanation)
        #expect(nowhere.message.contains("raise max_rtt_ms"), "\(nowhere.message)")
    }

    @Test func priceAndRenewable() throws {
        var e = engine([
            resource("86.1.1/cheap-brown", price: 500, renewable: 0.2),
            resource("86.1.2/dear-green", provider: "86.1.2", price: 1200, renewable: 0.9),
        ])
        #expect(try e.submit("a", spec: spec(1, maxPrice: 800), now: 0).resources == ["86.1.1/cheap-brown"])
        #expect(try e.submit("b", spec: spec(1, minRenewable: 0.8), now: 0).resources == ["86.1.2/dear-green"])
        let none = try #require(try e.submit("c", spec: spec(1, maxPrice: 1000, minRenewable: 0.8), now: 0).explanation)
        #expect(none.step("min_renewable")?.remaining == 0)
        let tooCheap = try #require(try e.submit("d", spec: spec(1, maxPrice: 100), now: 0).explanation)
        #expect(tooCheap.message.contains("raise max_price_fen_per_unit_hour to 500"), "\(tooCheap.message)")
    }

    @Test func unavailableResourcesGetNothing() throws {
        var e = engine([resource("86.1.1/down", available: false)])
        #expect(try e.submit("a", spec: spec(1), now: 0).isQueued)
        let result = e.setAvailable("86.1.1/down", true, now: 1)
        #expect(result.scheduled.map(\.id) == ["a"])
    }

    @Test func duplicateAndInvalidSubmissions() throws {
        var e = engine([resource("86.1.1/a")])
        _ = try e.submit("a", spec: spec(1), now: 0)
        #expect(throws: SuanliError.self) { try e.submit("a", spec: spec(1), now: 0) }
        do {
            _ = try e.submit("b", spec: spec(0), now: 0)
            Issue.record("expected a validation error")
        } catch { #expect(error.field == "units") }
    }

    /// With one non-zero weight the choice is exactly the best feasible option on that criterion.
    @Test(arguments: [TaskSpec.Objective.cheapest, .closest, .greenest])
    func singleWeightPicksTheBest(objective: TaskSpec.Objective) throws {
        var rng = TestRNG(seed: 42)
        let resources = randomResources(300, rng: &rng)
        let byID = Dictionary(uniqueKeysWithValues: resources.map { ($0.id, $0) })
        var e = engine(resources)
        let cities = national.locations.filter { $0.kind == .city }.map(\.code)
        var placed = 0
        for i in 0..<150 {
            let from = rng.pick(cities)
            let units = rng.pick([1, 2, 4, 8])
            let accept = rng.chance(0.5) ? [alt(.gpu)] : [alt(.gpu, memory: 64), alt(.npu)]
            let maxRtt: Double? = rng.chance(0.5) ? Double(rng.int(5...40)) : nil
            let s = spec(units, accept: accept, from: from, maxRtt: maxRtt, objective: objective)
            // Brute force over the engine's own capacity figures.
            func criterion(_ r: SchedulerResource) -> Double {
                switch objective {
                case .cheapest: Double(r.priceFenPerUnitHour)
                case .closest: national.rttMs(from: from, to: r.location)!
                default: 1 - r.renewable
                }
            }
            let feasible = resources.filter { r in
                accept.contains { a in r.kind == a.kind && r.memoryGiB >= (a.minMemoryGiB ?? 0) }
                    && (maxRtt == nil || national.rttMs(from: from, to: r.location)! <= maxRtt!)
                    && e.capacity(of: r.id)!.effectiveFree >= units
            }
            let outcome = try e.submit("t\(i)", spec: s, now: 0)
            if let best = feasible.map(criterion).min() {
                let chosen = try #require(outcome.placement, "task \(i) should be placed")
                #expect(violation(chosen, s, byID) == nil)
                #expect(criterion(byID[chosen.parts[0].resource]!) == best, "task \(i): \(objective)")
                placed += 1
            } else {
                #expect(outcome.placement == nil)
            }
            if i % 3 == 0 { e.release("t\(i)", now: 0) }
        }
        #expect(placed > 50)
    }

    @Test func splitCheapestIsExactlyCheapest() throws {
        var rng = TestRNG(seed: 7)
        let resources = randomResources(200, rng: &rng).filter { $0.kind == .cpu }
        var e = engine(resources)
        for i in 0..<40 {
            let units = rng.int(10...200)
            let s = spec(units, gang: false, accept: [alt(.cpu, arch: "x86_64")])
            let frees = resources.filter { $0.arch == "x86_64" && $0.kind == .cpu }
                .map { (price: $0.priceFenPerUnitHour, free: e.capacity(of: $0.id)!.effectiveFree) }
                .sorted { $0.price < $1.price }
            var remaining = units
            var optimal: Int64 = 0
            for f in frees where remaining > 0 {
                let take = min(remaining, f.free)
                optimal += Int64(take) * f.price
                remaining -= take
            }
            let outcome = try e.submit("s\(i)", spec: s, now: 0)
            if remaining == 0 {
                let parts = try #require(outcome.placement?.parts)
                #expect(parts.reduce(Int64(0)) { $0 + Int64($1.units) * $1.priceFenPerUnitHour } == optimal)
            }
            if i % 2 == 0 { e.release("s\(i)", now: 0) }
        }
    }
}
