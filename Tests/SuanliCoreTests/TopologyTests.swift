import Foundation
import Testing

@testable import SuanliCore

@Suite("Topology")
struct TopologyTests {
    let topology = Topology.national

    static let expectedHubs: Set<String> = [
        "hub.jingjinji", "hub.yangtze", "hub.greater-bay", "hub.chengdu-chongqing",
        "hub.inner-mongolia", "hub.guizhou", "hub.gansu", "hub.ningxia",
    ]
    static let expectedClusters: Set<String> = [
        "cluster.zhangjiakou", "cluster.yangtze-demo-zone", "cluster.wuhu", "cluster.shaoguan", "cluster.tianfu",
        "cluster.chongqing", "cluster.horinger", "cluster.guian", "cluster.qingyang", "cluster.zhongwei",
    ]
    static let expectedCities: Set<String> = [
        "city.beijing", "city.tianjin", "city.shanghai", "city.hangzhou", "city.nanjing", "city.hefei",
        "city.guangzhou", "city.shenzhen", "city.wuhan", "city.changsha", "city.zhengzhou", "city.chengdu",
        "city.chongqing", "city.xian", "city.hohhot", "city.guiyang", "city.lanzhou", "city.yinchuan",
    ]

    func rtt(_ a: String, _ b: String) throws -> Double {
        try #require(topology.rttMs(from: a, to: b))
    }

    /// Independent haversine on a 6371 km sphere.
    static func haversineKm(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let r = Double.pi / 180
        let a = pow(sin((lat2 - lat1) * r / 2), 2) + cos(lat1 * r) * cos(lat2 * r) * pow(sin((lon2 - lon1) * r / 2), 2)
        return 2 * 6371 * atan2(sqrt(a), sqrt(1 - a))
    }

    @Test func nationalLayout() {
        let hubs = topology.locations.filter { $0.kind == .hub }
        let clusters = topology.locations.filter { $0.kind == .cluster }
        let cities = topology.locations.filter { $0.kind == .city }
        #expect(hubs.count == 8)
        #expect(clusters.count == 10)
        #expect(cities.count >= 10)
        #expect(Set(hubs.map(\.code)) == Self.expectedHubs)
        #expect(Set(Topology.hubCodes) == Self.expectedHubs)
        #expect(Topology.hubCodes.count == 8)
        #expect(Set(clusters.map(\.code)) == Self.expectedClusters)
        #expect(Self.expectedCities.isSubset(of: Set(cities.map(\.code))))
        // Codes are unique and indexed densely.
        #expect(Set(topology.locations.map(\.code)).count == topology.count)
        for (i, location) in topology.locations.enumerated() {
            #expect(topology.index(of: location.code) == i)
            #expect(topology.location(code: location.code) == location)
            #expect(!location.name.isEmpty)
            #expect((-90...90).contains(location.lat) && (-180...180).contains(location.lon))
            // Mainland China bounding box: catches swapped lat/lon.
            #expect((18...54).contains(location.lat) && (73...135).contains(location.lon), "\(location.code)")
        }
        #expect(topology.index(of: "city.atlantis") == nil)
        #expect(topology.location(code: "") == nil)
    }

    @Test func everyHubIsAHub() {
        for location in topology.locations {
            #expect(Self.expectedHubs.contains(location.hub), "\(location.code) → \(location.hub)")
            if location.kind == .hub { #expect(location.hub == location.code) }
        }
        // Every hub has at least one cluster.
        for hub in Self.expectedHubs {
            #expect(topology.locations.contains { $0.kind == .cluster && $0.hub == hub }, "\(hub)")
        }
    }

    @Test("cities outside hub provinces are served by the nearest hub",
          arguments: ["city.wuhan", "city.changsha", "city.zhengzhou", "city.xian"])
    func nearestHub(_ city: String) throws {
        let c = try #require(topology.location(code: city))
        let i = try #require(topology.index(of: city))
        let hubs = topology.locations.enumerated().filter { $0.element.kind == .hub }
        let nearest = try #require(hubs.min { topology.rttMs(i, $0.offset) < topology.rttMs(i, $1.offset) })
        #expect(c.hub == nearest.element.code)
        // Also nearest by plain distance, as a cross-check of the data.
        let byDistance = try #require(
            hubs.min { LatencyModel.distanceKm(c, $0.element) < LatencyModel.distanceKm(c, $1.element) })
        #expect(byDistance.element.code == nearest.element.code)
    }

