import Foundation
import SuanliClient
import SuanliCore
import SuanliRegistry
import SuanliServer
import Testing

/// A hand-built network on the equator, where the model's RTT is 2 ms + 0.015 ms per km and
/// one degree of longitude is 111.19 km: cluster.a (0°), city.x (5°: 10.3 ms from cluster.a),
/// city.z (−10°: 18.7 ms from cluster.a), city.y (15°: 27.0 ms from cluster.a, 18.7 ms from city.x).
private let network = Topology(locations: [
    Location(code: "hub.a", name: "Hub A", kind: .hub, hub: "hub.a", region: .west, lat: 0, lon: 0),
    Location(code: "hub.b", name: "Hub B", kind: .hub, hub: "hub.b", region: .east, lat: 0, lon: 30),
    Location(code: "cluster.a", name: "Cluster A", kind: .cluster, hub: "hub.a", region: .west, lat: 0, lon: 0),
    Location(code: "city.x", name: "City X", kind: .city, hub: "hub.a", region: .east, lat: 0, lon: 5),
    Location(code: "city.y", name: "City Y", kind: .city, hub: "hub.b", region: .east, lat: 0, lon: 15),
    Location(code: "city.z", name: "City Z", kind: .city, hub: "hub.a", region: .west, lat: 0, lon: -10),
])

private let start = Date(timeIntervalSince1970: 1_800_000_000)

private func spec(
    _ kind: ResourceKind, units: Int, _ tflops: TFLOPS, at location: String, labels: [String: String] = [:]
) -> ResourceSpec {
    ResourceSpec(
        kind: kind, arch: "x86_64", model: "model", units: units, memoryGiB: 16, tflops: tflops, location: location,
        priceFenPerUnitHour: 100, labels: labels)
}

/// The registry of the hand-built network: two providers, five resources of every class.
private func handBuiltRegistry() throws -> Registry {
    var registry = Registry(topology: network, heartbeatTimeout: 30)
    for (text, renewable, pue) in [("86.1.1", 0.5, 1.2), ("86.1.2", 0.9, 1.5)] {
        registry.addProvider(
            StoredProvider(
                prefix: try Prefix(parsing: text),
                registration: ProviderRegistration(name: text, contact: "ops@example.com", location: "cluster.a", renewable: renewable, pue: pue),
                tokenHash: "hash-\(text)", createdAt: start))
    }
    func put(_ id: String, _ spec: ResourceSpec) throws { _ = registry.upsert(try Identifier(parsing: id), spec: spec, now: start) }
    // Intelligent: 8 × 312 TFLOPS FP16 = 2.496 PFLOPS; FP32 8 × 19.5 = 0.156.
    try put("86.1.1/gpu", spec(.gpu, units: 8, TFLOPS(fp64: 9.7, fp32: 19.5, fp16: 312), at: "cluster.a"))
    // Supercomputing: 4 × 50 TFLOPS FP64 = 0.2; no FP32 figure.
    try put("86.1.1/hpc", spec(.gpu, units: 4, TFLOPS(fp64: 50, fp16: 200), at: "cluster.a", labels: ["class": "supercomputing"]))
    // Intelligent: 1 × 10 TFLOPS FP16 = 0.01; no FP32 figure; no free unit.
    try put("86.1.1/fpga", spec(.fpga, units: 1, TFLOPS(fp16: 10), at: "cluster.a"))
    // General: 64 × 2 TFLOPS FP32 = 0.128.
    try put("86.1.2/cpu", spec(.cpu, units: 64, TFLOPS(fp64: 1, fp32: 2), at: "city.y"))
    // Edge, INT8 only: no figure at its FP16 basis; unhealthy.
    try put("86.1.2/npu", spec(.npu, units: 2, TFLOPS(int8: 100), at: "city.y", labels: ["class": "edge"]))
    let later = start.addingTimeInterval(5)
    _ = try registry.applyTelemetry(
        [
            TelemetryReport(id: "86.1.1/gpu", freeUnits: 3, healthy: true),
            TelemetryReport(id: "86.1.1/hpc", freeUnits: 4, healthy: true),
            TelemetryReport(id: "86.1.1/fpga", freeUnits: 0, healthy: true),
        ], from: try Prefix(parsing: "86.1.1"), now: later)
    _ = try registry.applyTelemetry(
        [
            TelemetryReport(id: "86.1.2/cpu", freeUnits: 40, healthy: true),
            TelemetryReport(id: "86.1.2/npu", freeUnits: 2, healthy: false),
        ], from: try Prefix(parsing: "86.1.2"), now: later)
    return registry
}

private func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-9 }

