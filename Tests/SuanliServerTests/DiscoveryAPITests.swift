import Foundation
import SuanliClient
import SuanliCore
import Testing

@Suite("Discovery over HTTP")
struct DiscoveryAPITests {
    @Test func filtersAndPaging() async throws {
        try await TestPlatform.with { t in
            let (east, eastClient) = try await t.provider("East", location: "city.shanghai", renewable: 0.2)
            let (west, westClient) = try await t.provider("West", location: "cluster.guian", renewable: 0.8)
            for i in 0..<30 {
                _ = try await eastClient.putResource(
                    "\(east)/gpu-\(i)", gpuSpec(location: i % 2 == 0 ? "cluster.yangtze-demo-zone" : "city.shanghai", price: 900 + Int64(i)))
                _ = try await westClient.putResource(
                    "\(west)/npu-\(i)",
                    gpuSpec(location: "cluster.guian", price: 500, model: "Huawei Ascend 910B", kind: .npu, arch: "aarch64"))
            }
            _ = try await westClient.report((0..<10).map { TelemetryReport(id: "\(west)/npu-\($0)", freeUnits: 2, healthy: true) })

            func ids(_ query: DiscoveryQuery) async throws -> [String] {
                try await t.anonymous.find(query).items.map(\.id.string)
            }
            #expect(try await ids(DiscoveryQuery(kind: .npu, limit: 1000)).count == 30)
            #expect(try await ids(DiscoveryQuery(arch: "aarch64", limit: 1000)).count == 30)
            #expect(try await ids(DiscoveryQuery(model: "Huawei Ascend 910B", minFree: 3, limit: 1000)).count == 20)
            #expect(try await ids(DiscoveryQuery(location: "hub.yangtze", limit: 1000)).count == 30)
            #expect(try await ids(DiscoveryQuery(location: "cluster.yangtze-demo-zone", limit: 1000)).count == 15)
            #expect(try await ids(DiscoveryQuery(near: "city.shanghai", maxRttMs: 5, limit: 1000)).count == 30)
            #expect(try await ids(DiscoveryQuery(near: "city.guiyang", maxRttMs: 10, limit: 1000)).allSatisfy { $0.hasPrefix(west) })
            #expect(try await ids(DiscoveryQuery(maxPrice: 904, limit: 1000)).count == 30 + 5)
            #expect(try await ids(DiscoveryQuery(minRenewable: 0.5, limit: 1000)).count == 30)
            #expect(try await ids(DiscoveryQuery(model: "No Such Model")).isEmpty)

            // Paging: every match exactly once, in a stable order, across inserts between pages.
            var seen: [String] = []
            var query = DiscoveryQuery(kind: .gpu, limit: 7)
            var pages = 0
            repeat {
                let page = try await t.anonymous.find(query)
                seen += page.items.map(\.id.string)
                query.cursor = page.nextCursor
                pages += 1
                if pages == 2 { _ = try await eastClient.putResource("\(east)/late", gpuSpec()) }
            } while query.cursor != nil
            #expect(seen.count == 31)
            #expect(Set(seen).count == 31)
            #expect(seen.last == "\(east)/late")
        }
    }

