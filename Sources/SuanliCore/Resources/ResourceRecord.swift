import Foundation

/// The live state of a resource as reported by its provider.
public struct LiveState: Sendable, Codable, Hashable {
    /// Units free right now.
    public var freeUnits: Int
    /// Whether the provider reports the resource healthy.
    public var healthy: Bool
    /// Reported utilization (0…1), if any.
    public var utilization: Double?
    /// When the last report arrived.
    public var heartbeatAt: Date

    enum CodingKeys: String, CodingKey {
        case healthy, utilization
        case freeUnits = "free_units"
        case heartbeatAt = "heartbeat_at"
    }

    /// Creates a live state.
    public init(freeUnits: Int, healthy: Bool, utilization: Double?, heartbeatAt: Date) {
        self.freeUnits = freeUnits
        self.healthy = healthy
        self.utilization = utilization
        self.heartbeatAt = heartbeatAt
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(freeUnits, forKey: .freeUnits)
        try c.encode(healthy, forKey: .healthy)
        try c.encode(utilization, forKey: .utilization)  // explicit null when unknown
        try c.encode(heartbeatAt, forKey: .heartbeatAt)
    }
}

/// A resource as returned by resolve and discovery: the spec, its owner, derived fields and live state.
public struct ResourceRecord: Sendable, Codable, Hashable {
    public var id: Identifier
    /// The owning provider's prefix.
    public var provider: Prefix
    public var kind: ResourceKind
    public var computeClass: ComputeClass
    public var arch: String
    public var model: String
    public var units: Int
    public var memoryGiB: Double
    public var tflops: TFLOPS
    public var location: String
    public var priceFenPerUnitHour: Int64
    /// Fen per standard TFLOPS-hour (see ``StandardUnit``); absent when the resource is unrated.
    public var priceFenPerStandardHour: Double?
    /// How the price follows the load (``ResourcePricing``); absent: fixed.
    public var pricing: ResourcePricing?
    public var labels: [String: String]
    /// The renewable share in force: the resource's override, else its provider's.
    public var renewable: Double
    /// Increases on every change of the record (not of its live state).
    public var version: UInt64
    public var createdAt: Date
    public var updatedAt: Date
    public var state: LiveState
    /// Healthy and reported within 3 × the heartbeat interval.
    public var available: Bool
    /// Why the resource is unavailable, e.g. `stale: last report 34 s ago (limit 30 s)` or
    /// `unhealthy: its provider's last report says so`; absent when available.
    public var unavailableReason: String?
    /// The round-trip time in ms from a discovery query's `near` location (0.1 ms steps); absent otherwise.
    public var rttMs: Double?
    /// The prefix of the platform that owns the resource (resolve, `GET`/`PUT /v1/resources/{id}`);
    /// absent in discovery pages.
    public var platform: Prefix?

    enum CodingKeys: String, CodingKey {
        case id, provider, kind, arch, model, units, tflops, location, labels, renewable, version, state, available, platform
        case pricing
        case unavailableReason = "unavailable_reason"
        case rttMs = "rtt_ms"
        case computeClass = "class"
        case memoryGiB = "memory_gib"
        case priceFenPerUnitHour = "price_fen_per_unit_hour"
        case priceFenPerStandardHour = "price_fen_per_standard_hour"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// Creates a record.
    public init(
        id: Identifier, provider: Prefix, kind: ResourceKind, computeClass: ComputeClass, arch: String,
        model: String, units: Int, memoryGiB: Double, tflops: TFLOPS, location: String,
        priceFenPerUnitHour: Int64, labels: [String: String], renewable: Double, version: UInt64,
        createdAt: Date, updatedAt: Date, state: LiveState, available: Bool, unavailableReason: String? = nil,
        rttMs: Double? = nil, priceFenPerStandardHour: Double? = nil, pricing: ResourcePricing? = nil
    ) {
        self.id = id
        self.provider = provider
        self.kind = kind
        self.computeClass = computeClass
        self.arch = arch
        self.model = model
        self.units = units
        self.memoryGiB = memoryGiB
        self.tflops = tflops
        self.location = location
        self.priceFenPerUnitHour = priceFenPerUnitHour
        self.labels = labels
        self.renewable = renewable
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.state = state
        self.available = available
        self.unavailableReason = unavailableReason
        self.rttMs = rttMs
        self.priceFenPerStandardHour = priceFenPerStandardHour
        self.pricing = pricing
    }
}
