import Foundation
import SuanliCore

/// Suanli's records as handle values (the types and indices are listed in docs/federation.md).
///
/// Static attributes (URL, kind, model, location, price, admin) carry ``staticTTL``; live state
/// (free units, availability) carries ``liveTTL``, so Handle resolvers cache the first long and
/// the second only for seconds.
public enum HandleValues {
    /// Seconds a resolver may cache a static attribute (the federation's resolve cache keeps them as long).
    public static let staticTTL = 300
    /// Seconds a resolver may cache live state (as the federation's resolve cache).
    public static let liveTTL = 2
    /// The index of a platform's public key in its prefix handle (`HS_PUBKEY`).
    public static let publicKeyIndex = 300
    /// The index of every record's `HS_ADMIN` value.
    public static let adminIndex = 100
    /// The admin permissions of a prefix's platform: everything (add/delete handle and prefix,
    /// modify/remove/add values, read, modify/remove/add admin, list).
    static let fullPermissions = "011111111111"
    /// The admin permissions of a resource's provider: the values, not the admin or prefixes
    /// (the default of the Handle admin tool).
    static let valuePermissions = "011111110011"

    /// A resource: `URL` (its record on the platform, `recordURL`), `SUANLI.*` typed values and `HS_ADMIN`.
    public static func resource(_ record: ResourceRecord, recordURL: String, platform: Prefix?) -> [HandleValue] {
        let at = record.updatedAt
        var values: [HandleValue] = [
            .string(1, "URL", recordURL, ttl: staticTTL, at: at),
            .string(2, "SUANLI.KIND", record.kind.rawValue, ttl: staticTTL, at: at),
            .string(3, "SUANLI.ARCH", record.arch, ttl: staticTTL, at: at),
            .string(4, "SUANLI.MODEL", record.model, ttl: staticTTL, at: at),
            .string(5, "SUANLI.UNITS", String(record.units), ttl: staticTTL, at: at),
            .string(6, "SUANLI.LOCATION", record.location, ttl: staticTTL, at: at),
            .string(7, "SUANLI.PRICE_FEN_PER_UNIT_HOUR", String(record.priceFenPerUnitHour), ttl: staticTTL, at: at),
            .string(8, "SUANLI.PROVIDER", record.provider.description, ttl: staticTTL, at: at),
        ]
        if let platform {
            values.append(.string(9, "SUANLI.PLATFORM", platform.description, ttl: staticTTL, at: at))
        }
        let live = record.state.heartbeatAt
        values.append(.string(10, "SUANLI.FREE_UNITS", String(record.state.freeUnits), ttl: liveTTL, at: live))
        values.append(.string(11, "SUANLI.AVAILABLE", record.available ? "true" : "false", ttl: liveTTL, at: live))
        values.append(admin(HandleName.handle(of: record.provider), permissions: valuePermissions, at: record.createdAt))
        return values
    }

    /// A prefix: `URL` (the base URL of the platform that serves it), its name and owner as
    /// `SUANLI.*` values, the platform's public key (`HS_PUBKEY`, base64 of the raw Ed25519 key)
    /// when known, and `HS_ADMIN` naming the administering prefix.
    public static func prefix(_ description: PrefixDescription) -> [HandleValue] {
        let at = description.since
        var values: [HandleValue] = [.string(1, "URL", description.url, ttl: staticTTL, at: at)]
        if let name = description.name {
            values.append(.string(2, "SUANLI.NAME", name, ttl: staticTTL, at: at))
        }
        values.append(.string(3, "SUANLI.PLATFORM", description.platform.description, ttl: staticTTL, at: at))
        if let location = description.location {
            values.append(.string(4, "SUANLI.LOCATION", location, ttl: staticTTL, at: at))
        }
        values.append(admin(HandleName.handle(of: description.administrator), permissions: fullPermissions, at: at))
        if let key = description.publicKey {
            values.append(
                HandleValue(
                    index: publicKeyIndex, type: "HS_PUBKEY", data: HandleData(format: "base64", value: .string(key.base64EncodedString())),
                    ttl: staticTTL, timestamp: at))
        }
        return values
    }

    /// An `HS_ADMIN` value: the administrator's handle and the index of its key.
    static func admin(_ handle: String, permissions: String, at timestamp: Date) -> HandleValue {
        HandleValue(
            index: adminIndex, type: "HS_ADMIN",
            data: HandleData(format: "admin", value: .admin(HandleAdmin(handle: handle, index: publicKeyIndex, permissions: permissions))),
            ttl: staticTTL, timestamp: timestamp)
    }
}

/// What a prefix handle says about a prefix.
public struct PrefixDescription: Sendable, Hashable {
    /// The prefix.
    public var prefix: Prefix
    /// The base URL of the platform that serves the prefix.
    public var url: String
    /// The provider's or platform's name, if known.
    public var name: String?
    /// The prefix of the platform that serves it (the prefix itself for a platform).
    public var platform: Prefix
    /// The prefix whose key administers this one (the platform for a provider, the parent for a
    /// delegated platform, itself for a root).
    public var administrator: Prefix
    /// The home location code (providers).
    public var location: String?
    /// The serving platform's raw Ed25519 public key, if known.
    public var publicKey: Data?
    /// Since when the prefix exists.
    public var since: Date

    /// Creates a description.
    public init(
        prefix: Prefix, url: String, name: String?, platform: Prefix, administrator: Prefix, location: String? = nil,
        publicKey: Data? = nil, since: Date
    ) {
        self.prefix = prefix
        self.url = url
        self.name = name
        self.platform = platform
        self.administrator = administrator
        self.location = location
        self.publicKey = publicKey
        self.since = since
    }
}
