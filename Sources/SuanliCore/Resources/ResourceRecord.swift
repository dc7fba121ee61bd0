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
    @inlinable
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
///
/// The fields a registration fixes (``Fixed``) live in one shared, immutable box, so copying a
/// record, or building one from a registry that keeps that box per resource, costs one
/// reference count instead of one per string, label set and prefix: resolving is the hot path
/// of a public utility, and counts on strings shared by every record of a model or place would
/// make cores fight over the same cache lines. Setting a fixed field copies the box first
/// (copy on write), so a record behaves as a plain value.
public struct ResourceRecord: Sendable, Codable, Hashable {
    /// The fields set when the resource is registered (or registered again), shared between copies.
    public struct Fixed: Sendable, Hashable {
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
        /// How the price follows the load (``ResourcePricing``); absent: fixed.
        public var pricing: ResourcePricing?
        public var labels: [String: String]

        /// Creates the fixed fields of a record.
        public init(
            id: Identifier, provider: Prefix, kind: ResourceKind, computeClass: ComputeClass, arch: String,
            model: String, units: Int, memoryGiB: Double, tflops: TFLOPS, location: String,
            pricing: ResourcePricing?, labels: [String: String]
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
            self.pricing = pricing
            self.labels = labels
        }
    }

    /// An immutable box of ``Fixed`` fields that many records (and a registry's slot) share.
    public final class SharedFixed: Sendable {
        /// The fields.
        public let fields: Fixed

        /// Boxes `fields`.
        public init(_ fields: Fixed) { self.fields = fields }
    }

    @usableFromInline var shared: SharedFixed

    /// The fixed fields, shared with the records copied from this one.
    public var fixed: Fixed {
        get { shared.fields }
        set { shared = SharedFixed(newValue) }
    }