@Suite("Statistics: bases, coverage, tasks and history")
struct StatisticsTests {
    @Test func everyCapacityFigureStatesItsBasisOnAHandBuiltNetwork() throws {
        let registry = try handBuiltRegistry()
        let s = registry.stats(now: start.addingTimeInterval(10))
        let byClass = s.capacity.byClass
        #expect(byClass["intelligent"] == .init(pflops: 2.506, basis: "fp16", resources: 2, unratedResources: 0))
        #expect(byClass["general"] == .init(pflops: 0.128, basis: "fp32", resources: 1, unratedResources: 0))
        #expect(byClass["supercomputing"] == .init(pflops: 0.2, basis: "fp64", resources: 1, unratedResources: 0))
        #expect(byClass["edge"] == .init(pflops: 0, basis: "fp16", resources: 1, unratedResources: 1))
        // Every resource at FP32: the GPU and the CPU; three resources have no FP32 figure.
        #expect(s.capacity.total == .init(pflops: 0.284, basis: "fp32", resources: 5, unratedResources: 3))
        #expect(s.capacity.classBasisTotal == .init(pflops: 2.834, basis: "mixed", resources: 5, unratedResources: 0))
        #expect(s.pflopsByClass == ["intelligent": 2.506, "general": 0.128, "supercomputing": 0.2, "edge": 0])
        #expect(s.figureBasis["renewable_share"] == "class_basis_pflops" && s.figureBasis["utilization"] == "available_units")
        // Shares weighted by class-basis peak: cluster.a (west) holds 2.706 of 2.834.
        #expect(close(s.centralWesternShare, 2.706 / 2.834))
        #expect(close(s.renewableShare, (2.706 * 0.5 + 0.128 * 0.9) / 2.834))
        #expect(close(s.pue, (2.706 * 1.2 + 0.128 * 1.5) / 2.834))
        // Available: all but the unhealthy NPU; 77 units, 47 free.
        #expect(s.availableResources == 4 && s.units == 79 && s.freeUnits == 47)
        #expect(close(s.utilization, 1 - 47.0 / 77))
        #expect(s.byHub.keys.sorted() == ["hub.a", "hub.b"])
        #expect(s.byHub["hub.a"]?.resources == 3 && s.byHub["hub.a"]?.units == 13 && s.byHub["hub.a"]?.freeUnits == 7)
        #expect(s.byHub["hub.b"]?.resources == 2 && s.byHub["hub.b"]?.available == 1 && s.byHub["hub.b"]?.pflops == 0.128)
        #expect(s.byLocation.keys.sorted() == ["city.y", "cluster.a"])
        #expect(s.byLocation["cluster.a"]?.pflops == 2.706 && s.byLocation["cluster.a"]?.basis == "mixed")
    }

    @Test func coverageCountsDemandCitiesWithFreeCapacityWithin20ms() throws {
        var registry = try handBuiltRegistry()
        let now = start.addingTimeInterval(10)
        let c = registry.stats(now: now).coverage
        #expect(c.rttMs == 20 && c.cities == 3)
        // GPUs free at cluster.a reach city.x (10.3 ms) and city.z (18.7 ms), not city.y (27.0 ms).
        #expect(c.byKind["gpu"] == .init(covered: 2, share: 2.0 / 3))
        // The CPU at city.y serves city.y (0.5 ms) and city.x (18.7 ms), not city.z (43.7 ms).
        #expect(c.byKind["cpu"] == .init(covered: 2, share: 2.0 / 3))
        // The FPGA has no free unit; the NPU is unhealthy.
        #expect(c.byKind["fpga"] == .init(covered: 0, share: 0) && c.byKind["npu"] == .init(covered: 0, share: 0))
        #expect(c.byKind["asic"] == .init(covered: 0, share: 0))
        #expect(c.any == .init(covered: 3, share: 1))
        // A measured RTT replaces the estimate: cluster.a–city.y at 15 ms brings city.y within reach of the GPUs.
        try registry.setMeasured(LatencyOverride(from: "cluster.a", to: "city.y", rttMs: 15))
        #expect(registry.stats(now: now).coverage.byKind["gpu"] == .init(covered: 3, share: 1))
        // Once the reports are older than the heartbeat timeout nothing is available and nothing covered.
        let stale = registry.stats(now: now.addingTimeInterval(60))
        #expect(stale.coverage.any == .init(covered: 0, share: 0) && stale.availableResources == 0)
    }

    @Test func aTallyFilledInSlicesEqualsOnePass() throws {
        let registry = try handBuiltRegistry()
        let now = start.addingTimeInterval(10)
        var tally = registry.makeStatsTally()
        var slices = 0
        while !registry.tally(&tally, limit: 2, now: now) { slices += 1 }
        #expect(slices == 2, "5 resources in slices of 2")
        #expect(tally.report(topology: registry.topology, now: now) == registry.stats(now: now))
    }

