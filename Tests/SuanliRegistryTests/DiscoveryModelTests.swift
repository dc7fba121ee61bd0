import Foundation
import SuanliCore
import Testing

@testable import SuanliRegistry

/// Discovery against a brute-force oracle: a randomly built registry (creations, replacements,
/// deletions, re-creations, telemetry at different times) is mirrored by a plain model, and many
/// random queries are answered both by the registry (following every page) and by filtering the
/// model in registration order.
@Suite("Discovery vs brute force")
struct DiscoveryModelTests {
    struct ModelProvider {
        var prefix: Prefix
        var renewable: Double
    }

    struct ModelResource {
        var id: String
        /// Registration number: kept on replacement, new on re-creation.
        var seq: UInt64
        var provider: Int
        var spec: ResourceSpec
        var freeUnits: Int
        var healthy: Bool
        var utilization: Double?
        var heartbeatAt: Double
        var version: UInt64
        var createdAt: Double
        var updatedAt: Double
    }

    /// The oracle: everything discovery promises, stated plainly.
    struct Model {
        var providers: [ModelProvider] = []
        var resources: [String: ModelResource] = [:]
        /// Live ids in registration order.
        var order: [String] = []
        var nextSeq: UInt64 = 1
        var timeout: Double
        let topology = Topology.national

        func renewable(_ r: ModelResource) -> Double { r.spec.renewable ?? providers[r.provider].renewable }

        func available(_ r: ModelResource, now: Double) -> Bool { r.healthy && now - r.heartbeatAt <= timeout }

        func matches(_ r: ModelResource, _ q: DiscoveryQuery, now: Double) -> Bool {
            if let kind = q.kind, r.spec.kind != kind { return false }
            if let arch = q.arch, r.spec.arch != arch { return false }
            if let model = q.model, r.spec.model != model { return false }
            if let code = q.location {
                let target = topology.location(code: code)!
                let here = topology.location(code: r.spec.location)!
                if target.kind == .hub {
                    if here.hub != code { return false }
                } else if here.code != code {
                    return false
                }
            }
            if let near = q.near, let maxRtt = q.maxRttMs {
                if topology.rttMs(from: near, to: r.spec.location)! > maxRtt { return false }
            }
            if let minFree = q.minFree, r.freeUnits < minFree { return false }
            if let maxPrice = q.maxPrice, r.spec.priceFenPerUnitHour > maxPrice { return false }
            if let minRenewable = q.minRenewable, renewable(r) < minRenewable { return false }
            if !q.includeUnavailable && !available(r, now: now) { return false }
            return true
        }

        func answer(_ q: DiscoveryQuery, now: Double) -> [String] {
            order.filter { matches(resources[$0]!, q, now: now) }
        }
    }

    static let archs = ["x86_64", "aarch64", "loongarch64"]
    static let models = ["H100", "A100", "Ascend 910B", "Kunpeng 920", "EPYC 9654", "MLU370"]
    static let labelSets: [[String: String]] = [[:], ["class": "edge"], ["class": "supercomputing", "rack": "r-1"], ["zone": "西区"]]

    struct World {
        var registry: Registry
        var model: Model
        var rng: TestRNG
        var now: Double
        var nextName = 0
        let codes = Topology.national.locations.map(\.code)

        init(seed: UInt64, providers: Int, timeout: Double) {
            registry = Registry(heartbeatTimeout: timeout)
            model = Model(timeout: timeout)
            rng = TestRNG(seed: seed)
            now = t0.timeIntervalSince1970
            for i in 1...providers {
                // Renewable shares on a coarse grid, so that equality with min_renewable happens.
                let renewable = Double(Int.random(in: 0...20, using: &rng)) / 20
                let p = makeProvider("86.1.\(i)", renewable: renewable)
                registry.addProvider(p)
                model.providers.append(ModelProvider(prefix: p.prefix, renewable: renewable))
            }
        }

        mutating func randomSpec() -> ResourceSpec {
            let kind = ResourceKind.allCases.randomElement(using: &rng)!
            let units = [1, 2, 4, 8, 16, 64, 128].randomElement(using: &rng)!
            return ResourceSpec(
                kind: kind, arch: Self.pick(DiscoveryModelTests.archs, &rng), model: Self.pick(DiscoveryModelTests.models, &rng),
                units: units, memoryGiB: Double(Int.random(in: 0...256, using: &rng)),
                tflops: TFLOPS(fp16: rng.chance(0.8) ? Double(Int.random(in: 1...1000, using: &rng)) : nil),
                location: Self.pick(codes, &rng),
                priceFenPerUnitHour: Int64(Int.random(in: 0...50, using: &rng) * 50),
                labels: Self.pick(DiscoveryModelTests.labelSets, &rng),
                renewable: rng.chance(0.3) ? Double(Int.random(in: 0...20, using: &rng)) / 20 : nil)
        }

