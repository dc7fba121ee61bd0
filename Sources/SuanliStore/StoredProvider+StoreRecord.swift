import Foundation
import SuanliCore

/// Providers: registration and token hash, keyed by prefix.
extension StoredProvider: StoreRecord {
    public static let table = RecordTable(
        name: "providers", columns: ["prefix", "name", "contact", "location", "renewable", "pue", "token_hash", "created_at"],
        key: ["prefix"], insertOnly: ["created_at"])

    public static let migrations = [
        SchemaMigration("providers.create") { db in
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS providers(
                  prefix TEXT PRIMARY KEY, name TEXT NOT NULL, contact TEXT NOT NULL, location TEXT NOT NULL,
                  renewable REAL NOT NULL, pue REAL NOT NULL, token_hash TEXT NOT NULL, created_at REAL NOT NULL
                ) WITHOUT ROWID
                """)
        }
    ]

    public var columnValues: [StoreValue] {
        [
            .text(prefix.description), .text(registration.name), .text(registration.contact), .text(registration.location),
            .real(registration.renewable), .real(registration.pue), .text(tokenHash), .date(createdAt),
        ]
    }

    public init(row: StoreRow) throws {
        let text = try row.text(0)
        let prefix: Prefix
        do { prefix = try Prefix(parsing: text) } catch { throw row.failure(0, "does not parse: \(error)") }
        self.init(
            prefix: prefix,
            registration: ProviderRegistration(
                name: try row.text(1), contact: try row.text(2), location: try row.text(3), renewable: try row.real(4),
                pue: try row.real(5)),
            tokenHash: try row.text(6), createdAt: try row.date(7))
    }
}
