import Foundation
import SuanliCore
import Testing

@testable import SuanliScheduler

/// After any sequence of placements, releases, reports (with outside users taking units),
/// running marks, price changes and outages, Suanli never holds a unit that is not free.
@Suite("No over-commit") struct CapacityPropertyTests {
    struct Truth {
        var units: Int
        var external = 0
        var pending = 0  // Suanli units not yet started on the provider
        var running = 0  // Suanli units the provider runs (in its reports)
        var available = true
        var free: Int { units - external - running }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6])
    func randomSequences(seed: UInt64) throws {
        var rng = TestRNG(seed: seed)
        var resources = randomResources(40, rng: &rng)
        for i in resources.indices { resources[i].freeUnits = resources[i].units; resources[i].available = true }
        var truth = Dictionary(uniqueKeysWithValues: resources.map { ($0.id, Truth(units: $0.units)) })
        var e = engine(resources)
        var live: [String: (placement: Placement, started: Bool)] = [:]
        let ids = resources.map(\.id)
        var next = 0

        func record(_ scheduled: [ScheduledTask]) {
            for task in scheduled {
                live[task.id] = (task.placement, false)
                for part in task.placement.parts { truth[part.resource]!.pending += part.units }
            }
        }
        func report(_ id: String) -> ResourceReport {
            ResourceReport(id: id, freeUnits: truth[id]!.free, available: truth[id]!.available)
        }
        func check(_ step: Int) {
            for id in ids {
                let t = truth[id]!
                #expect(t.external + t.pending + t.running <= t.units, "seed \(seed) step \(step): \(id) over-committed \(t)")
                let reserved = e.capacity(of: id)!.reserved
                #expect(reserved == t.pending + t.running, "seed \(seed) step \(step): \(id) reserved \(reserved)")
            }
        }

        for step in 0..<600 {
            switch rng.int(0...9) {
            case 0...3:
                let id = "t\(next)"
                next += 1
                let s = spec(
                    rng.pick([1, 2, 4, 8, 16, 40]), gang: rng.chance(0.6),
                    accept: rng.chance(0.5) ? [alt(.gpu), alt(.npu)] : [alt(.cpu)], priority: rng.int(0...2),
                    duration: Double(rng.int(1...100)), objective: rng.pick([.cheapest, .default, .greenest]))
                if case .scheduled(let placement) = try e.submit(id, spec: s, now: Double(step)) {
                    record([ScheduledTask(id: id, placement: placement)])
                }
            case 4...5:
                guard let id = live.keys.sorted().first(where: { _ in rng.chance(0.3) }) ?? live.keys.sorted().first else {
                    break
                }
                let (placement, started) = live.removeValue(forKey: id)!
                for part in placement.parts {
                    if started {
                        truth[part.resource]!.running -= part.units
                    } else {
                        truth[part.resource]!.pending -= part.units
                    }
                }
                // Provider reports first (sometimes), then the platform releases.
                if started && rng.chance(0.5) {
                    record(e.report(placement.parts.map { report($0.resource) }, now: Double(step)).scheduled)
                }
                record(e.release(id, now: Double(step)).scheduled)
            case 6:
                // A provider starts a task: its agent says so (the platform marks it running) and,
                // usually at once but sometimes only later, the provider's report includes it.
                guard let id = live.keys.sorted().first(where: { !live[$0]!.started }) else { break }
                let placement = live[id]!.placement
                for part in placement.parts {
                    truth[part.resource]!.pending -= part.units
                    truth[part.resource]!.running += part.units
                }
                live[id]!.started = true
                record(e.markRunning(id, now: Double(step)).scheduled)
                if rng.chance(0.7) {
                    record(e.report(placement.parts.map { report($0.resource) }, now: Double(step)).scheduled)
                }
            case 7...8:
                // Outside users take or return units that are really free (they know nothing of pending reservations).
                let id = rng.pick(ids)
                var t = truth[id]!
                let room = t.units - t.running - t.pending
                t.external = rng.int(0...max(0, room))
                if rng.chance(0.1) { t.available.toggle() }
                truth[id] = t
                var r = report(id)
                if rng.chance(0.2) { r.priceFenPerUnitHour = Int64(rng.int(1...2000)) }
                record(e.report(r, now: Double(step)).scheduled)
            default:
                // Draining on its own never over-commits either.
                record(e.drain(now: Double(step)).scheduled)
            }
            check(step)
        }
    }

    /// The naive rule min(reported_free, units − reserved) would promise units an outside user took;
    /// pending reservations keep them blocked.
    @Test func freshReservationsStayBlockedWhenOthersTakeUnits() throws {
        var e = engine([resource("86.1.1/r", free: 4)])  // 4 of 8 used outside Suanli
        #expect(try e.submit("a", spec: spec(4), now: 0).placement != nil)
        #expect(e.capacity(of: "86.1.1/r")?.effectiveFree == 0)
        #expect(try e.submit("b", spec: spec(1), now: 0).isQueued)
        // The provider starts a and reports 0 free; a is marked running; still nothing free.
        e.report(ResourceReport(id: "86.1.1/r", freeUnits: 0), now: 1)
        #expect(e.markRunning("a", now: 1).scheduled.isEmpty)
        #expect(e.capacity(of: "86.1.1/r")?.effectiveFree == 0)
        // The outside user leaves: the provider reports 4 free, which are really free.
        #expect(e.report(ResourceReport(id: "86.1.1/r", freeUnits: 4), now: 2).scheduled.map(\.id) == ["b"])
    }
}