    public var id: Identifier {
        get { shared.fields.id }
        set { fixed.id = newValue }
    }
    /// The owning provider's prefix.
    public var provider: Prefix {
        get { shared.fields.provider }
        set { fixed.provider = newValue }
    }
    public var kind: ResourceKind {
        get { shared.fields.kind }
        set { fixed.kind = newValue }
    }
    public var computeClass: ComputeClass {
        get { shared.fields.computeClass }
        set { fixed.computeClass = newValue }
    }
    public var arch: String {
        get { shared.fields.arch }
        set { fixed.arch = newValue }
    }
    public var model: String {
        get { shared.fields.model }
        set { fixed.model = newValue }
    }
    public var units: Int {
        get { shared.fields.units }
        set { fixed.units = newValue }
    }
    public var memoryGiB: Double {
        get { shared.fields.memoryGiB }
        set { fixed.memoryGiB = newValue }
    }
    public var tflops: TFLOPS {
        get { shared.fields.tflops }
        set { fixed.tflops = newValue }
    }
    public var location: String {
        get { shared.fields.location }
        set { fixed.location = newValue }
    }
    /// How the price follows the load (``ResourcePricing``); absent: fixed.
    public var pricing: ResourcePricing? {
        get { shared.fields.pricing }
        set { fixed.pricing = newValue }
    }
    public var labels: [String: String] {
        get { shared.fields.labels }
        set { fixed.labels = newValue }
    }
    public var priceFenPerUnitHour: Int64
    /// Fen per standard TFLOPS-hour (see ``StandardUnit``); absent when the resource is unrated.
    public var priceFenPerStandardHour: Double?
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
        self.init(
            shared: SharedFixed(
                Fixed(
                    id: id, provider: provider, kind: kind, computeClass: computeClass, arch: arch, model: model,
                    units: units, memoryGiB: memoryGiB, tflops: tflops, location: location, pricing: pricing,
                    labels: labels)),
            priceFenPerUnitHour: priceFenPerUnitHour, priceFenPerStandardHour: priceFenPerStandardHour,
            renewable: renewable, version: version, createdAt: createdAt, updatedAt: updatedAt, state: state,
            available: available,
            unavailableReason: unavailableReason, rttMs: rttMs)
    }

    /// Creates a record around fixed fields kept elsewhere (a registry's slot): nothing is copied
    /// but one reference. Inlinable, so that the record is built where the caller wants it
    /// instead of being copied there (one reference count more).
    @inlinable
    public init(
        shared: SharedFixed, priceFenPerUnitHour: Int64, priceFenPerStandardHour: Double?, renewable: Double,
        version: UInt64, createdAt: Date, updatedAt: Date, state: LiveState, available: Bool, unavailableReason: String? = nil,
        rttMs: Double? = nil, platform: Prefix? = nil
    ) {
        self.shared = shared
        self.priceFenPerUnitHour = priceFenPerUnitHour
        self.priceFenPerStandardHour = priceFenPerStandardHour
        self.renewable = renewable
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.state = state
        self.available = available
        self.unavailableReason = unavailableReason
        self.rttMs = rttMs
        self.platform = platform
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(Identifier.self, forKey: .id),
            provider: try c.decode(Prefix.self, forKey: .provider),
            kind: try c.decode(ResourceKind.self, forKey: .kind),
            computeClass: try c.decode(ComputeClass.self, forKey: .computeClass),
            arch: try c.decode(String.self, forKey: .arch),
            model: try c.decode(String.self, forKey: .model),
            units: try c.decode(Int.self, forKey: .units),
            memoryGiB: try c.decode(Double.self, forKey: .memoryGiB),
            tflops: try c.decode(TFLOPS.self, forKey: .tflops),
            location: try c.decode(String.self, forKey: .location),
            priceFenPerUnitHour: try c.decode(Int64.self, forKey: .priceFenPerUnitHour),
            labels: try c.decode([String: String].self, forKey: .labels),
            renewable: try c.decode(Double.self, forKey: .renewable),
            version: try c.decode(UInt64.self, forKey: .version),
            createdAt: try c.decode(Date.self, forKey: .createdAt),
            updatedAt: try c.decode(Date.self, forKey: .updatedAt),
            state: try c.decode(LiveState.self, forKey: .state),
            available: try c.decode(Bool.self, forKey: .available),
            unavailableReason: try c.decodeIfPresent(String.self, forKey: .unavailableReason),
            rttMs: try c.decodeIfPresent(Double.self, forKey: .rttMs),
            priceFenPerStandardHour: try c.decodeIfPresent(Double.self, forKey: .priceFenPerStandardHour),
            pricing: try c.decodeIfPresent(ResourcePricing.self, forKey: .pricing))
        self.platform = try c.decodeIfPresent(Prefix.self, forKey: .platform)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let f = shared.fields
        try c.encode(f.id, forKey: .id)
        try c.encode(f.provider, forKey: .provider)
        try c.encode(f.kind, forKey: .kind)
        try c.encode(f.computeClass, forKey: .computeClass)
        try c.encode(f.arch, forKey: .arch)
        try c.encode(f.model, forKey: .model)
        try c.encode(f.units, forKey: .units)
        try c.encode(f.memoryGiB, forKey: .memoryGiB)
        try c.encode(f.tflops, forKey: .tflops)
        try c.encode(f.location, forKey: .location)
        try c.encode(priceFenPerUnitHour, forKey: .priceFenPerUnitHour)
        try c.encodeIfPresent(priceFenPerStandardHour, forKey: .priceFenPerStandardHour)
        try c.encodeIfPresent(f.pricing, forKey: .pricing)
        try c.encode(f.labels, forKey: .labels)
        try c.encode(renewable, forKey: .renewable)
        try c.encode(version, forKey: .version)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(state, forKey: .state)
        try c.encode(available, forKey: .available)
        try c.encodeIfPresent(unavailableReason, forKey: .unavailableReason)
        try c.encodeIfPresent(rttMs, forKey: .rttMs)
        try c.encodeIfPresent(platform, forKey: .platform)
    }

    public static func == (a: ResourceRecord, b: ResourceRecord) -> Bool {
        (a.shared === b.shared || a.shared.fields == b.shared.fields)
            && a.priceFenPerUnitHour == b.priceFenPerUnitHour && a.priceFenPerStandardHour == b.priceFenPerStandardHour
            && a.renewable == b.renewable && a.version == b.version && a.createdAt == b.createdAt && a.updatedAt == b.updatedAt && a.state == b.state
            && a.available == b.available && a.unavailableReason == b.unavailableReason && a.rttMs == b.rttMs
            && a.platform == b.platform
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(shared.fields)
        hasher.combine(priceFenPerUnitHour)
        hasher.combine(priceFenPerStandardHour)
        hasher.combine(renewable)
        hasher.combine(version)
        hasher.combine(createdAt)
        hasher.combine(updatedAt)
        hasher.combine(state)
        hasher.combine(available)
        hasher.combine(unavailableReason)
        hasher.combine(rttMs)
        hasher.combine(platform)
    }
}
