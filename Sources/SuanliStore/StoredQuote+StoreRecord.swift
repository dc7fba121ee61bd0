import Foundation
import SuanliCore

/// A quote as stored: the columns the platform looks up by, and the whole quote as a JSON
/// document (offers with their held placements, the task spec, state), which the platform decodes.
public struct StoredQuote: Sendable, Hashable {
    public var id: String
    public var consumer: String
    /// `open`, `accepted`, `released` or `expired`.
    public var state: String
    public var expiresAt: Date
    /// The quote as JSON.
    public var document: String

    /// Creates a stored quote.
    public init(id: String, consumer: String, state: String, expiresAt: Date, document: String) {
        self.id = id
        self.consumer = consumer
        self.state = state
        self.expiresAt = expiresAt
        self.document = document
    }
}

/// Quotes and the capacity they hold (restored as holds at start), keyed by id.
extension StoredQuote: StoreRecord {
    public static let table = RecordTable(
        name: "quotes", columns: ["id", "consumer", "state", "expires_at", "document"], key: ["id"], orderBy: ["id"])

    public static let migrations = [
        SchemaMigration("quotes.create") { db in
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS quotes(
                  id TEXT PRIMARY KEY, consumer TEXT NOT NULL, state TEXT NOT NULL, expires_at REAL NOT NULL,
                  document TEXT NOT NULL
                )
                """)
        }
    ]

    public var columnValues: [StoreValue] {
        [.text(id), .text(consumer), .text(state), .date(expiresAt), .text(document)]
    }

    public init(row: StoreRow) throws {
        let state = try row.text(2)
        guard !state.isEmpty else { throw row.failure(2, "is empty") }
        self.init(
            id: try row.text(0), consumer: try row.text(1), state: state, expiresAt: try row.date(3), document: try row.json(4))
    }
}
