import Foundation
import SuanliClient
import SuanliCore
import Testing

/// `sort=`, the `rtt_ms` column and `unavailable_reason` over HTTP.
@Suite("Discovery order and availability over HTTP")
struct DiscoverySortAPITests {
    @Test func nearestFirstCheapestGreenest() async throws {
        try await TestPlatform.with { t in
            let (p, client) = try await t.provider("P", location: "cluster.guian", renewable: 0.4)
            // Registered far from Shanghai first, nearest last.
            _ = try await client.putResource("\(p)/far", gpuSpec(location: "cluster.guian", price: 500))
            _ = try await client.putResource("\(p)/mid", gpuSpec(location: "cluster.wuhu", price: 1500))
            var green = gpuSpec(location: "city.shanghai", price: 1000)
            green.renewable = 0.9
            _ = try await client.putResource("\(p)/near", green)

            let near = try await t.anonymous.find(DiscoveryQuery(near: "city.shanghai", maxRttMs: 100, sort: .rtt))
            #expect(near.items.map(\.id.string) == ["\(p)/near", "\(p)/mid", "\(p)/far"])
            let rtts = near.items.compactMap(\.rttMs)
            #expect(rtts.count == 3 && rtts == rtts.sorted())
            // The column is in the JSON as rtt_ms; without near it is absent.
            let (status, body) = try await rawRequest(t.url + "/v1/resources?near=city.shanghai&max_rtt_ms=100&sort=rtt&limit=1")
            #expect(status == 200 && body.contains("\"rtt_ms\":"))
            let (_, plain) = try await rawRequest(t.url + "/v1/resources")
            #expect(!plain.contains("rtt_ms"))

            let cheapest = try await t.anonymous.find(DiscoveryQuery(limit: 2, sort: .price))
            #expect(cheapest.items.map(\.priceFenPerUnitHour) == [500, 1000])
            let rest = try await t.anonymous.find(DiscoveryQuery(limit: 2, cursor: cheapest.nextCursor, sort: .price))
            #expect(rest.items.map(\.priceFenPerUnitHour) == [1500] && rest.nextCursor == nil)
            #expect(try await t.anonymous.find(DiscoveryQuery(sort: .renewable)).items.first?.id.string == "\(p)/near")

            // Bad orders are 400s naming the parameter.
            for query in ["sort=rtt", "sort=nearest", "sort=price&cursor=s1"] {
                let (code, text) = try await rawRequest(t.url + "/v1/resources?" + query)
                #expect(code == 400, "\(query)")
                #expect(text.contains("bad_request"), "\(query)")
            }
            // Unknown locations suggest the nearest code.
            let (code, text) = try await rawRequest(t.url + "/v1/resources?near=city.shangai&max_rtt_ms=20")
            #expect(code == 422 && text.contains("did you mean 'city.shanghai'?"))
        }
    }

    @Test func unavailableResourcesSayWhy() async throws {
        let clock = ManualClock()
        try await TestPlatform.with(heartbeatInterval: 10, clock: clock) { t in
            let (p, client) = try await t.provider("P")
            _ = try await client.putResource("\(p)/a", gpuSpec())
            _ = try await client.putResource("\(p)/b", gpuSpec())
            #expect(try await t.anonymous.resolve("\(p)/a").unavailableReason == nil)
            _ = try await client.report([TelemetryReport(id: "\(p)/b", freeUnits: 8, healthy: false)])
            let unhealthy = try await t.anonymous.resolve("\(p)/b")
            #expect(!unhealthy.available && unhealthy.unavailableReason?.hasPrefix("unhealthy") == true)
            clock.advance(34)
            let stale = try await t.anonymous.resolve("\(p)/a")
            #expect(!stale.available)
            #expect(stale.unavailableReason == "stale: last report 34 s ago (limit 30 s)")
            let listed = try await t.anonymous.find(DiscoveryQuery(includeUnavailable: true))
            #expect(listed.items.allSatisfy { $0.unavailableReason != nil })
        }
    }
}
