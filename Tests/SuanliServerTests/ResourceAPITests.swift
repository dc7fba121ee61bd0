import Foundation
import SuanliClient
import SuanliCore
import Testing

@Suite("Resources, resolve and telemetry over HTTP")
struct ResourceAPITests {
    @Test func putReplaceResolveDelete() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider(renewable: 0.6)
            let id = "\(prefix)/zjk-a/gpu-node-17"
            let created = try await provider.putResource(id, gpuSpec(labels: ["rack": "r1"]))
            #expect(created.created)
            #expect(created.record.version == 1)
            #expect(created.record.renewable == 0.6)
            #expect(created.record.computeClass == .intelligent)
            #expect(created.record.state.freeUnits == 8)
            #expect(created.record.available)
            var spec = gpuSpec(price: 800)
            spec.renewable = 0.9
            let replaced = try await provider.putResource(id, spec)
            #expect(!replaced.created)
            #expect(replaced.record.version == 2)
            #expect(replaced.record.renewable == 0.9)
            let resolved = try await t.anonymous.resolve(id)
            #expect(resolved == replaced.record)
            let (aliasStatus, aliasBody) = try await rawRequest(t.url + "/v1/resources/" + id)
            #expect(aliasStatus == 200)
            #expect(try SuanliJSON.decoder().decode(ResourceRecord.self, from: Data(aliasBody.utf8)) == resolved)
            #expect(resolved.priceFenPerUnitHour == 800)
            try await provider.deleteResource(id)
            await expectAPIError(404, "not_found") { _ = try await t.anonymous.resolve(id) }
            await expectAPIError(404, "not_found") { try await provider.deleteResource(id) }
        }
    }

    @Test func providersCannotTouchEachOthersResources() async throws {
        try await TestPlatform.with { t in
            let (a, clientA) = try await t.provider("A")
            let (b, clientB) = try await t.provider("B")
            _ = try await clientB.putResource("\(b)/node", gpuSpec())
            // A writes under B's prefix: refused, and B's record is untouched.
            await expectAPIError(403, "forbidden") { _ = try await clientA.putResource("\(b)/node", gpuSpec(price: 1)) }
            await expectAPIError(403, "forbidden") { _ = try await clientA.putResource("\(b)/other", gpuSpec()) }
            await expectAPIError(403, "forbidden") { try await clientA.deleteResource("\(b)/node") }
            await expectAPIError(403, "forbidden") {
                _ = try await clientA.report([TelemetryReport(id: "\(b)/node", freeUnits: 0, healthy: false)])
            }
            let record = try await t.anonymous.resolve("\(b)/node")
            #expect(record.priceFenPerUnitHour == 900)
            #expect(record.state.freeUnits == 8 && record.state.healthy)
            // The operator and anonymous callers cannot write resources either.
            await expectAPIError(403, "forbidden") { _ = try await t.operatorClient.putResource("\(a)/x", gpuSpec()) }
            await expectAPIError(401, "unauthorized") { _ = try await t.anonymous.putResource("\(a)/x", gpuSpec()) }
            // Sub-prefixes below a provider's prefix are its own.
            _ = try await clientA.putResource("\(a).3/edge-1", gpuSpec())
        }
    }

    @Test func badInputGetsClearErrors() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            let message = await expectAPIError(400, "invalid_identifier") { _ = try await t.anonymous.resolve("86.01/x") }
            #expect(message.contains("position 4"))
            await expectAPIError(400, "invalid_identifier") { _ = try await t.anonymous.resolve("\(prefix)/a//b") }
            await expectAPIError(400, "invalid_identifier") { _ = try await t.anonymous.resolve("\(prefix)/a/") }
            await expectAPIError(400, "invalid_identifier") { _ = try await t.anonymous.resolve("\(prefix)/a b") }
            await expectAPIError(404, "not_found") { _ = try await t.anonymous.resolve("\(prefix)/unknown") }
            await expectAPIError(400, "invalid_identifier") { _ = try await provider.putResource("\(prefix)/bad*name", gpuSpec()) }
            for spec in [gpuSpec(units: 0), gpuSpec(location: "city.atlantis"), gpuSpec(price: -1), gpuSpec(arch: "X86"),
                         gpuSpec(labels: ["class": "quantum"]), gpuSpec(labels: ["bad key": "v"])] {
                await expectAPIError(422, "validation_failed") { _ = try await provider.putResource("\(prefix)/n", spec) }
            }
            // Wrong JSON types and missing fields are 400 naming the field.
            let (status, body) = try await rawRequest(
                t.url + "/v1/resources/\(prefix)/n", method: .PUT, token: provider.token,
                body: Data(#"{"kind":"gpu","arch":"x86_64","model":"m","units":"eight","location":"city.beijing","price_fen_per_unit_hour":1}"#.utf8))
            #expect(status == 400)
            #expect(body.contains("units"))
            let (kindStatus, _) = try await rawRequest(
                t.url + "/v1/resources/\(prefix)/n", method: .PUT, token: provider.token,
                body: Data(#"{"kind":"tpu","arch":"x86_64","model":"m","units":8,"location":"city.beijing","price_fen_per_unit_hour":1}"#.utf8))
            #expect(kindStatus == 400)
            // Bodies over 4 MiB are refused with 413.
            let huge = Data(repeating: UInt8(ascii: " "), count: (4 << 20) + 10)
            let (tooLarge, tooLargeBody) = try await rawRequest(
                t.url + "/v1/resources/\(prefix)/n", method: .PUT, token: provider.token, body: huge)
            #expect(tooLarge == 413)
            #expect(tooLargeBody.contains("payload_too_large"))
            #expect(try await t.anonymous.stats().resources == 0)
        }
    }

    @Test func batchResolveKeepsOrderAndNulls() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            for i in 0..<5 { _ = try await provider.putResource("\(prefix)/n\(i)", gpuSpec()) }
            let ids = ["\(prefix)/n3", "\(prefix)/missing", "\(prefix)/n0", "86.1.999/x"]
            let items = try await t.anonymous.resolve(batch: ids)
            #expect(items.map { $0?.id.string } == ["\(prefix)/n3", nil, "\(prefix)/n0", nil])
            await expectAPIError(400, "invalid_identifier") { _ = try await t.anonymous.resolve(batch: ["ok/x", "86.1/x"]) }
            await expectAPIError(413, "payload_too_large") {
                _ = try await t.anonymous.resolve(batch: Array(repeating: "\(prefix)/n0", count: 10_001))
            }
        }
    }

    @Test func telemetryIsAllOrNothingAndRepricesVersion() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/a", gpuSpec())
            _ = try await provider.putResource("\(prefix)/b", gpuSpec())
            let ack = try await provider.report([
                TelemetryReport(id: "\(prefix)/a", freeUnits: 3, healthy: true, utilization: 0.6),
                TelemetryReport(id: "\(prefix)/b", freeUnits: 8, healthy: true, priceFenPerUnitHour: 700),
            ])
            #expect(ack.accepted == 2)
            let a = try await t.anonymous.resolve("\(prefix)/a")
            #expect(a.state.freeUnits == 3 && a.state.utilization == 0.6 && a.version == 1)
            let b = try await t.anonymous.resolve("\(prefix)/b")
            #expect(b.priceFenPerUnitHour == 700 && b.version == 2)
            // One bad report rejects the whole batch.
            await expectAPIError(422, "validation_failed") {
                _ = try await provider.report([
                    TelemetryReport(id: "\(prefix)/a", freeUnits: 0, healthy: true),
                    TelemetryReport(id: "\(prefix)/b", freeUnits: 9, healthy: true),
                ])
            }
            await expectAPIError(404, "not_found") {
                _ = try await provider.report([TelemetryReport(id: "\(prefix)/zzz", freeUnits: 0, healthy: true)])
            }
            await expectAPIError(401, "unauthorized") {
                _ = try await t.anonymous.report([TelemetryReport(id: "\(prefix)/a", freeUnits: 0, healthy: true)])
            }
            #expect(try await t.anonymous.resolve("\(prefix)/a").state.freeUnits == 3)
        }
    }

    @Test func staleHeartbeatsMakeResourcesUnavailable() async throws {
        try await TestPlatform.with(heartbeatInterval: 10) { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/a", gpuSpec())
            _ = try await provider.putResource("\(prefix)/b", gpuSpec())
            t.clock.advance(29)
            #expect(try await t.anonymous.resolve("\(prefix)/a").available)
            _ = try await provider.report([TelemetryReport(id: "\(prefix)/b", freeUnits: 4, healthy: true)])
            t.clock.advance(2)  // a: 31 s since its last report > 3 × 10 s; b: 2 s
            let a = try await t.anonymous.resolve("\(prefix)/a")
            #expect(!a.available)
            #expect(try await t.anonymous.find(DiscoveryQuery()).items.map(\.id.string) == ["\(prefix)/b"])
            #expect(try await t.anonymous.find(DiscoveryQuery(includeUnavailable: true)).items.count == 2)
            #expect(try await t.anonymous.stats().availableResources == 1)
            _ = try await provider.report([TelemetryReport(id: "\(prefix)/a", freeUnits: 8, healthy: true)])
            #expect(try await t.anonymous.resolve("\(prefix)/a").available)
            // Unhealthy is unavailable too.
            _ = try await provider.report([TelemetryReport(id: "\(prefix)/a", freeUnits: 8, healthy: false)])
            #expect(!(try await t.anonymous.resolve("\(prefix)/a").available))
        }
    }

    @Test func concurrentWritesAreAllDurableAndOrdered() async throws {
        let directory = TestPlatform.temporaryDirectory()
        let prefix = try await TestPlatform.with(directory: directory) { t in
            let (prefix, provider) = try await t.provider()
            // 200 writes, at most 32 in flight (the client's pool is 64 connections; more would
            // only queue for one and time out on a loaded machine).
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<200 {
                    if i >= 32 { try await group.next() }
                    group.addTask { _ = try await provider.putResource("\(prefix)/n\(i)", gpuSpec(price: Int64(i + 1))) }
                }
                try await group.waitForAll()
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<50 {
                    group.addTask { _ = try await provider.putResource("\(prefix)/n\(i)", gpuSpec(price: 5000)) }
                }
                try await group.waitForAll()
            }
            return prefix
        }
        // Restart on the same data directory: everything acknowledged is there.
        try await TestPlatform.with(directory: directory) { t in
            let items = try await t.anonymous.find(DiscoveryQuery(includeUnavailable: true, limit: 1000)).items
            #expect(items.count == 200)
            for item in items {
                let i = Int(item.id.suffix.dropFirst())!
                #expect(item.id.string == "\(prefix)/n\(i)")
                #expect(item.version == (i < 50 ? 2 : 1))
                #expect(item.priceFenPerUnitHour == (i < 50 ? 5000 : Int64(i + 1)))
            }
            #expect(try await t.anonymous.providers().count == 1)
        }
    }
}
