import Foundation

/// A provider as kept in durable storage.
public struct StoredProvider: Sendable, Hashable {
    public var prefix: Prefix
    public var registration: ProviderRegistration
    /// SHA-256 of the provider's token, hex.
    public var tokenHash: String
    public var createdAt: Date

    /// Creates a stored provider.
    public init(prefix: Prefix, registration: ProviderRegistration, tokenHash: String, createdAt: Date) {
        self.prefix = prefix
        self.registration = registration
        self.tokenHash = tokenHash
        self.createdAt = createdAt
    }
}

/// A resource record as kept in durable storage (without live state).
public struct StoredResource: Sendable, Hashable {
    public var id: Identifier
    /// Registration order; discovery pages follow it.
    public var seq: UInt64
    public var provider: Prefix
    public var spec: ResourceSpec
    public var version: UInt64
    public var createdAt: Date
    public var updatedAt: Date

    /// Creates a stored resource.
    public init(
        id: Identifier, seq: UInt64, provider: Prefix, spec: ResourceSpec, version: UInt64, createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.seq = seq
        self.provider = provider
        self.spec = spec
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The live state of one resource as kept in durable storage.
public struct StoredState: Sendable, Hashable {
    public var id: String
    public var freeUnits: Int
    public var healthy: Bool
    public var utilization: Double?
    /// Seconds since 1970.
    public var heartbeatAt: Double

    /// Creates a stored state.
    public init(id: String, freeUnits: Int, healthy: Bool, utilization: Double?, heartbeatAt: Double) {
        self.id = id
        self.freeUnits = freeUnits
        self.healthy = healthy
        self.utilization = utilization
        self.heartbeatAt = heartbeatAt
    }
}