    @Test func statsAddUpOverHTTP() async throws {
        try await TestPlatform.with { t in
            let (east, eastClient) = try await t.provider("East", location: "city.shanghai", renewable: 0.2)
            let (west, westClient) = try await t.provider("West", location: "cluster.guian", renewable: 0.8)
            // 2 × 8 A100 in the east (fp16 312 each), 1 × 8 Ascend in the west (fp16 320), 1 CPU node in the west.
            _ = try await eastClient.putResource("\(east)/a", gpuSpec(location: "city.shanghai"))
            _ = try await eastClient.putResource("\(east)/b", gpuSpec(location: "city.shanghai"))
            var npu = gpuSpec(location: "cluster.guian", model: "Huawei Ascend 910B", kind: .npu, arch: "aarch64")
            npu.tflops = TFLOPS(fp16: 320)
            _ = try await westClient.putResource("\(west)/n", npu)
            _ = try await westClient.putResource(
                "\(west)/c",
                ResourceSpec(kind: .cpu, arch: "x86_64", model: "Hygon C86 7390", units: 64, memoryGiB: 8,
                             tflops: TFLOPS(fp64: 0.043, fp32: 0.086), location: "cluster.guian", priceFenPerUnitHour: 8))
            _ = try await eastClient.report([TelemetryReport(id: "\(east)/a", freeUnits: 2, healthy: true)])
            let s = try await t.anonymous.stats()
            #expect(s.providers == 2 && s.resources == 4 && s.availableResources == 4)
            #expect(s.units == 8 + 8 + 8 + 64)
            #expect(s.freeUnits == 2 + 8 + 8 + 64)
            #expect(s.byKind["gpu"] == .init(resources: 2, available: 2, units: 16, freeUnits: 10))
            let intelligent = (2 * 8 * 312.0 + 8 * 320.0) / 1000
            #expect(abs((s.pflopsByClass["intelligent"] ?? 0) - intelligent) < 0.001)
            let general = 64 * 0.086 / 1000
            #expect(abs((s.pflopsByClass["general"] ?? 0) - general) < 0.001)
            let westPeak = 8 * 320.0 / 1000 + general
            #expect(abs(s.centralWesternShare - westPeak / (intelligent + general)) < 1e-6)
            let renewable = (0.2 * 2 * 8 * 312 / 1000 + 0.8 * westPeak) / (intelligent + general)
            #expect(abs(s.renewableShare - renewable) < 1e-6)
            #expect(abs(s.utilization - 6.0 / 88.0) < 1e-9)
        }
    }

    @Test func badQueriesAreRejected() async throws {
        try await TestPlatform.with { t in
            for path in [
                "/v1/resources?colour=red", "/v1/resources?limit=0", "/v1/resources?limit=5000", "/v1/resources?kind=tpu",
                "/v1/resources?near=city.beijing", "/v1/resources?max_rtt_ms=20", "/v1/resources?min_renewable=2",
                "/v1/resources?cursor=garbage", "/v1/resources?kind=gpu&kind=cpu", "/v1/resources?min_free=1.5",
            ] {
                let (status, body) = try await rawRequest(t.url + path)
                #expect(status == 400, "\(path) → \(status) \(body)")
                #expect(body.hasPrefix("{\"error\":{\"code\":\"bad_request\""), "\(path) → \(body)")
            }
            let (status, body) = try await rawRequest(t.url + "/v1/resources?near=city.atlantis&max_rtt_ms=5")
            #expect(status == 422)
            #expect(body.contains("atlantis"))
        }
    }

    @Test func measuredLatencyOverridesTheEstimate() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider(location: "cluster.qingyang")
            _ = try await provider.putResource("\(prefix)/n", gpuSpec(location: "cluster.qingyang"))
            #expect(try await t.anonymous.find(DiscoveryQuery(near: "city.beijing", maxRttMs: 12)).items.isEmpty)
            await expectAPIError(403, "forbidden") {
                _ = try await provider.setLatency(LatencyOverride(from: "city.beijing", to: "cluster.qingyang", rttMs: 11))
            }
            let doc = try await t.operatorClient.setLatency(LatencyOverride(from: "cluster.qingyang", to: "city.beijing", rttMs: 11))
            #expect(doc.measured.count == 1)
            #expect(try await t.anonymous.find(DiscoveryQuery(near: "city.beijing", maxRttMs: 12)).items.count == 1)
            await expectAPIError(422, "validation_failed") {
                _ = try await t.operatorClient.setLatency(LatencyOverride(from: "city.beijing", to: "city.nowhere", rttMs: 3))
            }
        }
    }
}