        static func pick<T>(_ list: [T], _ rng: inout TestRNG) -> T { list.randomElement(using: &rng)! }

        mutating func create() {
            nextName += 1
            let p = Int.random(in: 0..<model.providers.count, using: &rng)
            // Some identifiers live under a sub-prefix of their provider.
            let sub = rng.chance(0.2) ? ".\(Int.random(in: 0...3, using: &rng))" : ""
            let id = "\(model.providers[p].prefix)\(sub)/node-\(nextName)"
            upsert(id, provider: p)
        }

        mutating func upsert(_ id: String, provider: Int) {
            let spec = randomSpec()
            let up = registry.upsert(ident(id), spec: spec, now: Date(timeIntervalSince1970: now))
            if var existing = model.resources[id] {
                #expect(!up.created)
                existing.spec = spec
                existing.version += 1
                existing.updatedAt = now
                existing.freeUnits = spec.units
                existing.healthy = true
                existing.utilization = nil
                existing.heartbeatAt = now
                model.resources[id] = existing
            } else {
                #expect(up.created)
                #expect(up.stored.seq == model.nextSeq)
                model.resources[id] = ModelResource(
                    id: id, seq: model.nextSeq, provider: provider, spec: spec, freeUnits: spec.units, healthy: true, utilization: nil,
                    heartbeatAt: now, version: 1, createdAt: now, updatedAt: now)
                model.order.append(id)
                model.nextSeq += 1
            }
            #expect(up.stored.seq == model.resources[id]!.seq)
        }

        mutating func replaceRandom() {
            guard let id = model.order.randomElement(using: &rng) else { return }
            upsert(id, provider: model.resources[id]!.provider)
        }

        mutating func deleteRandom() -> String? {
            guard let index = model.order.indices.randomElement(using: &rng) else { return nil }
            let id = model.order.remove(at: index)
            model.resources[id] = nil
            let removed = registry.remove(id)
            #expect(removed)
            return id
        }

        mutating func recreate(_ id: String) {
            let p = model.providers.firstIndex { $0.prefix == ident(id).prefix || ident(id).prefix.isWithin($0.prefix) }!
            upsert(id, provider: p)
        }

        /// One telemetry batch from one provider for some of its resources.
        mutating func telemetry() {
            let p = Int.random(in: 0..<model.providers.count, using: &rng)
            let mine = model.order.filter { model.resources[$0]!.provider == p }
            guard !mine.isEmpty else { return }
            var reports: [TelemetryReport] = []
            for id in mine where rng.chance(0.5) {
                let r = model.resources[id]!
                let price: Int64? = rng.chance(0.1) ? Int64(Int.random(in: 0...50, using: &rng) * 50) : nil
                reports.append(TelemetryReport(
                    id: id, freeUnits: Int.random(in: 0...r.spec.units, using: &rng), healthy: rng.chance(0.85),
                    utilization: rng.chance(0.5) ? Double(Int.random(in: 0...100, using: &rng)) / 100 : nil,
                    priceFenPerUnitHour: price))
            }
            do {
                let outcome = try registry.applyTelemetry(reports, from: model.providers[p].prefix, now: Date(timeIntervalSince1970: now))
                #expect(outcome.states.count == reports.count)
                var repriced = 0
                for report in reports {
                    var r = model.resources[report.id]!
                    r.freeUnits = report.freeUnits
                    r.healthy = report.healthy
                    r.utilization = report.utilization
                    r.heartbeatAt = now
                    if let price = report.priceFenPerUnitHour, price != r.spec.priceFenPerUnitHour {
                        r.spec.priceFenPerUnitHour = price
                        r.version += 1
                        r.updatedAt = now
                        repriced += 1
                    }
                    model.resources[report.id] = r
                }
                #expect(outcome.repriced.count == repriced)
            } catch {
                Issue.record("valid telemetry rejected: \(error)")
            }
        }

