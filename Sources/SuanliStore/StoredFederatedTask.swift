import Foundation
import SuanliCore

/// A task this platform (its home) placed on another platform of its federation: its home id,
/// the home consumer, the owner (prefix and URL) and the task's id there, the resource claimed,
/// its place in the home's task order and its record as last seen at the owner.
public struct StoredFederatedTask: StoreRecord, Hashable {
    /// The task's id at home.
    public var id: String
    /// The home consumer who submitted it.
    public var consumer: String
    /// The owning platform's prefix.
    public var owner: Prefix
    /// The owning platform's URL.
    public var ownerURL: String
    /// The task's id at the owner.
    public var remoteID: String
    /// The resource claimed.
    public var resource: String
    /// When it was placed.
    public var createdAt: Date
    /// Its place in the home's task order (shared with the home's own tasks; 0 for tasks
    /// placed before the home kept one).
    public var seq: UInt64
    /// Its record under its home id, as last seen at the owner (nil until first seen).
    public var record: TaskRecord?

    /// Creates a record.
    public init(
        id: String, consumer: String, owner: Prefix, ownerURL: String, remoteID: String, resource: String, createdAt: Date, seq: UInt64 = 0,
        record: TaskRecord? = nil
    ) {
        self.id = id
        self.consumer = consumer
        self.owner = owner
        self.ownerURL = ownerURL
        self.remoteID = remoteID
        self.resource = resource
        self.createdAt = createdAt
        self.seq = seq
        self.record = record
    }

    public static let table = RecordTable(
        name: "federated_tasks", columns: ["id", "consumer", "owner", "owner_url", "remote_id", "resource", "created_at", "seq", "record"],
        key: ["id"], orderBy: ["created_at", "id"])

    public static let migrations = [
        SchemaMigration("federated_tasks.create") { db in
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS federated_tasks(
                  id TEXT PRIMARY KEY, consumer TEXT NOT NULL, owner TEXT NOT NULL, owner_url TEXT NOT NULL,
                  remote_id TEXT NOT NULL, resource TEXT NOT NULL, created_at REAL NOT NULL
                )
                """)
        },
        SchemaMigration("federated_tasks.add-seq-record") { db in
            try db.execute("ALTER TABLE federated_tasks ADD COLUMN seq INTEGER NOT NULL DEFAULT 0")
            try db.execute("ALTER TABLE federated_tasks ADD COLUMN record TEXT")
        },
    ]

    public var columnValues: [StoreValue] {
        let json: StoreValue = record.flatMap { try? SuanliJSON.encoder().encode($0) }.map { .text(String(decoding: $0, as: UTF8.self)) } ?? .null
        return [
            .text(id), .text(consumer), .text(owner.description), .text(ownerURL), .text(remoteID), .text(resource), .date(createdAt),
            .integer(Int64(clamping: seq)), json,
        ]
    }

    public init(row: StoreRow) throws {
        let id = try row.text(0)
        let text = try row.text(2)
        let owner: Prefix
        do { owner = try Prefix(parsing: text) } catch {
            throw RecordDecodingError(table: Self.table.name, key: id, column: "owner", reason: "not a prefix: \(error.message)")
        }
        let record = try row.optionalJSON(8).map { text throws(RecordDecodingError) -> TaskRecord in
            do { return try SuanliJSON.decoder().decode(TaskRecord.self, from: Data(text.utf8)) } catch {
                throw RecordDecodingError(table: Self.table.name, key: id, column: "record", reason: "not a task record: \(error)")
            }
        }
        self.init(
            id: id, consumer: try row.text(1), owner: owner, ownerURL: try row.text(3), remoteID: try row.text(4), resource: try row.text(5),
            createdAt: try row.date(6), seq: UInt64(max(0, try row.integer(7))), record: record)
    }
}
