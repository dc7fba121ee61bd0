import Foundation
import SuanliCore

/// A signed usage statement a task's owner issued for a task this platform placed there
/// (table `usage_statements`), stored as received so that its signature can be checked again.
public struct StoredUsageStatement: StoreRecord, Hashable {
    /// The task's id at home.
    public var homeTask: String
    /// The owning platform's prefix.
    public var owner: String
    /// The statement's JSON, exactly as signed.
    public var statement: String
    /// The owner's signature of it.
    public var signature: String
    /// When it was fetched.
    public var fetchedAt: Date

    /// Creates a record.
    public init(homeTask: String, owner: String, statement: String, signature: String, fetchedAt: Date) {
        self.homeTask = homeTask
        self.owner = owner
        self.statement = statement
        self.signature = signature
        self.fetchedAt = fetchedAt
    }

    public static let table = RecordTable(
        name: "usage_statements", columns: ["home_task", "owner", "statement", "signature", "fetched_at"],
        key: ["home_task"], orderBy: ["fetched_at", "home_task"])

    public static let migrations = [
        SchemaMigration("usage_statements.create") { db in
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS usage_statements(
                  home_task TEXT PRIMARY KEY, owner TEXT NOT NULL, statement TEXT NOT NULL, signature TEXT NOT NULL,
                  fetched_at REAL NOT NULL
                )
                """)
        }
    ]

    public var columnValues: [StoreValue] {
        [.text(homeTask), .text(owner), .text(statement), .text(signature), .date(fetchedAt)]
    }

    public init(row: StoreRow) throws {
        self.init(
            homeTask: try row.text(0), owner: try row.text(1), statement: try row.text(2), signature: try row.text(3),
            fetchedAt: try row.date(4))
    }
}
