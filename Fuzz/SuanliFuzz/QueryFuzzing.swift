import Foundation
import SuanliCore
import SuanliRegistry

/// Query strings: split and percent-decoded as an HTTP query (`a=1&b=%2F`), then parsed by
/// ``DiscoveryQuery/init(parameters:)`` and run against a registry, following `next_cursor`
/// pages; every value is also tried as the times and limits of the other list endpoints.
///
/// Invariants: no trap; a page holds at most `limit` items that match the filters; following
/// cursors never repeats an item and ends; errors are short.
enum QueryFuzzing {
    @Sendable static func run(_ input: UnsafeBufferPointer<UInt8>) {
        let parameters = parse(input.text)
        for (_, value) in parameters {
            if let date = Timestamp.parse(value) { require(Timestamp.isRepresentable(date), "time \(value) out of range") }
            if let n = Int(value), (1...1000).contains(n) { _ = n }
        }
        let query: DiscoveryQuery
        do throws(ValidationError) {
            query = try DiscoveryQuery(parameters: parameters)
        } catch {
            JSONBodyFuzzing.bounded(error.message)
            return
        }
        require((1...DiscoveryQuery.maxLimit).contains(query.limit), "limit \(query.limit)")
        let registry = FuzzPlatform.seeded.registry
        var seen = Set<Identifier>()
        var page = query
        for _ in 0..<20 {
            let result: Page<ResourceRecord>
            do throws(SuanliError) {
                result = try registry.discover(page, now: FuzzPlatform.now)
            } catch {
                JSONBodyFuzzing.bounded(error)
                return
            }
            require(result.items.count <= page.limit, "\(result.items.count) items for limit \(page.limit)")
            for record in result.items {
                require(seen.insert(record.id).inserted, "\(record.id) on two pages")
                if let kind = query.kind { require(record.kind == kind, "kind filter") }
                if let model = query.model { require(record.model == model, "model filter") }
                if let arch = query.arch { require(record.arch == arch, "arch filter") }
                if let maxPrice = query.maxPrice { require(record.priceFenPerUnitHour <= maxPrice, "price filter") }
                if let minFree = query.minFree { require(record.state.freeUnits >= minFree, "free filter") }
                if !query.includeUnavailable { require(record.available, "unavailable record listed") }
                if let maxRtt = query.maxRttMs, let rtt = record.rttMs { require(rtt <= maxRtt, "rtt \(rtt) > \(maxRtt)") }
            }
            guard let next = result.nextCursor else { return }
            require(!result.items.isEmpty, "an empty page with a next cursor")
            page.cursor = next
        }
        require(false, "20 pages of at most 9 resources")
    }

    /// `name=value` pairs as an HTTP server reads a query: split at `&` and the first `=`,
    /// percent-decoded (text that is not valid percent-encoding is taken as it is).
    static func parse(_ query: String) -> [(String, String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let value = parts.count > 1 ? String(parts[1]) : ""
            return (name.removingPercentEncoding ?? name, value.removingPercentEncoding ?? value)
        }
    }
}