        mutating func randomQuery() -> DiscoveryQuery {
            var q = DiscoveryQuery()
            if rng.chance(0.3) { q.kind = ResourceKind.allCases.randomElement(using: &rng) }
            if rng.chance(0.2) { q.arch = rng.chance(0.1) ? "riscv64" : Self.pick(DiscoveryModelTests.archs, &rng) }
            if rng.chance(0.2) { q.model = rng.chance(0.1) ? "TPU v5" : Self.pick(DiscoveryModelTests.models, &rng) }
            if rng.chance(0.3) {
                // Hubs half the time, since they expand to several locations.
                q.location = rng.chance(0.5) ? Self.pick(Topology.hubCodes, &rng) : Self.pick(codes, &rng)
            }
            if rng.chance(0.25) {
                q.near = Self.pick(codes, &rng)
                q.maxRttMs = rng.chance(0.2) ? 0.5 : Double(Int.random(in: 0...400, using: &rng)) / 10
            }
            if rng.chance(0.2) { q.minFree = Int.random(in: 0...20, using: &rng) }
            if rng.chance(0.2) { q.maxPrice = Int64(Int.random(in: 0...50, using: &rng) * 50) }
            if rng.chance(0.2) { q.minRenewable = Double(Int.random(in: 0...20, using: &rng)) / 20 }
            q.includeUnavailable = rng.chance(0.3)
            q.limit = [2, 10, 37, 100, 100, 500, 1000].randomElement(using: &rng)!
            return q
        }

        /// Checks one query: ids in order across pages, and every record against the model.
        func check(_ q: DiscoveryQuery, sourceLocation: SourceLocation = #_sourceLocation) {
            let nowDate = Date(timeIntervalSince1970: now)
            let expected = model.answer(q, now: now)
            let got: [ResourceRecord]
            do {
                got = try registry.discoverAll(q, now: nowDate, sourceLocation: sourceLocation)
            } catch {
                Issue.record("query failed: \(error) for \(q)", sourceLocation: sourceLocation)
                return
            }
            let gotIDs = got.map(\.id.string)
            if gotIDs != expected {
                let missing = Set(expected).subtracting(gotIDs).sorted().prefix(5)
                let extra = Set(gotIDs).subtracting(expected).sorted().prefix(5)
                Issue.record(
                    "query \(q.parameters): got \(gotIDs.count), want \(expected.count); missing \(Array(missing)), extra \(Array(extra))",
                    sourceLocation: sourceLocation)
                return
            }
            for rec in got { compare(rec, near: q.near, sourceLocation: sourceLocation) }
        }

