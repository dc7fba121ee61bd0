import Foundation

/// The state of a link between two platforms of a federation.
public enum FederationLinkState: String, Sendable, Codable, Hashable, CaseIterable {
    /// Delegated, but the child has not joined yet (or the parent has not answered the join).
    case joining
    /// The last sync was within the lease.
    case up
    /// No sync within the lease.
    case unreachable
}

/// `POST /v1/federation/children` (operator): delegate the next child prefix to a new platform.
public struct FederationChildRequest: Sendable, Codable, Hashable {
    /// A name for the child platform (1–100 characters).
    public var name: String
    /// The child platform's base URL, e.g. `https://east.example.cn`.
    public var url: String

    /// Creates a request.
    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }
}

/// A child platform as its parent sees it; ``joinToken`` only in the answer that created it.
public struct FederationChild: Sendable, Codable, Hashable {
    public var prefix: Prefix
    public var name: String
    public var url: String
    public var state: FederationLinkState
    /// When the child last synced (absent before its first sync).
    public var lastSyncAt: Date?
    /// Seconds since the last sync (absent before its first sync).
    public var lagS: Double?
    /// The one-time join token (only in the answer of `POST /v1/federation/children`).
    public var joinToken: String?

    enum CodingKeys: String, CodingKey {
        case prefix, name, url, state
        case lastSyncAt = "last_sync_at"
        case lagS = "lag_s"
        case joinToken = "join_token"
    }

    /// Creates a child.
    public init(
        prefix: Prefix, name: String, url: String, state: FederationLinkState, lastSyncAt: Date? = nil, lagS: Double? = nil,
        joinToken: String? = nil
    ) {
        self.prefix = prefix
        self.name = name
        self.url = url
        self.state = state
        self.lastSyncAt = lastSyncAt
        self.lagS = lagS
        self.joinToken = joinToken
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(prefix, forKey: .prefix)
        try c.encode(name, forKey: .name)
        try c.encode(url, forKey: .url)
        try c.encode(state, forKey: .state)
        try c.encode(lastSyncAt, forKey: .lastSyncAt)  // explicit null before the first sync
        try c.encode(lagS, forKey: .lagS)
        try c.encodeIfPresent(joinToken, forKey: .joinToken)
    }
}

/// A platform's parent as the platform sees it.
public struct FederationParent: Sendable, Codable, Hashable {
    public var prefix: Prefix
    public var url: String
    public var state: FederationLinkState

    /// Creates a parent entry.
    public init(prefix: Prefix, url: String, state: FederationLinkState) {
        self.prefix = prefix
        self.url = url
        self.state = state
    }
}

/// `GET /v1/federation`: this platform's place in the federation.
public struct FederationStatus: Sendable, Codable, Hashable {
    public var prefix: Prefix
    public var name: String
    /// The platform's Ed25519 public key, standard base64 of the 32 raw bytes.
    public var publicKey: String
    /// `null` on the root.
    public var parent: FederationParent?
    public var children: [FederationChild]

    enum CodingKeys: String, CodingKey {
        case prefix, name, parent, children
        case publicKey = "public_key"
    }

    /// Creates a status.
    public init(prefix: Prefix, name: String, publicKey: String, parent: FederationParent?, children: [FederationChild]) {
        self.prefix = prefix
        self.name = name
        self.publicKey = publicKey
        self.parent = parent
        self.children = children
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(prefix, forKey: .prefix)
        try c.encode(name, forKey: .name)
        try c.encode(publicKey, forKey: .publicKey)
        try c.encode(parent, forKey: .parent)  // explicit null on the root
        try c.encode(children, forKey: .children)
    }
}

/// `GET /v1/federation/delegations/{prefix}`: who a prefix is delegated to, signed by the
/// delegating (parent) platform's key. The root's own record has `parent: null` and is signed
/// by the root itself. The signed bytes are ``signedBytes`` (docs/federation.md).
public struct DelegationRecord: Sendable, Codable, Hashable {
    public var prefix: Prefix
    public var name: String
    public var url: String
    /// The delegate's Ed25519 public key, standard base64 of the 32 raw bytes.
    public var publicKey: String
    /// The delegating platform's prefix; `null` for the root.
    public var parent: Prefix?
    public var issuedAt: Date
    /// Ed25519 signature of ``signedBytes`` by the parent's key, standard base64.
    public var signature: String