    @Test func statsOverHTTPCarryCapacityCoverageAndTasks() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec(units: 8, location: "cluster.zhangjiakou"))
            let (_, alice) = try await t.consumer()
            let placed = try await alice.submit(taskSpec(units: 8))
            let queued = try await alice.submit(taskSpec(units: 8))
            #expect(placed.state == .scheduled && queued.state == .queued)

            let s = try await t.anonymous.stats()
            #expect(s.capacity.byClass["intelligent"] == .init(pflops: 2.496, basis: "fp16", resources: 1, unratedResources: 0))
            #expect(s.capacity.total == .init(pflops: 0.156, basis: "fp32", resources: 1, unratedResources: 0))
            #expect(Set(s.byHub.keys) == Set(Topology.hubCodes))
            #expect(s.byHub["hub.jingjinji"]?.units == 8 && s.byHub["hub.jingjinji"]?.freeUnits == 8)
            #expect(s.tasks.byState["scheduled"] == 1 && s.tasks.byState["queued"] == 1 && s.tasks.byState["running"] == 0)
            #expect(s.tasks.byState.count == TaskState.allCases.count)
            #expect(s.tasks.queueLength == 1 && s.tasks.placementsTotal == 1)
            #expect(s.history == nil)
            // Coverage from the API's own RTT matrix: the cities within 20 ms of Zhangjiakou have GPUs.
            let topology = try await t.anonymous.topology()
            let zjk = topology.codes.firstIndex(of: "cluster.zhangjiakou")!
            let cities = topology.locations.enumerated().filter { $0.element.kind == .city }.map(\.offset)
            let near = cities.filter { topology.rttMs[$0][zjk] <= 20 }.count
            #expect(s.coverage.cities == cities.count && cities.count > 0)
            #expect(s.coverage.byKind["gpu"]?.covered == near && near > 0 && near < cities.count)
            #expect(s.coverage.byKind["cpu"]?.covered == 0)
            // The free units are reserved by the telemetry-less placement only in the scheduler; a report makes them busy.
            _ = try await provider.report([TelemetryReport(id: "\(prefix)/g", freeUnits: 0, healthy: true)])
            let busy = try await t.anonymous.stats()
            #expect(busy.coverage.byKind["gpu"]?.covered == 0 && busy.utilization == 1)
        }
    }

    @Test func historyKeepsOnePointPerIntervalOfThePlatformClock() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec(units: 8))
            let (_, alice) = try await t.consumer()
            let first = try await alice.submit(taskSpec(units: 8))
            let second = try await alice.submit(taskSpec(units: 8))
            t.platform.sampleStatistics()
            t.clock.advance(10)
            _ = try await alice.cancel(first.id)
            #expect(try await eventually { try await alice.task(second.id).state == .scheduled })
            t.platform.sampleStatistics()
            t.clock.advance(3)

            let (status, body) = try await rawRequest(t.url + "/v1/stats?history=1h")
            #expect(status == 200)
            let report = try SuanliJSON.decoder().decode(StatsReport.self, from: Data(body.utf8))
            let history = try #require(report.history)
            #expect(history.intervalS == 10 && history.windowS == 3600 && history.keptS == 3600)
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            #expect(history.points.map(\.at) == [t0, t0.addingTimeInterval(10)])
            let (a, b) = (history.points[0], history.points[1])
            #expect(a.tasksByState["scheduled"] == 1 && a.tasksByState["queued"] == 1 && a.queueLength == 1)
            #expect(a.placementsTotal == 1 && a.placements == 0)
            #expect(b.tasksByState["scheduled"] == 1 && b.tasksByState["cancelled"] == 1 && b.queueLength == 0)
            #expect(b.placementsTotal == 2 && b.placements == 1)
            #expect(b.units == 8 && b.freeUnitsByKind["gpu"] == 8 && b.availableResources == 1)

            // A window shorter than the history keeps only the points inside it.
            let (_, recent) = try await rawRequest(t.url + "/v1/stats?history=5s")
            let short = try SuanliJSON.decoder().decode(StatsReport.self, from: Data(recent.utf8))
            #expect(short.history?.points.map(\.at) == [t0.addingTimeInterval(10)])
            #expect(short.history?.windowS == 5)
        }
    }

    @Test func aBadHistoryOrAnUnknownParameterIs400() async throws {
        try await TestPlatform.with { t in
            for value in ["1d", "0m", "2h", "61m", "3601s", "5", "m", "-5m", "1.5m", "", "१m", "9999999999h"] {
                let query = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
                let (status, body) = try await rawRequest(t.url + "/v1/stats?history=" + query)
                #expect(status == 400, "\(value): \(body)")
                #expect(body.contains("\"code\":\"bad_request\"") && body.contains("history"), "\(value): \(body)")
            }
            let (status, body) = try await rawRequest(t.url + "/v1/stats?histroy=1h")
            #expect(status == 400 && body.contains("histroy"), "\(body)")
            #expect(try await rawRequest(t.url + "/v1/stats?history=60m").0 == 200)
        }
    }
}
