import Foundation
import SuanliCore
import Testing

@testable import SuanliRegistry

@Suite("Registry")
struct RegistryTests {
    /// Two providers, a handful of resources in different places.
    func sample() -> Registry {
        var r = Registry(heartbeatTimeout: 30)
        r.addProvider(makeProvider("86.1.1", renewable: 0.2))
        r.addProvider(makeProvider("86.1.2", renewable: 0.8, location: "cluster.zhongwei"))
        _ = r.upsert(ident("86.1.1/zjk/gpu-1"), spec: makeSpec(location: "cluster.zhangjiakou"), now: t0)
        _ = r.upsert(ident("86.1.2/zw/cpu-1"), spec: makeSpec(kind: .cpu, arch: "aarch64", model: "Kunpeng 920", units: 128,
                                                               location: "cluster.zhongwei", price: 7), now: t0)
        _ = r.upsert(ident("86.1.1/bj/npu-1"), spec: makeSpec(kind: .npu, arch: "aarch64", model: "Ascend 910B",
                                                               location: "city.beijing", price: 700, renewable: 0.9), now: t0)
        _ = r.upsert(ident("86.1.2/wuhu/gpu-2"), spec: makeSpec(model: "NVIDIA A100", location: "cluster.wuhu", price: 900), now: t0)
        return r
    }

    func ids(_ records: [ResourceRecord]) -> [String] { records.map(\.id.string) }

    // MARK: Providers and ownership

    @Test func providers() {
        let r = sample()
        #expect(r.providerCount == 2)
        #expect(r.hasProvider(prefix("86.1.1")))
        #expect(!r.hasProvider(prefix("86.1.3")))
        let p = r.provider(prefix("86.1.1"))
        #expect(p?.resources == 2)
        #expect(p?.renewable == 0.2)
        #expect(p?.token == nil)
        #expect(r.allProviders().map(\.prefix) == [prefix("86.1.1"), prefix("86.1.2")])
    }

    @Test func ownerOfSubPrefixes() {
        var r = Registry()
        r.addProvider(makeProvider("86.1.1"))
        r.addProvider(makeProvider("86.1.10"))
        #expect(r.owner(of: prefix("86.1.1")) == prefix("86.1.1"))
        #expect(r.owner(of: prefix("86.1.1.5")) == prefix("86.1.1"))
        #expect(r.owner(of: prefix("86.1.1.5.6.7")) == prefix("86.1.1"))
        #expect(r.owner(of: prefix("86.1.10.2")) == prefix("86.1.10"))
        #expect(r.owner(of: prefix("86.1.100")) == nil)
        #expect(r.owner(of: prefix("86.1")) == nil)
        #expect(r.owner(of: prefix("86")) == nil)
        #expect(r.owner(of: prefix("87.1.1")) == nil)
        // A resource under a sub-prefix belongs to the owning provider.
        let up = r.upsert(ident("86.1.1.5/sub/node"), spec: makeSpec(), now: t0)
        #expect(up.stored.provider == prefix("86.1.1"))
        #expect(r.providerOf("86.1.1.5/sub/node") == prefix("86.1.1"))
        #expect(r.resolve("86.1.1.5/sub/node", now: t0)?.provider == prefix("86.1.1"))
        #expect(r.resourceIDs(of: prefix("86.1.1")) == ["86.1.1.5/sub/node"])
        #expect(r.resourceIDs(of: prefix("86.1.10")).isEmpty)
        #expect(r.resourceIDs(of: prefix("5.5")).isEmpty)
        #expect(r.provider(prefix("86.1.1"))?.resources == 1)
    }

    // MARK: Resources

    @Test func resolve() throws {
        let r = sample()
        let rec = try #require(r.resolve("86.1.1/bj/npu-1", now: at(1)))
        #expect(rec.id == ident("86.1.1/bj/npu-1"))
        #expect(rec.provider == prefix("86.1.1"))
        #expect(rec.kind == .npu)
        #expect(rec.computeClass == .intelligent)
        #expect(rec.arch == "aarch64")
        #expect(rec.model == "Ascend 910B")
        #expect(rec.units == 8)
        #expect(rec.memoryGiB == 80)
        #expect(rec.tflops == TFLOPS(fp64: 34, fp32: 67, fp16: 989, int8: 1979))
        #expect(rec.location == "city.beijing")
        #expect(rec.priceFenPerUnitHour == 700)
        #expect(rec.renewable == 0.9, "the resource's override wins")
        #expect(rec.version == 1)
        #expect(rec.createdAt == t0 && rec.updatedAt == t0)
        #expect(rec.state == LiveState(freeUnits: 8, healthy: true, utilization: nil, heartbeatAt: t0))
        #expect(rec.available)
        #expect(r.resolve("86.1.1/zjk/gpu-1", now: t0)?.renewable == 0.2, "else the provider's share")
        #expect(r.resolve("86.1.1/nope", now: t0) == nil)
        #expect(r.resolve("", now: t0) == nil)
        #expect(r.contains("86.1.2/zw/cpu-1"))
        #expect(!r.contains("86.1.2/zw/cpu-2"))
        #expect(r.resourceCount == 4)
        #expect(r.resolve("86.1.1/zjk/gpu-1", now: t0)?.tflops.fp16 == 989)
        // Missing figures stay missing.
        var r2 = r
        _ = r2.upsert(ident("86.1.1/x"), spec: makeSpec(tflops: TFLOPS(fp16: 5)), now: t0)
        #expect(r2.resolve("86.1.1/x", now: t0)?.tflops == TFLOPS(fp16: 5))
    }