    /// How long a record is valid after ``issuedAt``; parents re-sign well before (every sync
    /// of a record older than ``refreshAfter``).
    public static let lifetime: TimeInterval = 7 * 86_400
    /// Age after which a parent re-signs a child's record when the child syncs.
    public static let refreshAfter: TimeInterval = 86_400

    enum CodingKeys: String, CodingKey {
        case prefix, name, url, parent, signature
        case publicKey = "public_key"
        case issuedAt = "issued_at"
    }

    /// Creates a record.
    public init(prefix: Prefix, name: String, url: String, publicKey: String, parent: Prefix?, issuedAt: Date, signature: String) {
        self.prefix = prefix
        self.name = name
        self.url = url
        self.publicKey = publicKey
        self.parent = parent
        self.issuedAt = issuedAt
        self.signature = signature
    }

    /// The bytes the parent signs: UTF-8 of seven lines joined by `\n` (no trailing newline):
    /// `suanli-delegation-v1`, prefix, name, url, public key, parent prefix (empty for the
    /// root), issued_at as RFC 3339 with milliseconds (the JSON form).
    public var signedBytes: Data {
        let lines = [
            "suanli-delegation-v1", prefix.description, name, url, publicKey, parent?.description ?? "", Timestamp.format(issuedAt),
        ]
        return Data(lines.joined(separator: "\n").utf8)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(prefix, forKey: .prefix)
        try c.encode(name, forKey: .name)
        try c.encode(url, forKey: .url)
        try c.encode(publicKey, forKey: .publicKey)
        try c.encode(parent, forKey: .parent)  // explicit null for the root
        try c.encode(issuedAt, forKey: .issuedAt)
        try c.encode(signature, forKey: .signature)
    }
}

/// `POST /v1/federation/join` (signed by the joining platform's key): a child presents its
/// one-time token, public key and URL.
public struct FederationJoin: Sendable, Codable, Hashable {
    public var prefix: Prefix
    public var joinToken: String
    public var publicKey: String
    public var url: String

    enum CodingKeys: String, CodingKey {
        case prefix, url
        case joinToken = "join_token"
        case publicKey = "public_key"
    }

    /// Creates a join request.
    public init(prefix: Prefix, joinToken: String, publicKey: String, url: String) {
        self.prefix = prefix
        self.joinToken = joinToken
        self.publicKey = publicKey
        self.url = url
    }
}

/// `POST /v1/federation/sync` (signed): a child's heartbeat to its parent.
public struct FederationSync: Sendable, Codable, Hashable {
    public var prefix: Prefix
    public var url: String

    /// Creates a sync request.
    public init(prefix: Prefix, url: String) {
        self.prefix = prefix
        self.url = url
    }
}

/// The answer to a join or a sync: the child's current delegation record, the parent's
/// public key and the records from the parent up to the root (the chain, parent first).
public struct FederationLink: Sendable, Codable, Hashable {
    public var delegation: DelegationRecord
    public var parentPublicKey: String
    public var chain: [DelegationRecord]

    enum CodingKeys: String, CodingKey {
        case delegation, chain
        case parentPublicKey = "parent_public_key"
    }

    /// Creates a link answer.
    public init(delegation: DelegationRecord, parentPublicKey: String, chain: [DelegationRecord]) {
        self.delegation = delegation
        self.parentPublicKey = parentPublicKey
        self.chain = chain
    }
}

/// The HTTP headers of peer calls between platforms (docs/federation.md).
public enum FederationHeaders {
    /// The calling platform's prefix.
    public static let peer = "Suanli-Peer"
    /// Unix time in whole seconds when the request was signed.
    public static let timestamp = "Suanli-Timestamp"
    /// A random value used once (16–64 characters of `[A-Za-z0-9_-]`).
    public static let nonce = "Suanli-Nonce"
    /// Ed25519 signature (standard base64) of the request's canonical bytes.
    public static let signature = "Suanli-Signature"
    /// How many platforms have forwarded a request so far (resolve, delegations).
    public static let hops = "Suanli-Hops"
    /// The most hops a forwarded request may take.
    public static let maxHops = 8
}
