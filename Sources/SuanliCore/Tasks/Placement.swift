/// Where a task runs: which alternative of its `accept` list, and the units on each resource.
///
/// A gang task has exactly one part; a split task (`gang: false`) may have several, on
/// resources of any providers. Figures are those in force when the task was placed.
public struct Placement: Sendable, Codable, Hashable {
    /// One resource's share of a placement.
    public struct Part: Sendable, Codable, Hashable {
        /// The resource identifier.
        public var resource: String
        /// Units reserved on it.
        public var units: Int
        /// Its price per unit-hour in fen.
        public var priceFenPerUnitHour: Int64
        /// RTT from the task's `data_location` in ms, rounded to 0.1 ms; `nil` without a data location.
        public var rttMs: Double?
        /// Its renewable-energy share (0…1).
        public var renewable: Double

        enum CodingKeys: String, CodingKey {
            case resource, units, renewable
            case priceFenPerUnitHour = "price_fen_per_unit_hour"
            case rttMs = "rtt_ms"
        }

        /// Creates a part.
        public init(resource: String, units: Int, priceFenPerUnitHour: Int64, rttMs: Double?, renewable: Double) {
            self.resource = resource
            self.units = units
            self.priceFenPerUnitHour = priceFenPerUnitHour
            self.rttMs = rttMs
            self.renewable = renewable
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(resource, forKey: .resource)
            try c.encode(units, forKey: .units)
            try c.encode(priceFenPerUnitHour, forKey: .priceFenPerUnitHour)
            try c.encode(rttMs, forKey: .rttMs)  // explicit null without a data location
            try c.encode(renewable, forKey: .renewable)
        }
    }

    /// Index into the task's `accept` list.
    public var alternative: Int
    /// The resources and units, most preferred first.
    public var parts: [Part]

    /// Creates a placement.
    public init(alternative: Int, parts: [Part]) {
        self.alternative = alternative
        self.parts = parts
    }

    /// Total units over all parts.
    public var units: Int { parts.reduce(0) { $0 + $1.units } }

    /// Unit-weighted mean price per unit-hour in fen.
    public var meanPriceFenPerUnitHour: Double {
        let u = units
        return u == 0 ? 0 : parts.reduce(0.0) { $0 + Double($1.priceFenPerUnitHour) * Double($1.units) } / Double(u)
    }
}
