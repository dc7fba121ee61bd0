import Foundation

/// `POST /v1/providers`: what an operator says about a new provider.
public struct ProviderRegistration: Sendable, Codable, Hashable {
    public var name: String
    public var contact: String
    /// Home location code from the topology.
    public var location: String
    /// Renewable-energy share, 0…1.
    public var renewable: Double
    /// Power usage effectiveness, ≥ 1.
    public var pue: Double

    /// Creates a registration.
    public init(name: String, contact: String, location: String, renewable: Double, pue: Double) {
        self.name = name
        self.contact = contact
        self.location = location
        self.renewable = renewable
        self.pue = pue
    }

    /// Checks the fields, naming the first that is wrong.
    public func validate(topology: Topology) throws(ValidationError) {
        try Validation.text(name, field: "name", maxLength: 200)
        try Validation.text(contact, field: "contact", maxLength: 200)
        guard topology.location(code: location) != nil else {
            throw topology.unknownLocation(location, field: "location", example: "city.beijing")
        }
        try Validation.fraction(renewable, field: "renewable")
        guard pue.isFinite, pue >= 1, pue <= 5 else {
            throw ValidationError(field: "pue", "pue must be between 1.0 and 5.0, got \(pue)")
        }
    }
}

/// A registered provider as the API returns it.
public struct ProviderRecord: Sendable, Codable, Hashable {
    public var prefix: Prefix
    public var name: String
    public var contact: String
    public var location: String
    public var renewable: Double
    public var pue: Double
    public var createdAt: Date
    /// Number of resources registered under this prefix.
    public var resources: Int
    /// The provider's secret token: only in the response to registration, never again.
    public var token: String?
    /// How reliably its resources finish the work placed on them (`GET /v1/providers…` only).
    public var reliability: ProviderReliability?

    enum CodingKeys: String, CodingKey {
        case prefix, name, contact, location, renewable, pue, resources, token, reliability
        case createdAt = "created_at"
    }

    /// Creates a provider record.
    public init(
        prefix: Prefix, name: String, contact: String, location: String, renewable: Double, pue: Double,
        createdAt: Date, resources: Int, token: String? = nil
    ) {
        self.prefix = prefix
        self.name = name
        self.contact = contact
        self.location = location
        self.renewable = renewable
        self.pue = pue
        self.createdAt = createdAt
        self.resources = resources
        self.token = token
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(prefix, forKey: .prefix)
        try c.encode(name, forKey: .name)
        try c.encode(contact, forKey: .contact)
        try c.encode(location, forKey: .location)
        try c.encode(renewable, forKey: .renewable)
        try c.encode(pue, forKey: .pue)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(resources, forKey: .resources)
        try c.encodeIfPresent(token, forKey: .token)
        try c.encodeIfPresent(reliability, forKey: .reliability)
    }
}
