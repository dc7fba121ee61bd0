/// The order of discovery results (`sort=`).
public enum DiscoverySort: String, Sendable, Hashable, CaseIterable {
    /// Registration order (the default).
    case registered
    /// Nearest to `near` first (needs `near`).
    case rtt
    /// Cheapest per unit-hour first.
    case price
    /// Highest renewable share first.
    case renewable
    /// Cheapest per standard TFLOPS-hour first (``StandardUnit``); unrated resources last.
    case pricePerStandard = "price_per_standard"
}

/// The filters of `GET /v1/resources`, parsed and validated.
public struct DiscoveryQuery: Sendable, Hashable {
    public var kind: ResourceKind?
    public var arch: String?
    public var model: String?
    /// A location code; a hub code matches every location in the hub.
    public var location: String?
    /// With `maxRttMs`: keep resources whose location is within that RTT of `near`.
    public var near: String?
    public var maxRttMs: Double?
    public var minFree: Int?
    public var maxPrice: Int64?
    public var minRenewable: Double?
    /// Include resources that are unhealthy or missed their heartbeats.
    public var includeUnavailable: Bool
    /// Page size, 1…1000 (default 100).
    public var limit: Int
    /// Opaque cursor from a previous page (of the same order).
    public var cursor: String?
    /// Result order; ties (and the default) in registration order.
    public var sort: DiscoverySort

    /// Default page size.
    public static let defaultLimit = 100
    /// Largest page size.
    public static let maxLimit = 1000

    /// The query parameter names accepted.
    public static let parameterNames: [String] = [
        "kind", "arch", "model", "location", "near", "max_rtt_ms", "min_free", "max_price", "min_renewable",
        "include_unavailable", "limit", "cursor", "sort",
    ]

    /// Creates a query.
    public init(
        kind: ResourceKind? = nil, arch: String? = nil, model: String? = nil, location: String? = nil,
        near: String? = nil, maxRttMs: Double? = nil, minFree: Int? = nil, maxPrice: Int64? = nil,
        minRenewable: Double? = nil, includeUnavailable: Bool = false, limit: Int = DiscoveryQuery.defaultLimit,
        cursor: String? = nil, sort: DiscoverySort = .registered
    ) {
        self.kind = kind
        self.arch = arch
        self.model = model
        self.location = location
        self.near = near
        self.maxRttMs = maxRttMs
        self.minFree = minFree
        self.maxPrice = maxPrice
        self.minRenewable = minRenewable
        self.includeUnavailable = includeUnavailable
        self.limit = limit
        self.cursor = cursor
        self.sort = sort
    }

    /// Parses URL query parameters, rejecting unknown names and malformed values.
    public init(parameters: [(String, String)]) throws(ValidationError) {
        self.init()
        var seen = Set<String>()
        for (name, value) in parameters {
            guard Self.parameterNames.contains(name) else {
                let shown = Validation.excerpt(name)
                throw ValidationError(
                    field: shown, "unknown query parameter '\(shown)'; known: \(Self.parameterNames.joined(separator: ", "))")
            }
            guard seen.insert(name).inserted else {
                throw ValidationError(field: name, "query parameter '\(name)' is given more than once")
            }
            if value.isEmpty { continue }
            switch name {
            case "kind":
                guard let k = ResourceKind(rawValue: value) else {
                    throw ValidationError(
                        field: name, "kind must be one of \(ResourceKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                kind = k
            case "arch": arch = value
            case "model": model = value
            case "location": location = value
            case "near": near = value
            case "max_rtt_ms": maxRttMs = try Self.number(value, name, 0...100_000)
            case "min_free": minFree = Int(try Self.number(value, name, 0...1_000_000, integer: true))
            case "max_price": maxPrice = Int64(try Self.number(value, name, 0...1e15, integer: true))
            case "min_renewable": minRenewable = try Self.number(value, name, 0...1)
            case "include_unavailable":
                switch value {
                case "true", "1", "yes": includeUnavailable = true
                case "false", "0", "no": includeUnavailable = false
                default: throw ValidationError(field: name, "include_unavailable must be true or false")
                }
            case "limit": limit = Int(try Self.number(value, name, 1...Double(Self.maxLimit), integer: true))
            case "cursor": cursor = value
            case "sort":
                guard let order = DiscoverySort(rawValue: value) else {
                    throw ValidationError(
                        field: name,
                        "sort must be one of \(DiscoverySort.allCases.map(\.rawValue).joined(separator: ", ")), got '\(Validation.excerpt(value))'")
                }
                sort = order
            default: break
            }
        }
        if near != nil && maxRttMs == nil {
            throw ValidationError(field: "max_rtt_ms", "near needs max_rtt_ms (e.g. near=city.shanghai&max_rtt_ms=20)")
        }
        if maxRttMs != nil && near == nil {
            throw ValidationError(field: "near", "max_rtt_ms needs near, the location to measure from (e.g. near=city.shanghai)")
        }
        if sort == .rtt && near == nil {
            throw ValidationError(field: "sort", "sort=rtt needs near and max_rtt_ms, the location to measure from (e.g. near=city.shanghai&max_rtt_ms=20)")
        }
    }

    static func number(_ text: String, _ name: String, _ range: ClosedRange<Double>, integer: Bool = false)
        throws(ValidationError) -> Double
    {
        guard let value = Double(text), value.isFinite, range.contains(value), !integer || value.rounded() == value else {
            let what = integer ? "a whole number" : "a number"
            throw ValidationError(
                field: name, "\(name) must be \(what) between \(Self.show(range.lowerBound)) and \(Self.show(range.upperBound)), got '\(Validation.excerpt(text))'")
        }
        return value
    }

    static func show(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// The query as URL parameters (for clients).
    public var parameters: [(String, String)] {
        var out: [(String, String)] = []
        if let kind { out.append(("kind", kind.rawValue)) }
        if let arch { out.append(("arch", arch)) }
        if let model { out.append(("model", model)) }
        if let location { out.append(("location", location)) }
        if let near { out.append(("near", near)) }
        if let maxRttMs { out.append(("max_rtt_ms", Self.show(maxRttMs))) }
        if let minFree { out.append(("min_free", String(minFree))) }
        if let maxPrice { out.append(("max_price", String(maxPrice))) }
        if let minRenewable { out.append(("min_renewable", String(minRenewable))) }
        if includeUnavailable { out.append(("include_unavailable", "true")) }
        if limit != Self.defaultLimit { out.append(("limit", String(limit))) }
        if let cursor { out.append(("cursor", cursor)) }
        if sort != .registered { out.append(("sort", sort.rawValue)) }
        return out
    }
}
