/// What a provider declares about one resource (`PUT /v1/resources/{identifier}`).
public struct ResourceSpec: Sendable, Codable, Hashable {
    public var kind: ResourceKind
    public var arch: String
    public var model: String
    /// Schedulable units: accelerators for accelerator nodes, cores for CPU.
    public var units: Int
    /// Memory per unit in GiB.
    public var memoryGiB: Double
    public var tflops: TFLOPS
    /// A location code from the topology (e.g. `cluster.zhangjiakou`).
    public var location: String
    /// Price in fen (CNY minor unit) per unit-hour.
    public var priceFenPerUnitHour: Int64
    public var labels: [String: String]
    /// Renewable-energy share (0…1) overriding the provider's, if set.
    public var renewable: Double?
    /// How the price follows the load (``ResourcePricing``); nil: fixed.
    public var pricing: ResourcePricing?

    enum CodingKeys: String, CodingKey {
        case kind, arch, model, units, tflops, location, labels, renewable, pricing
        case memoryGiB = "memory_gib"
        case priceFenPerUnitHour = "price_fen_per_unit_hour"
    }

    /// Creates a resource specification.
    public init(
        kind: ResourceKind, arch: String, model: String, units: Int, memoryGiB: Double,
        tflops: TFLOPS = TFLOPS(), location: String, priceFenPerUnitHour: Int64,
        labels: [String: String] = [:], renewable: Double? = nil, pricing: ResourcePricing? = nil
    ) {
        self.kind = kind
        self.arch = arch
        self.model = model
        self.units = units
        self.memoryGiB = memoryGiB
        self.tflops = tflops
        self.location = location
        self.priceFenPerUnitHour = priceFenPerUnitHour
        self.labels = labels
        self.renewable = renewable
        self.pricing = pricing
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(ResourceKind.self, forKey: .kind)
        arch = try c.decode(String.self, forKey: .arch)
        model = try c.decode(String.self, forKey: .model)
        units = try c.decode(Int.self, forKey: .units)
        memoryGiB = try c.decodeIfPresent(Double.self, forKey: .memoryGiB) ?? 0
        tflops = try c.decodeIfPresent(TFLOPS.self, forKey: .tflops) ?? TFLOPS()
        location = try c.decode(String.self, forKey: .location)
        priceFenPerUnitHour = try c.decode(Int64.self, forKey: .priceFenPerUnitHour)
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        renewable = try c.decodeIfPresent(Double.self, forKey: .renewable)
        pricing = try c.decodeIfPresent(ResourcePricing.self, forKey: .pricing)
    }

    /// The compute class derived from kind and labels.
    public var computeClass: ComputeClass { ComputeClass.derive(kind: kind, labels: labels) }

    /// Checks every field against the rules in `docs/api.md`, naming the first field that is wrong.
    public func validate(topology: Topology) throws(ValidationError) {
        try Validation.token(arch, field: "arch", maxLength: 32)
        try Validation.text(model, field: "model", maxLength: 128)
        guard (1...1_000_000).contains(units) else {
            throw ValidationError(field: "units", "units must be between 1 and 1000000, got \(units)")
        }
        guard memoryGiB.isFinite, memoryGiB >= 0, memoryGiB <= 1_000_000 else {
            throw ValidationError(field: "memory_gib", "memory_gib must be a number between 0 and 1000000")
        }
        for precision in Precision.allCases {
            if let value = tflops[precision], !(value.isFinite && value >= 0 && value <= 1_000_000) {
                throw ValidationError(
                    field: "tflops.\(precision.rawValue)", "tflops.\(precision.rawValue) must be between 0 and 1000000")
            }
        }
        guard topology.location(code: location) != nil else {
            throw topology.unknownLocation(location, field: "location", example: "cluster.zhangjiakou")
        }
        guard priceFenPerUnitHour >= 0, priceFenPerUnitHour <= 100_000_000_000 else {
            throw ValidationError(
                field: "price_fen_per_unit_hour", "price_fen_per_unit_hour must be between 0 and 100000000000")
        }
        try Validation.labels(labels)
        if let explicit = labels[ComputeClass.labelKey], ComputeClass(rawValue: explicit) == nil {
            throw ValidationError(
                field: "labels.class",
                "labels.class must be one of \(ComputeClass.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let renewable {
            try Validation.fraction(renewable, field: "renewable")
        }
        try StandardUnit.validate(labels: labels)
        try pricing?.validate(list: priceFenPerUnitHour)
    }
}
