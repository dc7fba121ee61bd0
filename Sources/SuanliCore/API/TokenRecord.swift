import Foundation

/// What a token lets its holder do (see the permission matrix in `docs/api.md`).
public enum TokenRole: String, Sendable, Codable, Hashable, CaseIterable {
    /// Runs the platform: registers providers, consumers and auditors, manages every token.
    case `operator`
    /// A provider: its own resources, telemetry and agents.
    case provider
    /// A consumer: its own tasks and usage.
    case consumer
    /// Reads everything an operator can read and changes nothing.
    case auditor
    /// Another platform (federation). Reserved: not issued yet.
    case peer
}

/// A token as `GET /v1/tokens` lists it: never its secret, which only the answer that
/// creates it carries (``token``).
public struct TokenRecord: Sendable, Codable, Hashable {
    /// Stable id, e.g. `tk_3f9a1c2b7d4e5f60`; the bootstrap operator token is `operator`.
    public var id: String
    public var role: TokenRole
    /// Whose token it is: a provider prefix, a consumer or auditor id, or `operator`.
    public var owner: String
    /// A label chosen at creation ("ci", "agent zjk-a"); may be empty.
    public var name: String
    public var createdAt: Date
    /// When it stops working; `nil`: never.
    public var expiresAt: Date?
    /// When it was last presented (kept in memory, stored at most once a minute).
    public var lastUsedAt: Date?
    /// When it was revoked; `nil`: not revoked.
    public var revokedAt: Date?
    /// The secret: only in the answer that creates it (creation, rotation).
    public var token: String?

    enum CodingKeys: String, CodingKey {
        case id, role, owner, name, token
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }

    /// Creates a record.
    public init(
        id: String, role: TokenRole, owner: String, name: String = "", createdAt: Date, expiresAt: Date? = nil,
        lastUsedAt: Date? = nil, revokedAt: Date? = nil, token: String? = nil
    ) {
        self.id = id
        self.role = role
        self.owner = owner
        self.name = name
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
        self.token = token
    }

    /// Whether it is neither revoked nor expired at `now`.
    public func isActive(at now: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { $0 > now } ?? true)
    }

    /// Encodes every field, `null` included (`token` only when present).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(role, forKey: .role)
        try c.encode(owner, forKey: .owner)
        try c.encode(name, forKey: .name)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(expiresAt, forKey: .expiresAt)
        try c.encode(lastUsedAt, forKey: .lastUsedAt)
        try c.encode(revokedAt, forKey: .revokedAt)
        try c.encodeIfPresent(token, forKey: .token)
    }
}

/// `POST /v1/tokens`: a new token for a principal the caller may manage. Every field is
/// optional: `role` and `owner` default to the caller's own.
public struct TokenRequest: Sendable, Codable, Hashable {
    public var role: TokenRole?
    public var owner: String?
    public var name: String?
    /// Lifetime in seconds from now (1 s … 10 years); not with ``expiresAt``.
    public var ttlS: Double?
    /// When the token stops working (in the future); not with ``ttlS``.
    public var expiresAt: Date?

    enum CodingKeys: String, CodingKey {
        case role, owner, name
        case ttlS = "ttl_s"
        case expiresAt = "expires_at"
    }

    /// The longest lifetime a token may be given: 10 years.
    public static let maxTTL: Double = 10 * 365 * 86_400

    /// Creates a request.
    public init(role: TokenRole? = nil, owner: String? = nil, name: String? = nil, ttlS: Double? = nil, expiresAt: Date? = nil) {
        self.role = role
        self.owner = owner
        self.name = name
        self.ttlS = ttlS
        self.expiresAt = expiresAt
    }

    /// Checks the fields that need no platform state; `now` is the platform's clock.
    public func validate(now: Date) throws(ValidationError) {
        if let name { try Validation.text(name, field: "name", maxLength: 200, allowEmpty: true) }
        try TokenRotation(ttlS: ttlS, expiresAt: expiresAt).validate(now: now)
    }

    /// The expiry these fields ask for at `now`: `nil` when neither is given.
    public func expiry(now: Date) -> Date? { TokenRotation(ttlS: ttlS, expiresAt: expiresAt).expiry(now: now) }
}

/// `POST /v1/tokens/{id}/rotate`: the new token's lifetime. Empty: the old token's lifetime
/// (expiry − creation), counted from now; no expiry if it had none.
public struct TokenRotation: Sendable, Codable, Hashable {
    /// Lifetime in seconds from now (1 s … 10 years); not with ``expiresAt``.
    public var ttlS: Double?
    /// When the new token stops working (in the future); not with ``ttlS``.
    public var expiresAt: Date?

    enum CodingKeys: String, CodingKey {
        case ttlS = "ttl_s"
        case expiresAt = "expires_at"
    }

    /// Creates a rotation.
    public init(ttlS: Double? = nil, expiresAt: Date? = nil) {
        self.ttlS = ttlS
        self.expiresAt = expiresAt
    }

    /// Checks that at most one lifetime is given and that it is in range; `now` is the platform's clock.
    public func validate(now: Date) throws(ValidationError) {
        if ttlS != nil && expiresAt != nil {
            throw ValidationError(field: "ttl_s", "give either ttl_s or expires_at, not both")
        }
        if let ttlS, !(ttlS >= 1 && ttlS <= TokenRequest.maxTTL) {
            throw ValidationError(field: "ttl_s", "ttl_s must be between 1 and \(Int(TokenRequest.maxTTL)) seconds (10 years)")
        }
        if let expiresAt {
            guard expiresAt > now else {
                throw ValidationError(field: "expires_at", "expires_at must be in the future (now is \(Timestamp.format(now)))")
            }
            guard expiresAt.timeIntervalSince(now) <= TokenRequest.maxTTL else {
                throw ValidationError(field: "expires_at", "expires_at may be at most 10 years from now")
            }
        }
    }

    /// The expiry these fields ask for at `now`: `nil` when neither is given.
    public func expiry(now: Date) -> Date? {
        if let expiresAt { return expiresAt }
        return ttlS.map { now.addingTimeInterval($0) }
    }
}
