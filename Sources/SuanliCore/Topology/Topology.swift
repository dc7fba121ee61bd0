/// The set of known locations and the round-trip-time matrix between them.
///
/// Locations are indexed densely (0..<count) so hot paths can use arrays instead of strings.
public struct Topology: Sendable {
    /// All locations, in a stable order.
    public let locations: [Location]
    /// The model used for estimated latencies.
    public let model: LatencyModel
    private let indexByCode: [String: Int]
    /// Row-major `count × count` RTT matrix in ms.
    private var rtt: [Double]
    /// Operator-measured overrides, keyed by the ordered pair of codes (smaller first).
    public private(set) var overrides: [LatencyOverride]
    /// For each hub code, the indexes of the locations in it (the hub itself included).
    private let membersByHub: [String: [Int]]

    /// Creates a topology from locations, estimating every pair with `model`.
    public init(locations: [Location], model: LatencyModel = LatencyModel()) {
        self.locations = locations
        self.model = model
        var index: [String: Int] = [:]
        for (i, location) in locations.enumerated() { index[location.code] = i }
        self.indexByCode = index
        let n = locations.count
        var matrix = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n { matrix[i * n + j] = model.rttMs(locations[i], locations[j]) }
        }
        self.rtt = matrix
        self.overrides = []
        var members: [String: [Int]] = [:]
        for (i, location) in locations.enumerated() { members[location.hub, default: []].append(i) }
        self.membersByHub = members
    }

    /// The number of locations.
    public var count: Int { locations.count }

    /// The dense index of `code`, if known.
    public func index(of code: String) -> Int? { indexByCode[code] }

    /// The location named `code`, if known.
    public func location(code: String) -> Location? { indexByCode[code].map { locations[$0] } }

    /// Round-trip time in ms between two location indexes.
    @inline(__always)
    public func rttMs(_ a: Int, _ b: Int) -> Double { rtt[a * locations.count + b] }

    /// Round-trip time in ms between two codes, if both are known.
    public func rttMs(from a: String, to b: String) -> Double? {
        guard let i = index(of: a), let j = index(of: b) else { return nil }
        return rttMs(i, j)
    }

    /// Whether an RTT is measured by the operator rather than estimated.
    public func isMeasured(_ a: Int, _ b: Int) -> Bool {
        let (x, y) = ordered(locations[a].code, locations[b].code)
        return overrides.contains { $0.from == x && $0.to == y }
    }

    /// Location indexes matched by a `location` filter: the location itself, and for a hub
    /// every location in that hub.
    public func indexes(matching code: String) -> [Int]? {
        guard let i = index(of: code) else { return nil }
        if locations[i].kind == .hub { return membersByHub[code] ?? [i] }
        return [i]
    }

    /// Indexes of every location within `maxRttMs` of location `from`.
    public func indexes(within maxRttMs: Double, of from: Int) -> [Int] {
        (0..<locations.count).filter { rttMs(from, $0) <= maxRttMs }
    }

    /// The known code closest to a misspelt one (`city.shangai` → `city.shanghai`; `shanghai` →
    /// `city.shanghai`), if one is close enough to be a likely typo.
    public func suggestion(for code: String) -> String? {
        if index(of: code) != nil { return nil }
        let codes = locations.map(\.code)
        if let close = Suggestion.closest(to: code, among: codes) { return close }
        // Without the kind: `shanghai` or `shangai` for `city.shanghai`.
        let bare = code.split(separator: ".").last.map(String.init) ?? code
        var best: (String, Int)?
        for full in codes {
            let name = full.split(separator: ".").last.map(String.init) ?? full
            let limit = min(3, max(1, bare.unicodeScalars.count / 3))
            guard let d = Suggestion.distance(bare, name, limit: limit), d < (best?.1 ?? .max) else { continue }
            best = (full, d)
        }
        return best?.0
    }

    /// The error for an unknown location code in `field`: names the closest known code, if any,
    /// and where the codes are listed.
    public func unknownLocation(_ code: String, field: String, example: String = "city.shanghai") -> ValidationError {
        let hint = suggestion(for: code).map { "did you mean '\($0)'? " } ?? "e.g. \(example); "
        return ValidationError(
            field: field,
            "unknown location '\(Validation.excerpt(code))' in \(field); \(hint)the codes: 'suanli topology' or GET /v1/topology")
    }

    /// Sets an operator-measured RTT between two known locations (symmetric).
    public mutating func setMeasured(_ override: LatencyOverride) throws(ValidationError) {
        guard let i = index(of: override.from) else {
            throw unknownLocation(override.from, field: "from")
        }
        guard let j = index(of: override.to) else {
            throw unknownLocation(override.to, field: "to")
        }
        guard i != j else {
            throw ValidationError(field: "to", "from and to are the same location; measured values are between two places")
        }
        guard override.rttMs.isFinite, override.rttMs > 0, override.rttMs <= 10_000 else {
            throw ValidationError(field: "rtt_ms", "rtt_ms must be greater than 0 and at most 10000")
        }
        let n = locations.count
        rtt[i * n + j] = override.rttMs
        rtt[j * n + i] = override.rttMs
        let (x, y) = ordered(override.from, override.to)
        overrides.removeAll { $0.from == x && $0.to == y }
        overrides.append(LatencyOverride(from: x, to: y, rttMs: override.rttMs))
        overrides.sort { ($0.from, $0.to) < ($1.from, $1.to) }
    }

    private func ordered(_ a: String, _ b: String) -> (String, String) { a <= b ? (a, b) : (b, a) }
}

/// An operator-measured round-trip time between two locations.
public struct LatencyOverride: Sendable, Codable, Hashable {
    public var from: String
    public var to: String
    public var rttMs: Double

    enum CodingKeys: String, CodingKey {
        case from, to
        case rttMs = "rtt_ms"
    }

    /// Creates an override.
    public init(from: String, to: String, rttMs: Double) {
        self.from = from
        self.to = to
        self.rttMs = rttMs
    }
}

/// `GET /v1/topology`: locations and the RTT matrix.
public struct TopologyDocument: Sendable, Codable, Hashable {
    public var locations: [Location]
    /// Location codes in matrix order.
    public var codes: [String]
    /// `rtt_ms[i][j]`: round-trip ms from `codes[i]` to `codes[j]`, rounded to 0.1 ms.
    public var rttMs: [[Double]]
    /// The operator-measured pairs; every other pair is estimated.
    public var measured: [LatencyOverride]
    public var model: LatencyModel

    enum CodingKeys: String, CodingKey {
        case locations, codes, measured, model
        case rttMs = "rtt_ms"
    }

    /// Builds the document of a topology.
    public init(_ topology: Topology) {
        locations = topology.locations
        codes = topology.locations.map(\.code)
        let n = topology.count
        rttMs = (0..<n).map { i in (0..<n).map { j in (topology.rttMs(i, j) * 10).rounded() / 10 } }
        measured = topology.overrides
        model = topology.model
    }
}

extension LatencyModel {
    enum CodingKeys: String, CodingKey {
        case routeFactor = "route_factor"
        case fibreKmPerMs = "fibre_km_per_ms"
        case overheadMs = "overhead_ms"
        case sameSiteMs = "same_site_ms"
    }
}
