import PropertyBased
import Testing

@testable import SuanliCore

@Suite("DiscoveryQuery")
struct DiscoveryQueryTests {
    func parse(_ pairs: [(String, String)]) throws(ValidationError) -> DiscoveryQuery {
        try DiscoveryQuery(parameters: pairs)
    }

    func field(_ pairs: [(String, String)]) -> String? {
        do {
            let q = try parse(pairs)
            Issue.record("accepted \(pairs): \(q)")
            return nil
        } catch {
            #expect(!error.message.isEmpty)
            return error.field
        }
    }

    @Test func defaults() throws {
        let q = try parse([])
        #expect(q == DiscoveryQuery())
        #expect(q.limit == 100)
        #expect(!q.includeUnavailable)
        #expect(q.kind == nil && q.arch == nil && q.model == nil && q.location == nil && q.near == nil)
        #expect(q.maxRttMs == nil && q.minFree == nil && q.maxPrice == nil && q.minRenewable == nil && q.cursor == nil)
        #expect(q.parameters.isEmpty)
    }

    @Test func parsesEveryParameter() throws {
        let q = try parse([
            ("kind", "gpu"), ("arch", "x86_64"), ("model", "NVIDIA H100-SXM5-80GB"), ("location", "hub.gansu"),
            ("near", "city.shanghai"), ("max_rtt_ms", "20.5"), ("min_free", "4"), ("max_price", "2500"),
            ("min_renewable", "0.6"), ("include_unavailable", "true"), ("limit", "1000"), ("cursor", "s1z"),
        ])
        #expect(q.kind == .gpu)
        #expect(q.arch == "x86_64")
        #expect(q.model == "NVIDIA H100-SXM5-80GB")
        #expect(q.location == "hub.gansu")
        #expect(q.near == "city.shanghai")
        #expect(q.maxRttMs == 20.5)
        #expect(q.minFree == 4)
        #expect(q.maxPrice == 2500)
        #expect(q.minRenewable == 0.6)
        #expect(q.includeUnavailable)
        #expect(q.limit == 1000)
        #expect(q.cursor == "s1z")
    }

