import SuanliCore

/// Consumers: registration and token hash, keyed by id.
extension StoredConsumer: StoreRecord {
    public static let table = RecordTable(
        name: "consumers", columns: ["id", "name", "contact", "token_hash", "created_at"], key: ["id"], insertOnly: ["created_at"])

    public static let migrations = [
        SchemaMigration("consumers.create") { db in
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS consumers(
                  id TEXT PRIMARY KEY, name TEXT NOT NULL, contact TEXT NOT NULL, token_hash TEXT NOT NULL,
                  created_at REAL NOT NULL
                ) WITHOUT ROWID
                """)
        }
    ]

    public var columnValues: [StoreValue] {
        [.text(id), .text(registration.name), .text(registration.contact), .text(tokenHash), .date(createdAt)]
    }

    public init(row: StoreRow) throws {
        self.init(
            id: try row.text(0), registration: ConsumerRegistration(name: try row.text(1), contact: try row.text(2)),
            tokenHash: try row.text(3), createdAt: try row.date(4))
    }
}