    @Test func upsertReturnsRowsToPersist() {
        var r = Registry()
        r.addProvider(makeProvider("86.1.1", renewable: 0.3))
        let spec = makeSpec(labels: ["rack": "机柜-7"], renewable: 0.75)
        let first = r.upsert(ident("86.1.1/a"), spec: spec, now: t0)
        #expect(first.created)
        #expect(first.stored == StoredResource(id: ident("86.1.1/a"), seq: 1, provider: prefix("86.1.1"), spec: spec,
                                               version: 1, createdAt: t0, updatedAt: t0))
        #expect(first.state == StoredState(id: "86.1.1/a", freeUnits: 8, healthy: true, utilization: nil,
                                           heartbeatAt: t0.timeIntervalSince1970))
        let second = r.upsert(ident("86.1.1/b"), spec: makeSpec(), now: at(1))
        #expect(second.stored.seq == 2)
        #expect(second.stored.spec.renewable == nil)
        #expect(r.nextSeq == 3)
    }

    @Test func replaceBumpsVersionAndKeepsOrder() throws {
        var r = sample()
        // Make the state non-default first, so we can see the replacement reset it.
        _ = try r.applyTelemetry([TelemetryReport(id: "86.1.1/zjk/gpu-1", freeUnits: 2, healthy: false, utilization: 0.7)],
                                 from: prefix("86.1.1"), now: at(5))
        let before = ids(try r.discoverAll(DiscoveryQuery(includeUnavailable: true), now: at(10)))
        #expect(before == ["86.1.1/zjk/gpu-1", "86.1.2/zw/cpu-1", "86.1.1/bj/npu-1", "86.1.2/wuhu/gpu-2"])

        let up = r.upsert(ident("86.1.1/zjk/gpu-1"), spec: makeSpec(kind: .npu, model: "Ascend 910B", location: "cluster.guian",
                                                                    price: 1234), now: at(10))
        #expect(!up.created)
        #expect(up.stored.version == 2)
        #expect(up.stored.seq == 1)
        #expect(up.stored.createdAt == t0)
        #expect(up.stored.updatedAt == at(10))
        #expect(up.state.freeUnits == 8 && up.state.healthy && up.state.utilization == nil)
        let rec = try #require(r.resolve("86.1.1/zjk/gpu-1", now: at(10)))
        #expect(rec.version == 2 && rec.location == "cluster.guian" && rec.kind == .npu && rec.priceFenPerUnitHour == 1234)
        #expect(rec.createdAt == t0 && rec.updatedAt == at(10))
        #expect(r.resourceCount == 4)
        #expect(r.provider(prefix("86.1.1"))?.resources == 2)

        // Registration order is kept, and the indexes follow the new spec.
        #expect(ids(try r.discoverAll(DiscoveryQuery(), now: at(10))) == before)
        #expect(ids(try r.discoverAll(DiscoveryQuery(kind: .npu), now: at(10))) == ["86.1.1/zjk/gpu-1", "86.1.1/bj/npu-1"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(model: "Ascend 910B"), now: at(10))) == ["86.1.1/zjk/gpu-1", "86.1.1/bj/npu-1"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(model: "NVIDIA H100"), now: at(10))).isEmpty)
        #expect(ids(try r.discoverAll(DiscoveryQuery(location: "cluster.zhangjiakou"), now: at(10))).isEmpty)
        #expect(ids(try r.discoverAll(DiscoveryQuery(location: "hub.guizhou"), now: at(10))) == ["86.1.1/zjk/gpu-1"])

        // Every further replacement bumps again.
        _ = r.upsert(ident("86.1.1/zjk/gpu-1"), spec: makeSpec(), now: at(11))
        _ = r.upsert(ident("86.1.1/zjk/gpu-1"), spec: makeSpec(), now: at(12))
        #expect(r.resolve("86.1.1/zjk/gpu-1", now: at(12))?.version == 4)
        #expect(ids(try r.discoverAll(DiscoveryQuery(location: "cluster.zhangjiakou"), now: at(12))) == ["86.1.1/zjk/gpu-1"])
    }

    @Test func remove() throws {
        var r = sample()
        let first = r.remove("86.1.2/zw/cpu-1")
        let second = r.remove("86.1.2/zw/cpu-1")
        let unknown = r.remove("86.9/none")
        #expect(first && !second && !unknown)
        #expect(r.resolve("86.1.2/zw/cpu-1", now: t0) == nil)
        #expect(!r.contains("86.1.2/zw/cpu-1"))
        #expect(r.providerOf("86.1.2/zw/cpu-1") == nil)
        #expect(r.resourceCount == 3)
        #expect(r.provider(prefix("86.1.2"))?.resources == 1)
        #expect(r.resourceIDs(of: prefix("86.1.2")) == ["86.1.2/wuhu/gpu-2"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(), now: t0)) == ["86.1.1/zjk/gpu-1", "86.1.1/bj/npu-1", "86.1.2/wuhu/gpu-2"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(kind: .cpu), now: t0)).isEmpty)
        #expect(ids(try r.discoverAll(DiscoveryQuery(model: "Kunpeng 920"), now: t0)).isEmpty)
        // Re-creating goes to the end, as a new registration, with version 1.
        let up = r.upsert(ident("86.1.2/zw/cpu-1"), spec: makeSpec(kind: .cpu), now: at(1))
        #expect(up.created && up.stored.version == 1 && up.stored.seq == 5)
        #expect(ids(try r.discoverAll(DiscoveryQuery(), now: at(1))).last == "86.1.2/zw/cpu-1")
        #expect(r.stats(now: at(1)).resources == 4)
    }

    @Test func loadRestoresRowsAndState() throws {
        // Rebuild a registry from the rows the first one handed out for persisting.
        var source = Registry(heartbeatTimeout: 30)
        let providers = [makeProvider("86.1.1", renewable: 0.2), makeProvider("86.1.2", renewable: 0.8)]
        for p in providers { source.addProvider(p) }
        var rows: [String: (StoredResource, StoredState)] = [:]
        var order: [String] = []
        func keep(_ up: Registry.Upsert) {
            if rows[up.stored.id.string] == nil { order.append(up.stored.id.string) }
            rows[up.stored.id.string] = (up.stored, up.state)
        }
        keep(source.upsert(ident("86.1.1/a"), spec: makeSpec(labels: ["rack": "机柜-7"]), now: t0))
        keep(source.upsert(ident("86.1.2/b"), spec: makeSpec(kind: .cpu, location: "cluster.zhongwei", renewable: 0.4), now: at(1)))
        keep(source.upsert(ident("86.1.1.3/c"), spec: makeSpec(kind: .npu, tflops: TFLOPS(fp16: 3)), now: at(2)))
        keep(source.upsert(ident("86.1.1/a"), spec: makeSpec(price: 1), now: at(3)))  // replaced: version 2
        let outcome = try source.applyTelemetry([TelemetryReport(id: "86.1.2/b", freeUnits: 3, healthy: false, utilization: 0.5, priceFenPerUnitHour: 9)],
                                                from: prefix("86.1.2"), now: at(4))
        for row in outcome.repriced { rows[row.id.string]!.0 = row }
        for state in outcome.states { rows[state.id]!.1 = state }

        var r = Registry(heartbeatTimeout: 30)
        for p in providers { r.addProvider(p) }
        for id in order { r.load(rows[id]!.0, state: rows[id]!.1) }
        #expect(r.nextSeq == source.nextSeq)
        #expect(r.resourceCount == 3)
        for id in order {
            #expect(r.resolve(id, now: at(5)) == source.resolve(id, now: at(5)), "\(id)")
        }
        #expect(r.resolve("86.1.1/a", now: at(5))?.version == 2)
        #expect(r.resolve("86.1.2/b", now: at(5))?.version == 2)
        #expect(r.resolve("86.1.2/b", now: at(5))?.priceFenPerUnitHour == 9)
        #expect(ids(try r.discoverAll(DiscoveryQuery(includeUnavailable: true), now: at(5))) == ["86.1.1/a", "86.1.2/b", "86.1.1.3/c"])
        // New registrations continue after the loaded ones.
        #expect(r.upsert(ident("86.1.2/d"), spec: makeSpec(), now: at(6)).stored.seq == 4)

        // States applied later (e.g. from a newer snapshot).
        r.setState(StoredState(id: "86.1.1/a", freeUnits: 3, healthy: false, utilization: 0.5, heartbeatAt: at(7).timeIntervalSince1970))
        #expect(r.resolve("86.1.1/a", now: at(7))?.state == LiveState(freeUnits: 3, healthy: false, utilization: 0.5, heartbeatAt: at(7)))
        // Resources of unknown providers are skipped; states of unknown resources ignored.
        r.load(StoredResource(id: ident("9.9/x"), seq: 99, provider: prefix("9.9"), spec: makeSpec(), version: 1, createdAt: t0, updatedAt: t0), state: nil)
        r.setState(StoredState(id: "9.9/x", freeUnits: 1, healthy: true, utilization: nil, heartbeatAt: 0))
        #expect(!r.contains("9.9/x"))
        #expect(r.resourceCount == 4)
    }

    // MARK: Discovery filters

    @Test func filterByKindArchModel() throws {
        let r = sample()
        #expect(ids(try r.discoverAll(DiscoveryQuery(kind: .gpu), now: t0)) == ["86.1.1/zjk/gpu-1", "86.1.2/wuhu/gpu-2"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(kind: .cpu), now: t0)) == ["86.1.2/zw/cpu-1"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(kind: .fpga), now: t0)).isEmpty)
        #expect(ids(try r.discoverAll(DiscoveryQuery(arch: "aarch64"), now: t0)) == ["86.1.2/zw/cpu-1", "86.1.1/bj/npu-1"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(arch: "riscv64"), now: t0)).isEmpty)
        #expect(ids(try r.discoverAll(DiscoveryQuery(model: "NVIDIA A100"), now: t0)) == ["86.1.2/wuhu/gpu-2"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(model: "nvidia a100"), now: t0)).isEmpty, "models match exactly")
        #expect(ids(try r.discoverAll(DiscoveryQuery(kind: .gpu, arch: "aarch64"), now: t0)).isEmpty)
        #expect(ids(try r.discoverAll(DiscoveryQuery(kind: .npu, arch: "aarch64", model: "Ascend 910B"), now: t0)) == ["86.1.1/bj/npu-1"])
    }

    @Test func filterByLocationIncludingHubs() throws {
        let r = sample()
        #expect(ids(try r.discoverAll(DiscoveryQuery(location: "cluster.zhangjiakou"), now: t0)) == ["86.1.1/zjk/gpu-1"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(location: "city.beijing"), now: t0)) == ["86.1.1/bj/npu-1"])
        // A hub matches its clusters and cities.
        #expect(ids(try r.discoverAll(DiscoveryQuery(location: "hub.jingjinji"), now: t0)) == ["86.1.1/zjk/gpu-1", "86.1.1/bj/npu-1"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(location: "hub.yangtze"), now: t0)) == ["86.1.2/wuhu/gpu-2"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(location: "hub.ningxia"), now: t0)) == ["86.1.2/zw/cpu-1"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(location: "hub.guizhou"), now: t0)).isEmpty)
        #expect(ids(try r.discoverAll(DiscoveryQuery(kind: .npu, location: "hub.jingjinji"), now: t0)) == ["86.1.1/bj/npu-1"])
        // A city does not match the cluster of its hub.
        #expect(ids(try r.discoverAll(DiscoveryQuery(location: "city.tianjin"), now: t0)).isEmpty)
        let error = #expect(throws: SuanliError.self) { try r.discover(DiscoveryQuery(location: "hub.atlantis"), now: t0) }
        #expect(error?.code == .validation && error?.field == "location")
    }

    @Test func filterByRTT() throws {
        let r = sample()
        let topology = Topology.national
        // From Beijing: Zhangjiakou ≈ 4.4 ms, Beijing itself 0.5, Wuhu ≈ 16 ms, Zhongwei ≈ 20 ms.
        func near(_ ms: Double) throws -> [String] {
            ids(try r.discoverAll(DiscoveryQuery(near: "city.beijing", maxRttMs: ms), now: t0))
        }
        let zjk = try #require(topology.rttMs(from: "city.beijing", to: "cluster.zhangjiakou"))
        let wuhu = try #require(topology.rttMs(from: "city.beijing", to: "cluster.wuhu"))
        let zw = try #require(topology.rttMs(from: "city.beijing", to: "cluster.zhongwei"))
        #expect(wuhu < zw)
        #expect(try near(0.4).isEmpty)
        #expect(try near(0.5) == ["86.1.1/bj/npu-1"])
        #expect(try near(zjk) == ["86.1.1/zjk/gpu-1", "86.1.1/bj/npu-1"], "the bound is inclusive")
        #expect(try near(zjk.nextDown) == ["86.1.1/bj/npu-1"])
        #expect(try near(wuhu) == ["86.1.1/zjk/gpu-1", "86.1.1/bj/npu-1", "86.1.2/wuhu/gpu-2"])
        #expect(try near(zw).count == 4)
        // Combined with a location filter: both must hold.
        #expect(ids(try r.discoverAll(DiscoveryQuery(location: "hub.yangtze", near: "city.beijing", maxRttMs: zjk), now: t0)).isEmpty)
        #expect(ids(try r.discoverAll(DiscoveryQuery(location: "hub.jingjinji", near: "city.beijing", maxRttMs: 1), now: t0)) == ["86.1.1/bj/npu-1"])
        let error = #expect(throws: SuanliError.self) { try r.discover(DiscoveryQuery(near: "city.atlantis", maxRttMs: 5), now: t0) }
        #expect(error?.code == .validation && error?.field == "near")
    }

    @Test func measuredLatencyChangesDiscovery() throws {
        var r = sample()
        let q = DiscoveryQuery(near: "city.beijing", maxRttMs: 10)
        #expect(!ids(try r.discoverAll(q, now: t0)).contains("86.1.2/wuhu/gpu-2"))
        try r.setMeasured(LatencyOverride(from: "cluster.wuhu", to: "city.beijing", rttMs: 9))
        #expect(ids(try r.discoverAll(q, now: t0)).contains("86.1.2/wuhu/gpu-2"))
        #expect(throws: ValidationError.self) { try r.setMeasured(LatencyOverride(from: "x", to: "city.beijing", rttMs: 9)) }
    }

    @Test func filterByFreePriceRenewable() throws {
        var r = sample()
        _ = try r.applyTelemetry([TelemetryReport(id: "86.1.1/zjk/gpu-1", freeUnits: 2, healthy: true)], from: prefix("86.1.1"), now: t0)
        #expect(ids(try r.discoverAll(DiscoveryQuery(minFree: 3), now: t0)) == ["86.1.2/zw/cpu-1", "86.1.1/bj/npu-1", "86.1.2/wuhu/gpu-2"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(minFree: 2), now: t0)).count == 4)
        #expect(ids(try r.discoverAll(DiscoveryQuery(minFree: 9), now: t0)) == ["86.1.2/zw/cpu-1"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(minFree: 0), now: t0)).count == 4)
        #expect(ids(try r.discoverAll(DiscoveryQuery(maxPrice: 900), now: t0)) == ["86.1.2/zw/cpu-1", "86.1.1/bj/npu-1", "86.1.2/wuhu/gpu-2"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(maxPrice: 899), now: t0)) == ["86.1.2/zw/cpu-1", "86.1.1/bj/npu-1"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(maxPrice: 0), now: t0)).isEmpty)
        // Renewable: gpu-1 0.2 (provider A), cpu-1 0.8 (provider B), npu-1 0.9 (override over A's 0.2), gpu-2 0.8 (B).
        #expect(ids(try r.discoverAll(DiscoveryQuery(minRenewable: 0.85), now: t0)) == ["86.1.1/bj/npu-1"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(minRenewable: 0.8), now: t0)) == ["86.1.2/zw/cpu-1", "86.1.1/bj/npu-1", "86.1.2/wuhu/gpu-2"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(minRenewable: 0.21), now: t0)).count == 3)
        #expect(ids(try r.discoverAll(DiscoveryQuery(minRenewable: 0.2), now: t0)).count == 4)
        // An override can also lower a resource below its provider's share.
        _ = r.upsert(ident("86.1.2/wuhu/gpu-2"), spec: makeSpec(model: "NVIDIA A100", location: "cluster.wuhu", price: 900, renewable: 0.1), now: t0)
        #expect(ids(try r.discoverAll(DiscoveryQuery(minRenewable: 0.8), now: t0)) == ["86.1.2/zw/cpu-1", "86.1.1/bj/npu-1"])
        #expect(r.resolve("86.1.2/wuhu/gpu-2", now: t0)?.renewable == 0.1)
    }

    @Test func badCursor() throws {
        let r = sample()
        for cursor in ["", "x", "s", "s!!", "sZZZZZZZZZZZZZZZZZZZZZZZZ", "12"] {
            let error = #expect(throws: SuanliError.self) { try r.discover(DiscoveryQuery(cursor: cursor), now: t0) }
            #expect(error?.code == .badRequest && error?.field == "cursor", "\(cursor)")
        }
        // A cursor past the end gives an empty last page.
        let page = try r.discover(DiscoveryQuery(cursor: "s" + String(1_000_000, radix: 36)), now: t0)
        #expect(page.items.isEmpty && page.nextCursor == nil)
    }

    // MARK: Paging

    @Test func pagingCoversEveryMatchOnce() throws {
        var r = Registry()
        r.addProvider(makeProvider("86.1.1"))
        let locations = ["cluster.zhangjiakou", "city.beijing", "cluster.wuhu", "cluster.guian"]
        for i in 0..<250 {
            _ = r.upsert(ident("86.1.1/n-\(i)"), spec: makeSpec(kind: i % 3 == 0 ? .cpu : .gpu, location: locations[i % 4]), now: t0)
        }
        let queries = [DiscoveryQuery(), DiscoveryQuery(kind: .gpu), DiscoveryQuery(location: "hub.jingjinji"),
                       DiscoveryQuery(model: "NVIDIA H100"), DiscoveryQuery(kind: .cpu, location: "cluster.guian")]
        for query in queries {
            let all = ids(try r.discoverAll({ var q = query; q.limit = 1000; return q }(), now: t0))
            #expect(!all.isEmpty)
            for limit in [1, 2, 3, 7, 10, 99, 100, 250, 1000] {
                var q = query
                q.limit = limit
                let paged = ids(try r.discoverAll(q, now: t0))
                #expect(paged == all, "limit \(limit), \(query)")
            }
        }
        // An exactly full last page has no cursor.
        let page = try r.discover(DiscoveryQuery(limit: 250), now: t0)
        #expect(page.items.count == 250 && page.nextCursor == nil)
        let short = try r.discover(DiscoveryQuery(limit: 249), now: t0)
        #expect(short.items.count == 249 && short.nextCursor != nil)
    }

    @Test func pagingIsStableUnderConcurrentChanges() throws {
        var rng = TestRNG(seed: 42)
        var r = Registry()
        r.addProvider(makeProvider("86.1.1"))
        var order: [String: Int] = [:]  // id → registration number
        var counter = 0
        var alive = Set<String>()
        func add(_ id: String, kind: ResourceKind) {
            _ = r.upsert(ident(id), spec: makeSpec(kind: kind, location: ["cluster.tianfu", "city.chengdu", "cluster.qingyang"][counter % 3]), now: t0)
            counter += 1
            if order[id] == nil || !alive.contains(id) { order[id] = counter }
            alive.insert(id)
        }
        for i in 0..<300 { add("86.1.1/n-\(i)", kind: i % 4 == 0 ? .cpu : .gpu) }
        for query in [DiscoveryQuery(kind: .gpu, limit: 9), DiscoveryQuery(location: "hub.chengdu-chongqing", limit: 11),
                      DiscoveryQuery(limit: 13)] {
            func matches(_ id: String) -> Bool {
                let rec = r.resolve(id, now: t0)!
                if let k = query.kind, rec.kind != k { return false }
                if query.location != nil, rec.location == "cluster.qingyang" { return false }
                return true
            }
            let initial = Set(alive.filter(matches))
            var deleted = Set<String>()
            var inserted = Set<String>()
            var seen: [String] = []
            var q = query
            var extra = 0
            while true {
                let page = try r.discover(q, now: t0)
                for rec in page.items {
                    #expect(alive.contains(rec.id.string), "a deleted resource was returned")
                    #expect(matches(rec.id.string))
                }
                seen += page.items.map(\.id.string)
                guard let cursor = page.nextCursor else { break }
                q.cursor = cursor
                // Between pages: delete some (seen or not), insert some, replace some in place.
                for _ in 0..<3 {
                    guard let victim = alive.sorted().randomElement(using: &rng) else { break }
                    r.remove(victim)
                    alive.remove(victim)
                    deleted.insert(victim)
                }
                for _ in 0..<2 {
                    extra += 1
                    let id = "86.1.1/new-\(query.limit)-\(extra)"
                    add(id, kind: .gpu)
                    if matches(id) { inserted.insert(id) }
                }
                if let keep = alive.sorted().randomElement(using: &rng) {
                    let old = r.resolve(keep, now: t0)!
                    _ = r.upsert(ident(keep), spec: makeSpec(kind: old.kind, location: old.location, price: old.priceFenPerUnitHour + 1), now: t0)
                }
            }
            #expect(Set(seen).count == seen.count, "no resource twice")
            let positions = seen.map { order[$0]! }
            #expect(positions == positions.sorted(), "registration order")
            for id in initial.subtracting(deleted) { #expect(seen.contains(id), "\(id) never deleted but missed") }
            for id in inserted.subtracting(deleted) { #expect(seen.contains(id), "\(id) inserted during paging but missed") }
        }
    }

    // MARK: Availability

    @Test func staleHeartbeatExpiry() throws {
        var r = Registry(heartbeatTimeout: 30)
        r.addProvider(makeProvider("86.1.1"))
        _ = r.upsert(ident("86.1.1/a"), spec: makeSpec(), now: t0)
        _ = r.upsert(ident("86.1.1/b"), spec: makeSpec(), now: t0)
        #expect(r.resolve("86.1.1/a", now: at(30))?.available == true, "exactly the timeout is still fresh")
        #expect(r.resolve("86.1.1/a", now: at(30.001))?.available == false)
        #expect(ids(try r.discoverAll(DiscoveryQuery(), now: at(30))) == ["86.1.1/a", "86.1.1/b"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(), now: at(31))).isEmpty)
        #expect(ids(try r.discoverAll(DiscoveryQuery(includeUnavailable: true), now: at(31))) == ["86.1.1/a", "86.1.1/b"])
        #expect(r.stats(now: at(31)).availableResources == 0)
        // A report makes it available again.
        _ = try r.applyTelemetry([TelemetryReport(id: "86.1.1/b", freeUnits: 4, healthy: true)], from: prefix("86.1.1"), now: at(40))
        #expect(ids(try r.discoverAll(DiscoveryQuery(), now: at(41))) == ["86.1.1/b"])
        #expect(r.resolve("86.1.1/b", now: at(41))?.state.heartbeatAt == at(40))
        #expect(r.resolve("86.1.1/b", now: at(70))?.available == true)
        #expect(r.resolve("86.1.1/b", now: at(71))?.available == false)
        // Unhealthy is unavailable however fresh.
        _ = try r.applyTelemetry([TelemetryReport(id: "86.1.1/a", freeUnits: 8, healthy: false)], from: prefix("86.1.1"), now: at(50))
        #expect(r.resolve("86.1.1/a", now: at(50))?.available == false)
        #expect(ids(try r.discoverAll(DiscoveryQuery(), now: at(50))) == ["86.1.1/b"])
        #expect(ids(try r.discoverAll(DiscoveryQuery(includeUnavailable: true), now: at(50))) == ["86.1.1/a", "86.1.1/b"])
        // The timeout is configurable.
        r.heartbeatTimeout = 1000
        #expect(ids(try r.discoverAll(DiscoveryQuery(), now: at(500))) == ["86.1.1/b"])
        // Replacing a resource counts as a report.
        _ = r.upsert(ident("86.1.1/a"), spec: makeSpec(), now: at(2000))
        #expect(ids(try r.discoverAll(DiscoveryQuery(), now: at(2000))) == ["86.1.1/a"])
    }

    // MARK: Telemetry

    @Test func telemetryApplies() throws {
        var r = sample()
        let outcome = try r.applyTelemetry([
            TelemetryReport(id: "86.1.1/zjk/gpu-1", freeUnits: 3, healthy: true, utilization: 0.625),
            TelemetryReport(id: "86.1.1/bj/npu-1", freeUnits: 0, healthy: false),
        ], from: prefix("86.1.1"), now: at(7))
        #expect(outcome.repriced.isEmpty)
        #expect(outcome.states == [
            StoredState(id: "86.1.1/zjk/gpu-1", freeUnits: 3, healthy: true, utilization: 0.625, heartbeatAt: at(7).timeIntervalSince1970),
            StoredState(id: "86.1.1/bj/npu-1", freeUnits: 0, healthy: false, utilization: nil, heartbeatAt: at(7).timeIntervalSince1970),
        ])
        let rec = try #require(r.resolve("86.1.1/zjk/gpu-1", now: at(7)))
        #expect(rec.state == LiveState(freeUnits: 3, healthy: true, utilization: 0.625, heartbeatAt: at(7)))
        #expect(rec.version == 1, "live state does not change the version")
        #expect(rec.updatedAt == t0)
        // Later reports replace the utilization, including back to unknown.
        _ = try r.applyTelemetry([TelemetryReport(id: "86.1.1/zjk/gpu-1", freeUnits: 8, healthy: true)], from: prefix("86.1.1"), now: at(8))
        #expect(r.resolve("86.1.1/zjk/gpu-1", now: at(8))?.state.utilization == nil)
        // An empty batch is fine.
        #expect(try r.applyTelemetry([], from: prefix("86.1.2"), now: at(9)).states.isEmpty)
    }

    @Test func telemetryPriceChangeBumpsVersion() throws {
        var r = sample()
        let outcome = try r.applyTelemetry([
            TelemetryReport(id: "86.1.1/zjk/gpu-1", freeUnits: 8, healthy: true, priceFenPerUnitHour: 1999),
            TelemetryReport(id: "86.1.1/bj/npu-1", freeUnits: 8, healthy: true, priceFenPerUnitHour: 700),  // unchanged
        ], from: prefix("86.1.1"), now: at(20))
        #expect(outcome.repriced.count == 1)
        let row = try #require(outcome.repriced.first)
        #expect(row.id == ident("86.1.1/zjk/gpu-1"))
        #expect(row.spec.priceFenPerUnitHour == 1999)
        #expect(row.version == 2)
        #expect(row.updatedAt == at(20))
        #expect(row.createdAt == t0)
        #expect(r.resolve("86.1.1/zjk/gpu-1", now: at(20))?.version == 2)
        #expect(r.resolve("86.1.1/zjk/gpu-1", now: at(20))?.priceFenPerUnitHour == 1999)
        #expect(r.resolve("86.1.1/bj/npu-1", now: at(20))?.version == 1)
        #expect(ids(try r.discoverAll(DiscoveryQuery(maxPrice: 1999), now: at(20))).contains("86.1.1/zjk/gpu-1"))
        #expect(!ids(try r.discoverAll(DiscoveryQuery(maxPrice: 1998), now: at(20))).contains("86.1.1/zjk/gpu-1"))
    }

    @Test func telemetryIsAllOrNothing() throws {
        var r = sample()
        let before = ["86.1.1/zjk/gpu-1", "86.1.1/bj/npu-1", "86.1.2/zw/cpu-1"].map { r.resolve($0, now: t0) }
        let good = TelemetryReport(id: "86.1.1/zjk/gpu-1", freeUnits: 1, healthy: false, utilization: 0.9, priceFenPerUnitHour: 1)
        let cases: [(TelemetryReport, Prefix, SuanliError.Code, String?)] = [
            (TelemetryReport(id: "86.1.1/nope", freeUnits: 1, healthy: true), prefix("86.1.1"), .notFound, "reports[1].id"),
            (TelemetryReport(id: "86.1.2/zw/cpu-1", freeUnits: 1, healthy: true), prefix("86.1.1"), .forbidden, "reports[1].id"),
            (TelemetryReport(id: "86.1.1/bj/npu-1", freeUnits: 9, healthy: true), prefix("86.1.1"), .validation, "reports[1].free_units"),
            (TelemetryReport(id: "86.1.1/bj/npu-1", freeUnits: -1, healthy: true), prefix("86.1.1"), .validation, "reports[1].free_units"),
            (TelemetryReport(id: "86.1.1/bj/npu-1", freeUnits: 1, healthy: true, utilization: 1.5), prefix("86.1.1"), .validation, "reports[1].utilization"),
            (TelemetryReport(id: "86.1.1/bj/npu-1", freeUnits: 1, healthy: true, utilization: .nan), prefix("86.1.1"), .validation, "reports[1].utilization"),
            (TelemetryReport(id: "86.1.1/bj/npu-1", freeUnits: 1, healthy: true, priceFenPerUnitHour: -1), prefix("86.1.1"), .validation, "reports[1].price_fen_per_unit_hour"),
            (TelemetryReport(id: "not an id", freeUnits: 1, healthy: true), prefix("86.1.1"), .invalidIdentifier, "reports[1].id"),
        ]
        for (bad, from, code, field) in cases {
            let error = #expect(throws: SuanliError.self) {
                try r.applyTelemetry([good, bad, good], from: from, now: at(99))
            }
            #expect(error?.code == code, "\(bad)")
            #expect(error?.field == field, "\(bad)")
        }
        // A provider that is not registered.
        let error = #expect(throws: SuanliError.self) { try r.applyTelemetry([good], from: prefix("86.1.9"), now: at(99)) }
        #expect(error?.code == .forbidden)
        // Nothing was applied.
        let after = ["86.1.1/zjk/gpu-1", "86.1.1/bj/npu-1", "86.1.2/zw/cpu-1"].map { r.resolve($0, now: t0) }
        #expect(before == after)
    }

    // MARK: Statistics

    @Test func statsOnAHandComputedExample() throws {
        var r = Registry(heartbeatTimeout: 30)
        r.addProvider(makeProvider("86.1.1", renewable: 0.2))
        r.addProvider(makeProvider("86.1.2", renewable: 0.8))
        // r1: intelligent (fp16 100 × 8 = 0.8 PF), east, renewable 0.2 (provider A).
        _ = r.upsert(ident("86.1.1/r1"), spec: makeSpec(kind: .gpu, units: 8, tflops: TFLOPS(fp32: 50, fp16: 100), location: "cluster.zhangjiakou"), now: t0)
        // r2: general (fp32 0.5 × 100 = 0.05 PF), west, renewable override 1.0.
        _ = r.upsert(ident("86.1.2/r2"), spec: makeSpec(kind: .cpu, units: 100, tflops: TFLOPS(fp64: 0.25, fp32: 0.5), location: "cluster.zhongwei", renewable: 1.0), now: t0)
        // r3: supercomputing (fp64 50 × 4 = 0.2 PF), central (Wuhu), renewable 0.8 (provider B).
        _ = r.upsert(ident("86.1.2/r3"), spec: makeSpec(kind: .gpu, units: 4, tflops: TFLOPS(fp64: 50, fp16: 200), location: "cluster.wuhu", labels: ["class": "supercomputing"]), now: t0)
        // r4: edge (fp16 basis) with no fp16 figure: no peak compute.
        _ = r.upsert(ident("86.1.1/r4"), spec: makeSpec(kind: .npu, units: 2, tflops: TFLOPS(int8: 100), location: "city.shanghai", labels: ["class": "edge"]), now: t0)
        // r5: intelligent (fp16 10 × 10 = 0.1 PF), east, renewable 0.2; goes stale.
        _ = r.upsert(ident("86.1.1/r5"), spec: makeSpec(kind: .gpu, units: 10, tflops: TFLOPS(fp16: 10), location: "city.beijing"), now: t0)
        // r6: deleted, must not count.
        _ = r.upsert(ident("86.1.1/r6"), spec: makeSpec(kind: .fpga, units: 1000, tflops: TFLOPS(fp16: 1000), location: "cluster.guian"), now: t0)
        r.remove("86.1.1/r6")

        _ = try r.applyTelemetry([
            TelemetryReport(id: "86.1.1/r1", freeUnits: 3, healthy: true),
            TelemetryReport(id: "86.1.1/r4", freeUnits: 1, healthy: true),
        ], from: prefix("86.1.1"), now: at(100))
        _ = try r.applyTelemetry([
            TelemetryReport(id: "86.1.2/r2", freeUnits: 40, healthy: true),
            TelemetryReport(id: "86.1.2/r3", freeUnits: 4, healthy: false),
        ], from: prefix("86.1.2"), now: at(100))

        let s = r.stats(now: at(110))
        #expect(s.providers == 2)
        #expect(s.resources == 5)
        #expect(s.availableResources == 3)  // r1, r2, r4
        #expect(s.units == 8 + 100 + 4 + 2 + 10)
        #expect(s.freeUnits == 3 + 40 + 1)
        #expect(abs(s.utilization - (1 - 44.0 / 110.0)) < 1e-12)
        #expect(s.byKind["gpu"] == StatsReport.KindTotals(resources: 3, available: 1, units: 22, freeUnits: 3))
        #expect(s.byKind["cpu"] == StatsReport.KindTotals(resources: 1, available: 1, units: 100, freeUnits: 40))
        #expect(s.byKind["npu"] == StatsReport.KindTotals(resources: 1, available: 1, units: 2, freeUnits: 1))
        #expect(s.byKind["fpga"] == StatsReport.KindTotals())
        #expect(s.byKind["asic"] == StatsReport.KindTotals())
        #expect(s.pflopsByClass == ["intelligent": 0.9, "general": 0.05, "supercomputing": 0.2, "edge": 0])
        #expect(s.basis == ["general": "fp32", "intelligent": "fp16", "supercomputing": "fp64", "edge": "fp16"])
        let total = 0.8 + 0.05 + 0.2 + 0.1
        #expect(abs(s.centralWesternShare - (0.05 + 0.2) / total) < 1e-12)
        #expect(abs(s.renewableShare - (0.8 * 0.2 + 0.05 * 1.0 + 0.2 * 0.8 + 0.1 * 0.2) / total) < 1e-12)
        #expect(s.generatedAt == at(110))

        // Everything stale: nothing available, compute still counted.
        let late = r.stats(now: at(1000))
        #expect(late.availableResources == 0 && late.freeUnits == 0 && late.utilization == 0)
        #expect(late.pflopsByClass == s.pflopsByClass)

        // Empty registry: shares are 0, not NaN.
        let empty = Registry().stats(now: t0)
        #expect(empty.resources == 0 && empty.centralWesternShare == 0 && empty.renewableShare == 0 && empty.utilization == 0)
        #expect(empty.byKind.count == ResourceKind.allCases.count)
    }
}
