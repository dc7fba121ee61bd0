import Foundation
import SuanliCore
import Testing

@testable import SuanliRegistry

/// Sorted discovery (`sort=rtt|price|renewable`) against the brute-force model: every page,
/// followed through cursors and with changes between pages, is the model's matches after the
/// last item's `(key, registration)`, in that order.
@Suite("Discovery sorted")
struct DiscoverySortTests {
    typealias World = DiscoveryModelTests.World

    /// The model's sort key of a resource (smaller first), as the API documents it.
    static func key(_ world: World, _ id: String, _ q: DiscoveryQuery) -> Double {
        let r = world.model.resources[id]!
        switch q.sort {
        case .registered: return 0
        case .rtt: return world.model.topology.rttMs(from: q.near!, to: r.spec.location)!
        case .price: return Double(r.spec.priceFenPerUnitHour)
        case .renewable: return -world.model.renewable(r)
        case .pricePerStandard:
            return r.spec.standardTFLOPSPerUnit.map { Double(r.spec.priceFenPerUnitHour) / $0 } ?? .greatestFiniteMagnitude
        }
    }

    /// The model's answer in `q.sort` order, ties in registration order.
    static func answer(_ world: World, _ q: DiscoveryQuery) -> [(id: String, key: Double, seq: UInt64)] {
        world.model.answer(q, now: world.now)
            .map { (id: $0, key: key(world, $0, q), seq: world.model.resources[$0]!.seq) }
            .sorted { $0.key != $1.key ? $0.key < $1.key : $0.seq < $1.seq }
    }

    static func sortedQuery(_ world: inout World) -> DiscoveryQuery {
        var q = world.randomQuery()
        q.sort = [.rtt, .price, .renewable, .pricePerStandard].randomElement(using: &world.rng)!
        if q.sort == .rtt && q.near == nil {
            q.near = world.codes.randomElement(using: &world.rng)!
            q.maxRttMs = Double(Int.random(in: 5...400, using: &world.rng)) / 10
        }
        return q
    }

    @Test(arguments: [UInt64(7), 8])
    func sortedPagesAgreeWithModel(seed: UInt64) throws {
        var world = World(seed: seed, providers: 8, timeout: 30)
        for step in 0..<600 {
            world.now += 0.05
            world.create()
            if world.rng.chance(0.05) { _ = world.deleteRandom() }
            if step % 20 == 0 { world.telemetry() }
        }
        for round in 0..<40 {
            var q = Self.sortedQuery(&world)
            q.limit = [2, 7, 50, 1000].randomElement(using: &world.rng)!
            var after: (key: Double, seq: UInt64)? = nil
            var seen = Set<String>()
            var pages = 0
            while true {
                let rest = Self.answer(world, q).filter { item in
                    guard let after else { return true }
                    return item.key != after.key ? item.key > after.key : item.seq > after.seq
                }
                let page = try world.registry.discover(q, now: Date(timeIntervalSince1970: world.now))
                #expect(page.items.map(\.id.string) == rest.prefix(q.limit).map(\.id), "round \(round) page \(pages) of \(q.parameters)")
                #expect((page.nextCursor != nil) == (rest.count > q.limit), "round \(round) page \(pages) of \(q.parameters)")
                for rec in page.items {
                    #expect(seen.insert(rec.id.string).inserted, "returned twice")
                    world.compare(rec, near: q.near)
                }
                pages += 1
                guard let cursor = page.nextCursor, let last = page.items.last else { break }
                after = (Self.key(world, last.id.string, q), world.model.resources[last.id.string]!.seq)
                q.cursor = cursor
                // Changes between pages (half the rounds): items whose key did not change are never repeated or skipped.
                if round % 2 == 0 {
                    _ = world.deleteRandom()
                    world.create()
                }
            }
        }
    }

