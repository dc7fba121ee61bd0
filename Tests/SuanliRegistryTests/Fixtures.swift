import Foundation
import SuanliCore
import Testing

@testable import SuanliRegistry

/// A fixed start time, so dates round-trip exactly.
let t0 = Date(timeIntervalSince1970: 1_795_300_000)

func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: t0.timeIntervalSince1970 + seconds) }

func prefix(_ text: String) -> Prefix { try! Prefix(parsing: text) }

func ident(_ text: String) -> Identifier { try! Identifier(parsing: text) }

func makeProvider(_ prefixText: String, renewable: Double = 0.5, location: String = "cluster.zhangjiakou") -> StoredProvider {
    StoredProvider(
        prefix: prefix(prefixText),
        registration: ProviderRegistration(
            name: "Provider \(prefixText)", contact: "ops@\(prefixText).example", location: location,
            renewable: renewable, pue: 1.2),
        tokenHash: "hash-\(prefixText)", createdAt: t0)
}

func makeSpec(
    kind: ResourceKind = .gpu, arch: String = "x86_64", model: String = "NVIDIA H100", units: Int = 8,
    memoryGiB: Double = 80, tflops: TFLOPS = TFLOPS(fp64: 34, fp32: 67, fp16: 989, int8: 1979),
    location: String = "cluster.zhangjiakou", price: Int64 = 2200, labels: [String: String] = [:],
    renewable: Double? = nil
) -> ResourceSpec {
    ResourceSpec(
        kind: kind, arch: arch, model: model, units: units, memoryGiB: memoryGiB, tflops: tflops, location: location,
        priceFenPerUnitHour: price, labels: labels, renewable: renewable)
}

/// SplitMix64, local to the tests so that they do not depend on the code under test for randomness.
struct TestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
}

extension Registry {
    /// All pages of a query, following cursors; checks the page-size contract on the way.
    func discoverAll(_ query: DiscoveryQuery, now: Date, sourceLocation: SourceLocation = #_sourceLocation) throws -> [ResourceRecord] {
        var q = query
        var out: [ResourceRecord] = []
        var pages = 0
        while true {
            let page = try discover(q, now: now)
            #expect(page.items.count <= q.limit, sourceLocation: sourceLocation)
            if page.nextCursor != nil {
                #expect(page.items.count == q.limit, "a page with a cursor is full", sourceLocation: sourceLocation)
            }
            out += page.items
            pages += 1
            guard let cursor = page.nextCursor else { break }
            if pages > 100_000 {
                Issue.record("paging does not terminate", sourceLocation: sourceLocation)
                break
            }
            q.cursor = cursor
        }
        return out
    }
}