        /// Checks a record against the model; with `near`, its `rtt_ms` too.
        func compare(_ rec: ResourceRecord, near: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
            let m = model.resources[rec.id.string]!
            var want = ResourceRecord(
                id: ident(m.id), provider: model.providers[m.provider].prefix, kind: m.spec.kind,
                computeClass: m.spec.computeClass, arch: m.spec.arch, model: m.spec.model, units: m.spec.units,
                memoryGiB: m.spec.memoryGiB, tflops: m.spec.tflops, location: m.spec.location,
                priceFenPerUnitHour: m.spec.priceFenPerUnitHour, labels: m.spec.labels, renewable: model.renewable(m),
                version: m.version, createdAt: Date(timeIntervalSince1970: m.createdAt),
                updatedAt: Date(timeIntervalSince1970: m.updatedAt),
                state: LiveState(freeUnits: m.freeUnits, healthy: m.healthy, utilization: m.utilization,
                                 heartbeatAt: Date(timeIntervalSince1970: m.heartbeatAt)),
                available: model.available(m, now: now))
            want.priceFenPerStandardHour = m.spec.priceFenPerStandardHour
            if let near {
                want.rttMs = (model.topology.rttMs(from: near, to: m.spec.location)! * 10).rounded() / 10
            }
            // The reason names what makes it unavailable: unhealthy, stale, or both.
            let stale = now - m.heartbeatAt > model.timeout
            #expect((rec.unavailableReason?.hasPrefix("unhealthy") ?? false) == !m.healthy, sourceLocation: sourceLocation)
            #expect((rec.unavailableReason?.contains("stale: last report") ?? false) == stale, sourceLocation: sourceLocation)
            want.unavailableReason = rec.unavailableReason
            #expect(rec == want, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func randomRegistryAgreesWithBruteForce(seed: UInt64) throws {
        var world = World(seed: seed, providers: 12, timeout: 30)
        // Build: 3000 creations spread over 120 s, with replacements, deletions, re-creations and telemetry.
        var deleted: [String] = []
        for step in 0..<3000 {
            world.now += 0.04
            world.create()
            if world.rng.chance(0.1) { world.replaceRandom() }
            if world.rng.chance(0.08), let id = world.deleteRandom() { deleted.append(id) }
            if world.rng.chance(0.02), let id = deleted.popLast() { world.recreate(id) }
            if step % 50 == 0 { world.telemetry() }
        }
        #expect(world.registry.resourceCount == world.model.order.count)
        #expect(world.model.order.count > 2000)

        // Every resource resolves to exactly what the model says.
        for id in world.model.order {
            let rec = try #require(world.registry.resolve(id, now: Date(timeIntervalSince1970: world.now)))
            world.compare(rec)
        }
        for id in deleted { #expect(world.registry.resolve(id, now: t0) == nil) }

        // Many random queries at the current time; some resources are stale by now.
        for _ in 0..<250 { world.check(world.randomQuery()) }
        // Each filter on its own, with full paging.
        for kind in ResourceKind.allCases { world.check(DiscoveryQuery(kind: kind, limit: 97)) }
        for code in world.codes { world.check(DiscoveryQuery(location: code, includeUnavailable: true, limit: 1000)) }
        for model in DiscoveryModelTests.models { world.check(DiscoveryQuery(model: model, limit: 50)) }
        world.check(DiscoveryQuery(includeUnavailable: true, limit: 1000))

        // Time passes: more go stale; then another round of changes and queries.
        world.now += 20
        for _ in 0..<100 { world.check(world.randomQuery()) }
        for _ in 0..<200 {
            world.now += 0.1
            world.create()
            _ = world.deleteRandom()
            world.replaceRandom()
            if world.rng.chance(0.2) { world.telemetry() }
        }
        for _ in 0..<150 { world.check(world.randomQuery()) }

        // Stats agree with the model too.
        let s = world.registry.stats(now: Date(timeIntervalSince1970: world.now))
        let all = world.model.order.map { world.model.resources[$0]! }
        let available = all.filter { world.model.available($0, now: world.now) }
        #expect(s.resources == all.count)
        #expect(s.availableResources == available.count)
        #expect(s.units == all.reduce(0) { $0 + $1.spec.units })
        #expect(s.freeUnits == available.reduce(0) { $0 + $1.freeUnits })
        for kind in ResourceKind.allCases {
            let ofKind = all.filter { $0.spec.kind == kind }
            let avail = ofKind.filter { world.model.available($0, now: world.now) }
            #expect(s.byKind[kind.rawValue] == StatsReport.KindTotals(
                resources: ofKind.count, available: avail.count, units: ofKind.reduce(0) { $0 + $1.spec.units },
                freeUnits: avail.reduce(0) { $0 + $1.freeUnits }))
        }
        var peak: [ComputeClass: Double] = [:]
        var total = 0.0
        var west = 0.0
        var green = 0.0
        for r in all {
            guard let perUnit = r.spec.tflops[r.spec.computeClass.statisticalPrecision] else { continue }
            let p = perUnit * Double(r.spec.units) / 1000
            peak[r.spec.computeClass, default: 0] += p
            total += p
            if Topology.national.location(code: r.spec.location)!.region.isCentralOrWestern { west += p }
            green += p * world.model.renewable(r)
        }
        for cls in ComputeClass.allCases {
            #expect(abs(s.pflopsByClass[cls.rawValue]! - (peak[cls] ?? 0)) <= 0.0005 + 1e-9, "\(cls)")
        }
        #expect(abs(s.centralWesternShare - west / total) < 1e-9)
        #expect(abs(s.renewableShare - green / total) < 1e-9)
    }

    /// Paging with random changes between pages, against the model: every page must be exactly
    /// the model's matches registered after the last item returned so far, up to the limit.
    @Test func pagingWithChangesAgreesWithModel() throws {
        var world = World(seed: 99, providers: 6, timeout: 1_000_000)
        for _ in 0..<800 { world.create() }
        for _ in 0..<40 {
            var q = world.randomQuery()
            q.limit = [3, 5, 20, 64].randomElement(using: &world.rng)!
            q.includeUnavailable = true
            var lastSeq: UInt64 = 0
            var seen = Set<String>()
            var pages = 0
            while true {
                let rest = world.model.answer(q, now: world.now).filter { world.model.resources[$0]!.seq > lastSeq }
                let page = try world.registry.discover(q, now: Date(timeIntervalSince1970: world.now))
                #expect(page.items.map(\.id.string) == Array(rest.prefix(q.limit)), "page \(pages) of \(q.parameters)")
                #expect((page.nextCursor != nil) == (rest.count > q.limit), "page \(pages) of \(q.parameters)")
                for rec in page.items {
                    #expect(seen.insert(rec.id.string).inserted, "returned twice")
                }
                pages += 1
                guard let cursor = page.nextCursor, let last = page.items.last else { break }
                lastSeq = world.model.resources[last.id.string]!.seq
                q.cursor = cursor
                // Changes between pages. Deleting the last returned item must not lose our place.
                if world.rng.chance(0.3) {
                    let id = last.id.string
                    world.model.order.removeAll { $0 == id }
                    world.model.resources[id] = nil
                    let removed = world.registry.remove(id)
                    #expect(removed)
                }
                for _ in 0..<2 { _ = world.deleteRandom() }
                world.create()
                world.replaceRandom()
                if world.rng.chance(0.2) { world.telemetry() }
            }
        }
    }
}