    @Test func regions() throws {
        #expect(try #require(topology.location(code: "cluster.zhongwei")).region.isCentralOrWestern)
        #expect(try #require(topology.location(code: "cluster.wuhu")).region == .central)
        #expect(!(try #require(topology.location(code: "city.beijing")).region.isCentralOrWestern))
        #expect(Location.Region.central.isCentralOrWestern)
        #expect(Location.Region.west.isCentralOrWestern)
        #expect(!Location.Region.east.isCentralOrWestern)
        #expect(!Location.Region.northeast.isCentralOrWestern)
    }

    @Test func latencyFigures() throws {
        let bjSh = try rtt("city.beijing", "city.shanghai")
        #expect(bjSh > 15 && bjSh < 30, "Beijing–Shanghai \(bjSh) ms")
        let bjGz = try rtt("city.beijing", "city.guangzhou")
        #expect(bjGz > 25 && bjGz < 45, "Beijing–Guangzhou \(bjGz) ms")
        let zjkBj = try rtt("cluster.zhangjiakou", "city.beijing")
        #expect(zjkBj < 6, "Zhangjiakou–Beijing \(zjkBj) ms")
        #expect(zjkBj > 2)
        // West is farther from the east coast than the east itself.
        #expect(try rtt("cluster.zhongwei", "city.shanghai") > bjSh)
        #expect(try rtt("cluster.wuhu", "city.shanghai") < 10)
    }

    @Test func sameSiteAndSymmetry() {
        let n = topology.count
        for i in 0..<n {
            #expect(topology.rttMs(i, i) == 0.5)
            for j in 0..<n {
                #expect(topology.rttMs(i, j) == topology.rttMs(j, i))
                #expect(topology.rttMs(i, j) > 0)
                if i != j { #expect(topology.rttMs(i, j) >= 2, "\(i)–\(j)") }
            }
        }
    }

    @Test func formula() throws {
        let a = try #require(topology.location(code: "city.beijing"))
        let b = try #require(topology.location(code: "city.shanghai"))
        let d = Self.haversineKm(a.lat, a.lon, b.lat, b.lon)
        #expect(abs(LatencyModel.distanceKm(a, b) - d) < 1e-6)
        #expect(d > 1040 && d < 1100, "Beijing–Shanghai is about 1,070 km, got \(d)")
        let expected = 2 + 2 * d * 1.5 / 200
        #expect(abs(try rtt("city.beijing", "city.shanghai") - expected) < 1e-9)
        #expect(abs(LatencyModel().rttMs(a, b) - expected) < 1e-9)
        // Every pair of distinct places follows the formula.
        for x in topology.locations {
            for y in topology.locations where x.code != y.code {
                let dist = Self.haversineKm(x.lat, x.lon, y.lat, y.lon)
                #expect(abs(try rtt(x.code, y.code) - (2 + 2 * dist * 1.5 / 200)) < 1e-6)
            }
        }
        // A custom model is used throughout.
        let custom = LatencyModel(routeFactor: 2, fibreKmPerMs: 100, overheadMs: 1, sameSiteMs: 0.1)
        let t = Topology(locations: topology.locations, model: custom)
        #expect(t.model == custom)
        let i = try #require(t.index(of: "city.beijing"))
        let j = try #require(t.index(of: "city.shanghai"))
        #expect(abs(t.rttMs(i, j) - (1 + 2 * d * 2 / 100)) < 1e-9)
        #expect(t.rttMs(i, i) == 0.1)
        #expect(LatencyModel.distanceKm(a, a) == 0)
    }

    @Test func hubMatchingAndRadius() throws {
        let members = try #require(topology.indexes(matching: "hub.jingjinji")).map { topology.locations[$0].code }
        #expect(Set(members) == ["hub.jingjinji", "cluster.zhangjiakou", "city.beijing", "city.tianjin"])
        for hub in Self.expectedHubs {
            let got = Set(try #require(topology.indexes(matching: hub)))
            let want = Set(topology.locations.indices.filter { topology.locations[$0].hub == hub })
            #expect(got == want, "\(hub)")
        }
        #expect(topology.indexes(matching: "cluster.wuhu") == [topology.index(of: "cluster.wuhu")!])
        #expect(topology.indexes(matching: "nowhere") == nil)

        let sh = try #require(topology.index(of: "city.shanghai"))
        for radius in [0.0, 0.5, 3, 10, 20, 50, 1000] {
            let within = topology.indexes(within: radius, of: sh)
            #expect(within == topology.locations.indices.filter { topology.rttMs(sh, $0) <= radius })
        }
        #expect(topology.indexes(within: 0.4, of: sh).isEmpty)
        #expect(topology.indexes(within: 0.5, of: sh) == [sh])
        #expect(topology.indexes(within: 1000, of: sh).count == topology.count)
    }

    @Test func measuredOverride() throws {
        var t = Topology.national
        let bj = try #require(t.index(of: "city.beijing"))
        let sh = try #require(t.index(of: "city.shanghai"))
        let before = t.rttMs(bj, sh)
        #expect(!t.isMeasured(bj, sh))
        try t.setMeasured(LatencyOverride(from: "city.shanghai", to: "city.beijing", rttMs: 27.5))
        #expect(t.rttMs(bj, sh) == 27.5)
        #expect(t.rttMs(sh, bj) == 27.5)
        #expect(t.rttMs(from: "city.beijing", to: "city.shanghai") == 27.5)
        #expect(t.isMeasured(bj, sh) && t.isMeasured(sh, bj))
        #expect(t.overrides == [LatencyOverride(from: "city.beijing", to: "city.shanghai", rttMs: 27.5)])
        #expect(before != 27.5)
        // Others untouched.
        #expect(t.rttMs(from: "city.beijing", to: "city.guangzhou") == Topology.national.rttMs(from: "city.beijing", to: "city.guangzhou"))
        // Replacing keeps one override per pair; overrides are sorted.
        try t.setMeasured(LatencyOverride(from: "city.beijing", to: "city.shanghai", rttMs: 25))
        try t.setMeasured(LatencyOverride(from: "cluster.zhongwei", to: "city.beijing", rttMs: 40))
        #expect(t.overrides == [
            LatencyOverride(from: "city.beijing", to: "city.shanghai", rttMs: 25),
            LatencyOverride(from: "city.beijing", to: "cluster.zhongwei", rttMs: 40),
        ])
        #expect(t.rttMs(bj, sh) == 25)
        // The radius query sees the override.
        #expect(t.indexes(within: 25, of: bj).contains(sh))
        #expect(!t.indexes(within: 24.9, of: bj).contains(sh))

        let document = TopologyDocument(t)
        #expect(document.codes == t.locations.map(\.code))
        #expect(document.measured.count == 2)
        #expect(document.rttMs[bj][sh] == 25)
        for i in 0..<t.count {
            for j in 0..<t.count {
                #expect(abs(document.rttMs[i][j] - t.rttMs(i, j)) <= 0.05 + 1e-9)
                let tenths = document.rttMs[i][j] * 10
                #expect(abs(tenths - tenths.rounded()) < 1e-6)
            }
        }
    }