    @Test func booleansAndKinds() throws {
        for yes in ["true", "1", "yes"] { #expect(try parse([("include_unavailable", yes)]).includeUnavailable) }
        for no in ["false", "0", "no"] { #expect(!(try parse([("include_unavailable", no)]).includeUnavailable)) }
        #expect(field([("include_unavailable", "TRUE")]) == "include_unavailable")
        #expect(field([("include_unavailable", "maybe")]) == "include_unavailable")
        for kind in ResourceKind.allCases { #expect(try parse([("kind", kind.rawValue)]).kind == kind) }
        #expect(field([("kind", "GPU")]) == "kind")
        #expect(field([("kind", "tpu")]) == "kind")
    }

    @Test func emptyValuesAreIgnored() throws {
        #expect(try parse([("kind", ""), ("limit", ""), ("near", ""), ("max_rtt_ms", "")]) == DiscoveryQuery())
    }

    @Test func unknownAndDuplicatedParameters() {
        #expect(field([("colour", "red")]) == "colour")
        #expect(field([("Kind", "gpu")]) == "Kind")
        #expect(field([("max_rtt", "5")]) == "max_rtt")
        #expect(field([("kind", "gpu"), ("kind", "gpu")]) == "kind")
        #expect(field([("limit", "5"), ("arch", "x86_64"), ("limit", "6")]) == "limit")
        #expect(field([("cursor", ""), ("cursor", "")]) == "cursor", "a repeated empty value is still a repetition")
        do {
            _ = try parse([("colour", "red")])
        } catch {
            #expect(error.message.contains("min_renewable"), "the message lists the known names")
        }
    }

    @Test(arguments: [
        ("max_rtt_ms", "abc"), ("max_rtt_ms", "-1"), ("max_rtt_ms", "100001"), ("max_rtt_ms", "nan"),
        ("max_rtt_ms", "inf"), ("min_free", "1.5"), ("min_free", "-1"), ("min_free", "1000001"), ("min_free", "x"),
        ("max_price", "-5"), ("max_price", "1e16"), ("max_price", "12.5"), ("max_price", " 5"),
        ("min_renewable", "1.5"), ("min_renewable", "-0.1"), ("min_renewable", "NaN"), ("min_renewable", "half"),
        ("limit", "0"), ("limit", "1001"), ("limit", "2.5"), ("limit", "-3"), ("limit", "ten"),
    ])
    func badNumbers(_ name: String, _ value: String) {
        var pairs = [(name, value)]
        if name == "max_rtt_ms" { pairs.append(("near", "city.beijing")) }
        #expect(field(pairs) == name)
    }

    @Test func numberBoundsAreInclusive() throws {
        #expect(try parse([("limit", "1")]).limit == 1)
        #expect(try parse([("limit", "1000")]).limit == 1000)
        #expect(try parse([("min_free", "0")]).minFree == 0)
        #expect(try parse([("min_free", "1000000")]).minFree == 1_000_000)
        #expect(try parse([("min_renewable", "0")]).minRenewable == 0)
        #expect(try parse([("min_renewable", "1")]).minRenewable == 1)
        #expect(try parse([("max_price", "1000000000000000")]).maxPrice == 1_000_000_000_000_000)
        #expect(try parse([("max_price", "0")]).maxPrice == 0)
        #expect(try parse([("near", "city.beijing"), ("max_rtt_ms", "100000")]).maxRttMs == 100_000)
        #expect(try parse([("near", "city.beijing"), ("max_rtt_ms", "0")]).maxRttMs == 0)
        #expect(try parse([("limit", "10.0")]).limit == 10, "a whole number written with a fraction")
    }

    @Test func nearAndMaxRttGoTogether() throws {
        #expect(field([("near", "city.beijing")]) == "max_rtt_ms")
        #expect(field([("max_rtt_ms", "10")]) == "near")
        #expect(field([("max_rtt_ms", "10"), ("near", "")]) == "near")
        let q = try parse([("max_rtt_ms", "10"), ("near", "city.beijing")])
        #expect(q.near == "city.beijing" && q.maxRttMs == 10)
    }

    @Test func sortOrders() throws {
        #expect(try parse([]).sort == .registered)
        for sort in DiscoverySort.allCases where sort != .rtt { #expect(try parse([("sort", sort.rawValue)]).sort == sort) }
        #expect(try parse([("sort", "rtt"), ("near", "city.beijing"), ("max_rtt_ms", "20")]).sort == .rtt)
        #expect(field([("sort", "rtt")]) == "sort", "nearest first needs near")
        #expect(field([("sort", "distance")]) == "sort")
        #expect(field([("sort", "PRICE")]) == "sort")
        #expect(DiscoveryQuery(sort: .registered).parameters.isEmpty)
        #expect(DiscoveryQuery(sort: .price).parameters.map(\.0) == ["sort"])
    }

    @Test func parametersRoundTrip() throws {
        let q = DiscoveryQuery(
            kind: .npu, arch: "aarch64", model: "Huawei Ascend 910B", location: "cluster.guian", near: "city.guiyang",
            maxRttMs: 7.25, minFree: 2, maxPrice: 800, minRenewable: 0.35, includeUnavailable: true, limit: 7,
            cursor: "s2a", sort: .rtt)
        #expect(try DiscoveryQuery(parameters: q.parameters) == q)
        #expect(q.parameters.map(\.0) == DiscoveryQuery.parameterNames)
        let whole = DiscoveryQuery(near: "city.beijing", maxRttMs: 20)
        #expect(whole.parameters.first { $0.0 == "max_rtt_ms" }?.1 == "20")
    }

    static let queries = zip(
        Gen<ResourceKind>.case.optional(), Gen<Character?>.element(of: Array("abcxyz_-.0123")).map { $0! }.string(of: 1...12).optional(),
        Gen.int(in: 0...100_000_000).map { Double($0) / 1000 }.optional(), Gen.int(in: 0...1_000_000).optional(),
        Gen.int64(in: 0...1_000_000_000_000_000).optional(), Gen.int(in: 0...1000).map { Double($0) / 1000 }.optional(),
        Gen.bool, Gen.int(in: 1...1000), Gen.int(in: 0...1_000_000).map { "s" + String($0, radix: 36) }.optional()
    ).map { kind, text, rtt, minFree, maxPrice, renewable, include, limit, cursor in
        DiscoveryQuery(
            kind: kind, arch: text, model: text.map { $0 + " Model X" }, location: text.map { "city." + $0 },
            near: rtt == nil ? nil : "city.lanzhou", maxRttMs: rtt, minFree: minFree, maxPrice: maxPrice,
            minRenewable: renewable, includeUnavailable: include, limit: limit, cursor: cursor)
    }

    @Test func parametersRoundTripProperty() async {
        await propertyCheck(count: 1000, input: Self.queries) { q in
            do {
                let back = try DiscoveryQuery(parameters: q.parameters)
                #expect(back == q)
                #expect(back.parameters.map(\.0) == q.parameters.map(\.0))
                #expect(back.parameters.map(\.1) == q.parameters.map(\.1))
            } catch {
                Issue.record("\(q.parameters) did not parse: \(error)")
            }
        }
    }
}
