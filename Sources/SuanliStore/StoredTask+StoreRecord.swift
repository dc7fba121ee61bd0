import Foundation
import SuanliCore

/// Tasks: the columns the platform rebuilds its queue from plus JSON documents, in `seq` order.
/// Each JSON column must at least be JSON; the platform decodes the documents themselves.
extension StoredTask: StoreRecord {
    public static let table = RecordTable(
        name: "tasks",
        columns: ["seq", "id", "consumer", "state", "spec", "placement", "events", "runtime", "created_at", "updated_at"],
        key: ["id"], insertOnly: ["seq", "consumer", "created_at"], orderBy: ["seq"])

    public static let migrations = [
        SchemaMigration("tasks.create") { db in
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS tasks(
                  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, consumer TEXT NOT NULL, state TEXT NOT NULL,
                  spec TEXT NOT NULL, placement TEXT, events TEXT NOT NULL, runtime TEXT NOT NULL DEFAULT '{}',
                  created_at REAL NOT NULL, updated_at REAL NOT NULL
                )
                """)
        },
        // A consumer's tasks in submission order, for listing the finished ones that left the
        // platform's memory (`GET /v1/tasks`).
        SchemaMigration("tasks.consumer-index") { db in
            try db.execute("CREATE INDEX IF NOT EXISTS tasks_consumer_seq ON tasks(consumer, seq)")
        },
    ]

    public var columnValues: [StoreValue] {
        [
            .integer(seq), .text(id), .text(consumer), .text(state), .text(specJSON), .text(placementJSON), .text(eventsJSON),
            .text(runtimeJSON), .date(createdAt), .date(updatedAt),
        ]
    }

    public init(row: StoreRow) throws {
        let state = try row.text(3)
        guard !state.isEmpty else { throw row.failure(3, "is empty") }
        self.init(
            id: try row.text(1), seq: try row.unsigned(0), consumer: try row.text(2), state: state, specJSON: try row.json(4),
            placementJSON: try row.optionalJSON(5), eventsJSON: try row.json(6), runtimeJSON: try row.json(7),
            createdAt: try row.date(8), updatedAt: try row.date(9))
    }
}

extension StoredTask {
    /// One of a task's JSON documents.
    public enum Document: String, Sendable, CaseIterable {
        /// ``StoredTask/specJSON``.
        case spec
        /// ``StoredTask/placementJSON``.
        case placement
        /// ``StoredTask/eventsJSON``.
        case events
        /// ``StoredTask/runtimeJSON``.
        case runtime
    }

    /// The text of `document` (`nil` only for an absent placement).
    public func json(_ document: Document) -> String? {
        switch document {
        case .spec: specJSON
        case .placement: placementJSON
        case .events: eventsJSON
        case .runtime: runtimeJSON
        }
    }

    /// Decodes `document` as `type`; the error names the task and the column, as a load's would
    /// (`tasks row t17: placement does not decode: …`), so a platform can refuse to start on it.
    public func decode<T: Decodable>(_ type: T.Type, _ document: Document, decoder: JSONDecoder = JSONDecoder())
        throws(RecordDecodingError) -> T
    {
        guard let text = json(document) else {
            throw RecordDecodingError(table: Self.table.name, key: id, column: document.rawValue, reason: "is null")
        }
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw RecordDecodingError(table: Self.table.name, key: id, column: document.rawValue, reason: "does not decode: \(error)")
        }
    }
}
