import Foundation
import SuanliCore

/// A bearer token as stored: role, owner, the SHA-256 of its secret (never the secret), and
/// its lifetime. Several tokens may belong to one owner; a revoked token is kept (revoked_at).
public struct StoredToken: StoreRecord, Hashable {
    public var id: String
    public var role: TokenRole
    /// Provider prefix, consumer or auditor id, or `operator`.
    public var owner: String
    public var name: String
    /// SHA-256 of the secret, lower-case hex.
    public var secretHash: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    /// As last stored; the platform keeps a fresher value in memory.
    public var lastUsedAt: Date?

    /// Creates a stored token.
    public init(
        id: String, role: TokenRole, owner: String, name: String = "", secretHash: String, createdAt: Date,
        expiresAt: Date? = nil, revokedAt: Date? = nil, lastUsedAt: Date? = nil
    ) {
        self.id = id
        self.role = role
        self.owner = owner
        self.name = name
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }

    public static let table = RecordTable(
        name: "tokens",
        columns: ["id", "role", "owner", "name", "secret_hash", "created_at", "expires_at", "revoked_at", "last_used_at"],
        key: ["id"], orderBy: ["created_at", "id"])

    public static let migrations = [
        SchemaMigration("tokens.create") { db in
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS tokens(
                  id TEXT PRIMARY KEY, role TEXT NOT NULL, owner TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',
                  secret_hash TEXT NOT NULL, created_at REAL NOT NULL, expires_at REAL, revoked_at REAL, last_used_at REAL
                );
                CREATE UNIQUE INDEX IF NOT EXISTS tokens_secret_hash ON tokens(secret_hash);
                CREATE INDEX IF NOT EXISTS tokens_owner ON tokens(role, owner)
                """)
        },
        // Providers and consumers registered before token records had one token each, its hash
        // in their own row: each becomes a token record (a random id), and the old column is
        // emptied so that one place holds every credential.
        SchemaMigration("tokens.adopt-principal-tokens") { db in
            let id =
                switch db.dialect {
                case .sqlite: "'tk_' || lower(hex(randomblob(8)))"
                case .postgresql: "'tk_' || substr(md5(random()::text || clock_timestamp()::text), 1, 16)"
                }
            try db.execute(
                """
                INSERT INTO tokens(id, role, owner, name, secret_hash, created_at)
                  SELECT \(id), 'provider', prefix, '', token_hash, created_at FROM providers WHERE token_hash <> '';
                INSERT INTO tokens(id, role, owner, name, secret_hash, created_at)
                  SELECT \(id), 'consumer', id, '', token_hash, created_at FROM consumers WHERE token_hash <> '';
                UPDATE providers SET token_hash = '';
                UPDATE consumers SET token_hash = ''
                """)
        },
    ]

    public var columnValues: [StoreValue] {
        [
            .text(id), .text(role.rawValue), .text(owner), .text(name), .text(secretHash), .date(createdAt),
            .real(expiresAt?.timeIntervalSince1970), .real(revokedAt?.timeIntervalSince1970),
            .real(lastUsedAt?.timeIntervalSince1970),
        ]
    }

    public init(row: StoreRow) throws {
        let roleText = try row.text(1)
        guard let role = TokenRole(rawValue: roleText) else { throw row.failure(1, "is not a role (\(StoreValue.text(roleText)))") }
        self.init(
            id: try row.text(0), role: role, owner: try row.text(2), name: try row.text(3), secretHash: try row.text(4),
            createdAt: try row.date(5), expiresAt: try row.optionalReal(6).map(Date.init(timeIntervalSince1970:)),
            revokedAt: try row.optionalReal(7).map(Date.init(timeIntervalSince1970:)),
            lastUsedAt: try row.optionalReal(8).map(Date.init(timeIntervalSince1970:)))
    }

    /// Sets the stored `last_used_at` of token `id`.
    public static func lastUsed(_ id: String, _ date: Date) -> StoreMutation {
        .update(StoredToken.self, key: [.text(id)], set: ["last_used_at": .date(date)])
    }
}

/// An auditor: someone with read-only access to everything.
public struct StoredAuditor: StoreRecord, Hashable {
    public var id: String
    public var name: String
    public var createdAt: Date

    /// Creates a stored auditor.
    public init(id: String, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }

    public static let table = RecordTable(
        name: "auditors", columns: ["id", "name", "created_at"], key: ["id"], insertOnly: ["created_at"], orderBy: ["created_at", "id"])

    public static let migrations = [
        SchemaMigration("auditors.create") { db in
            try db.execute("CREATE TABLE IF NOT EXISTS auditors(id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at REAL NOT NULL)")
        }
    ]

    public var columnValues: [StoreValue] { [.text(id), .text(name), .date(createdAt)] }

    public init(row: StoreRow) throws {
        self.init(id: try row.text(0), name: try row.text(1), createdAt: try row.date(2))
    }
}
