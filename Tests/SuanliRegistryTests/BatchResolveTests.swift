import Foundation
import SuanliCore
import Testing

@testable import SuanliRegistry

/// `Registry.resolve(batch:now:)` overlaps the lookups of a group; it must answer exactly as
/// one `resolve(_:now:)` per identifier does, tag collisions and deleted slots included.
@Suite("Batch resolve")
struct BatchResolveTests {
    /// A registry of `count` resources under one provider, named `86.1.1/r/<n>`.
    func registry(count: Int) -> Registry {
        var r = Registry(heartbeatTimeout: 30)
        r.addProvider(makeProvider("86.1.1"))
        for n in 0..<count {
            _ = r.upsert(ident("86.1.1/r/\(n)"), spec: makeSpec(location: "cluster.zhangjiakou", price: Int64(n)), now: t0)
        }
        return r
    }

    @Test func answersAsSingleResolvesDo() {
        var r = registry(count: 300)
        for n in stride(from: 0, to: 300, by: 7) { r.remove("86.1.1/r/\(n)") }
        // More than one group, present, deleted and never-registered identifiers mixed, repeats too.
        var ids: [String] = []
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<(3 * Registry.resolveGroup + 5) {
            let n = Int.random(in: 0..<400, using: &rng)
            ids.append(n % 11 == 0 ? "86.1.1/missing/\(n)" : "86.1.1/r/\(n)")
        }
        ids.append(ids[0])
        let now = t0.addingTimeInterval(5)
        let batch = r.resolve(batch: ids, now: now)
        #expect(batch.count == ids.count)
        for (id, record) in zip(ids, batch) {
            #expect(record == r.resolve(id, now: now), "\(id)")
        }
        #expect(batch.contains { $0 != nil } && batch.contains { $0 == nil })
        #expect(r.resolve(batch: [], now: now).isEmpty)
    }

    @Test func aTagCollisionIsConfirmedAgainstTheStoredIdentifier() throws {
        // Two identifiers whose 32-bit tags (the high half of the hash) are equal: the index
        // finds the first by tag and must confirm it against the stored identifier.
        var seen: [UInt64: String] = [:]
        var pair: (String, String)?
        for n in 0..<400_000 {
            let id = "86.1.1/c/\(n)"
            let tag = IdentifierIndex.hash(id) >> 32
            if let other = seen[tag] {
                pair = (other, id)
                break
            }
            seen[tag] = id
        }
        let (a, b) = try #require(pair)
        var r = Registry(heartbeatTimeout: 30)
        r.addProvider(makeProvider("86.1.1"))
        _ = r.upsert(ident(a), spec: makeSpec(location: "cluster.zhangjiakou"), now: t0)
        #expect(r.resolve(batch: [b, a, b], now: t0).map { $0?.id.string } == [nil, a, nil])
        _ = r.upsert(ident(b), spec: makeSpec(location: "cluster.zhangjiakou", price: 9), now: t0)
        #expect(r.resolve(batch: [b, a], now: t0).map { $0?.id.string } == [b, a])
        #expect(r.resolve(batch: [b], now: t0).first??.priceFenPerUnitHour == 9)
        r.remove(a)
        #expect(r.resolve(batch: [a, b], now: t0).map { $0?.id.string } == [nil, b])
    }

    @Test func recordsShareTheirFixedFieldsAndCopyOnWrite() throws {
        let r = registry(count: 3)
        var first = try #require(r.resolve("86.1.1/r/1", now: t0))
        let second = try #require(r.resolve("86.1.1/r/1", now: t0))
        #expect(first == second)
        first.model = "Another model"
        first.labels["k"] = "v"
        #expect(first.model == "Another model" && first.labels["k"] == "v")
        #expect(second.model != "Another model" && second.labels["k"] == nil)
        #expect(r.resolve("86.1.1/r/1", now: t0) == second)
        #expect(first != second)
        let data = try JSONEncoder().encode(first)
        #expect(try JSONDecoder().decode(ResourceRecord.self, from: data) == first)
    }
}
