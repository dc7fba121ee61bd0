import Foundation
import SuanliCore

/// A child platform delegated by this one (federation): its prefix — from the same counter as
/// providers' — name and URL, the SHA-256 of its one-time join token, and once it joined, its
/// public key and the delegation record this platform signed for it.
public struct StoredChildPlatform: StoreRecord, Hashable {
    public var prefix: Prefix
    public var name: String
    public var url: String
    /// SHA-256 of the join token, lower-case hex (never the token).
    public var joinTokenHash: String
    /// The child's Ed25519 public key (standard base64); empty until it joined.
    public var publicKey: String
    public var createdAt: Date
    /// When the child joined; nil until then.
    public var joinedAt: Date?
    /// When the current delegation record was signed; nil until the child joined.
    public var issuedAt: Date?
    /// The current delegation record's signature (standard base64); empty until the child joined.
    public var signature: String

    /// Creates a record.
    public init(
        prefix: Prefix, name: String, url: String, joinTokenHash: String, publicKey: String = "", createdAt: Date,
        joinedAt: Date? = nil, issuedAt: Date? = nil, signature: String = ""
    ) {
        self.prefix = prefix
        self.name = name
        self.url = url
        self.joinTokenHash = joinTokenHash
        self.publicKey = publicKey
        self.createdAt = createdAt
        self.joinedAt = joinedAt
        self.issuedAt = issuedAt
        self.signature = signature
    }

    public static let table = RecordTable(
        name: "federation_children",
        columns: ["prefix", "name", "url", "join_token_hash", "public_key", "created_at", "joined_at", "issued_at", "signature"],
        key: ["prefix"], orderBy: ["created_at", "prefix"])

    public static let migrations = [
        SchemaMigration("federation_children.create") { db in
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS federation_children(
                  prefix TEXT PRIMARY KEY, name TEXT NOT NULL, url TEXT NOT NULL, join_token_hash TEXT NOT NULL,
                  public_key TEXT NOT NULL DEFAULT '', created_at REAL NOT NULL, joined_at REAL, issued_at REAL,
                  signature TEXT NOT NULL DEFAULT ''
                )
                """)
        }
    ]

    public var columnValues: [StoreValue] {
        [
            .text(prefix.description), .text(name), .text(url), .text(joinTokenHash), .text(publicKey), .date(createdAt),
            .real(joinedAt?.timeIntervalSince1970), .real(issuedAt?.timeIntervalSince1970), .text(signature),
        ]
    }

    public init(row: StoreRow) throws {
        let text = try row.text(0)
        let prefix: Prefix
        do { prefix = try Prefix(parsing: text) } catch {
            throw RecordDecodingError(table: Self.table.name, key: text, column: "prefix", reason: "not a prefix: \(error.message)")
        }
        self.init(
            prefix: prefix, name: try row.text(1), url: try row.text(2), joinTokenHash: try row.text(3), publicKey: try row.text(4),
            createdAt: try row.date(5), joinedAt: try row.optionalReal(6).map(Date.init(timeIntervalSince1970:)),
            issuedAt: try row.optionalReal(7).map(Date.init(timeIntervalSince1970:)), signature: try row.text(8))
    }
}