    @Test func measuredOverrideRejectsBadInput() {
        var t = Topology.national
        let cases: [(LatencyOverride, String)] = [
            (LatencyOverride(from: "city.nowhere", to: "city.beijing", rttMs: 5), "from"),
            (LatencyOverride(from: "city.beijing", to: "city.nowhere", rttMs: 5), "to"),
            (LatencyOverride(from: "city.beijing", to: "city.shanghai", rttMs: 0), "rtt_ms"),
            (LatencyOverride(from: "city.beijing", to: "city.shanghai", rttMs: -3), "rtt_ms"),
            (LatencyOverride(from: "city.beijing", to: "city.shanghai", rttMs: .nan), "rtt_ms"),
            (LatencyOverride(from: "city.beijing", to: "city.shanghai", rttMs: .infinity), "rtt_ms"),
            (LatencyOverride(from: "city.beijing", to: "city.shanghai", rttMs: 10_001), "rtt_ms"),
        ]
        for (override, field) in cases {
            do {
                try t.setMeasured(override)
                Issue.record("accepted \(override)")
            } catch {
                #expect(error.field == field, "\(override)")
            }
        }
        #expect(t.overrides.isEmpty)
        for i in 0..<t.count {
            for j in 0..<t.count { #expect(t.rttMs(i, j) == Topology.national.rttMs(i, j)) }
        }
        #expect(throws: Never.self) {
            try t.setMeasured(LatencyOverride(from: "city.beijing", to: "city.shanghai", rttMs: 10_000))
        }
    }

    @Test func documentEncodesSnakeCase() throws {
        let json = String(decoding: try SuanliJSON.encoder().encode(TopologyDocument(topology)), as: UTF8.self)
        #expect(json.contains("\"rtt_ms\""))
        #expect(json.contains("\"route_factor\":1.5"))
        #expect(json.contains("\"same_site_ms\":0.5"))
        let decoded = try SuanliJSON.decoder().decode(TopologyDocument.self, from: Data(json.utf8))
        #expect(decoded == TopologyDocument(topology))
    }
}