    @Test func nearestFirstWithRTTColumn() throws {
        var r = Registry(heartbeatTimeout: 30)
        r.addProvider(makeProvider("86.1.1", renewable: 0.3))
        r.addProvider(makeProvider("86.1.2", renewable: 0.9, location: "cluster.zhongwei"))
        // Registered far to near.
        _ = r.upsert(ident("86.1.2/zw/gpu-1"), spec: makeSpec(location: "cluster.zhongwei", price: 500), now: t0)
        _ = r.upsert(ident("86.1.1/wuhu/gpu-1"), spec: makeSpec(location: "cluster.wuhu", price: 900), now: t0)
        _ = r.upsert(ident("86.1.1/sh/gpu-1"), spec: makeSpec(location: "city.shanghai", price: 2000), now: t0)
        _ = r.upsert(ident("86.1.1/sh/gpu-2"), spec: makeSpec(location: "city.shanghai", price: 700, renewable: 0.95), now: t0)
        let near = DiscoveryQuery(near: "city.shanghai", maxRttMs: 100, limit: 10, sort: .rtt)
        let page = try r.discover(near, now: t0)
        #expect(page.items.map(\.id.string) == ["86.1.1/sh/gpu-1", "86.1.1/sh/gpu-2", "86.1.1/wuhu/gpu-1", "86.1.2/zw/gpu-1"])
        let rtts = page.items.map { $0.rttMs ?? -1 }
        #expect(rtts == rtts.sorted() && rtts.allSatisfy { $0 >= 0 })
        #expect(rtts[2] == (Topology.national.rttMs(from: "city.shanghai", to: "cluster.wuhu")! * 10).rounded() / 10)
        // Registration order still carries the RTT column; no near, no column.
        #expect(try r.discover(DiscoveryQuery(near: "city.shanghai", maxRttMs: 100), now: t0).items.allSatisfy { $0.rttMs != nil })
        #expect(try r.discover(DiscoveryQuery(), now: t0).items.allSatisfy { $0.rttMs == nil })
        // Cheapest and greenest first.
        #expect(try r.discover(DiscoveryQuery(sort: .price), now: t0).items.map(\.priceFenPerUnitHour) == [500, 700, 900, 2000])
        #expect(try r.discover(DiscoveryQuery(sort: .renewable), now: t0).items.map(\.id.string)
            == ["86.1.1/sh/gpu-2", "86.1.2/zw/gpu-1", "86.1.1/wuhu/gpu-1", "86.1.1/sh/gpu-1"])
        // sort=rtt without near, and a cursor of another order, are refused.
        let noNear = #expect(throws: SuanliError.self) { try r.discover(DiscoveryQuery(sort: .rtt), now: t0) }
        #expect(noNear?.field == "sort")
        let first = try r.discover(DiscoveryQuery(limit: 1, sort: .price), now: t0)
        let cursor = try #require(first.nextCursor)
        let mixed = #expect(throws: SuanliError.self) { try r.discover(DiscoveryQuery(limit: 1, cursor: cursor), now: t0) }
        #expect(mixed?.field == "cursor")
        let second = try r.discover(DiscoveryQuery(limit: 1, cursor: cursor, sort: .price), now: t0)
        #expect(second.items.map(\.priceFenPerUnitHour) == [700])
        for bad in ["p", "p.", "pzz", "p1.", "p.1", "pzzzzzzzzzzzzzzzzzzzzz.1", "r1.1"] {
            #expect(throws: SuanliError.self, "\(bad)") { try r.discover(DiscoveryQuery(cursor: bad, sort: .price), now: t0) }
        }
    }

    @Test func unavailableReasonSaysWhy() throws {
        var r = Registry(heartbeatTimeout: 30)
        r.addProvider(makeProvider("86.1.1"))
        _ = r.upsert(ident("86.1.1/a"), spec: makeSpec(), now: t0)
        #expect(r.resolve("86.1.1/a", now: at(30))?.unavailableReason == nil)
        #expect(r.resolve("86.1.1/a", now: at(34))?.unavailableReason == "stale: last report 34 s ago (limit 30 s)")
        #expect(r.resolve("86.1.1/a", now: at(3 * 3600 + 5))?.unavailableReason == "stale: last report 3 h ago (limit 30 s)")
        _ = try r.applyTelemetry([TelemetryReport(id: "86.1.1/a", freeUnits: 8, healthy: false)], from: prefix("86.1.1"), now: at(40))
        let unhealthy = try #require(r.resolve("86.1.1/a", now: at(41))?.unavailableReason)
        #expect(unhealthy.hasPrefix("unhealthy") && !unhealthy.contains("stale"))
        let both = try #require(r.resolve("86.1.1/a", now: at(100))?.unavailableReason)
        #expect(both.hasPrefix("unhealthy") && both.contains("stale: last report 60 s ago"))
        // In JSON: present only when unavailable.
        let json = String(decoding: try SuanliJSON.encoder().encode(r.resolve("86.1.1/a", now: at(100))), as: UTF8.self)
        #expect(json.contains("\"unavailable_reason\":\"unhealthy"))
        _ = try r.applyTelemetry([TelemetryReport(id: "86.1.1/a", freeUnits: 8, healthy: true)], from: prefix("86.1.1"), now: at(100))
        let fresh = String(decoding: try SuanliJSON.encoder().encode(r.resolve("86.1.1/a", now: at(100))), as: UTF8.self)
        #expect(!fresh.contains("unavailable_reason") && !fresh.contains("rtt_ms"))
    }
}
