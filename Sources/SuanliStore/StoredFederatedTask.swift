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
    /// The home's attempt (1, then one more each time the home placed it again).
    public var attempt: Int
    /// Times the home may still place it again.
    public var retriesLeft: Int
    /// The events of its earlier attempts at other owners.
    public var priorEvents: [TaskEvent]
    /// The claims of its earlier attempts, which the home gave up on.
    public var earlier: [EarlierClaim]

    /// The claim of an earlier attempt of a task placed elsewhere.
    public struct EarlierClaim: Sendable, Codable, Hashable {
        /// The home's attempt it was.
        public var attempt: Int
        /// The platform that held it, and its URL.
        public var owner: Prefix
        public var ownerURL: String
        /// The task's id there.
        public var remoteID: String

        /// Creates one.
        public init(attempt: Int, owner: Prefix, ownerURL: String, remoteID: String) {
            self.attempt = attempt
            self.owner = owner
            self.ownerURL = ownerURL
            self.remoteID = remoteID
        }

        enum CodingKeys: String, CodingKey {
            case attempt, owner
            case ownerURL = "owner_url"
            case remoteID = "remote_id"
        }
    }

    /// Creates a record.
    public init(
        id: String, consumer: String, owner: Prefix, ownerURL: String, remoteID: String, resource: String, createdAt: Date, seq: UInt64 = 0,
        record: TaskRecord? = nil, attempt: Int = 1, retriesLeft: Int = 0, priorEvents: [TaskEvent] = [],
        earlier: [EarlierClaim] = []
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
        self.attempt = attempt
        self.retriesLeft = retriesLeft
        self.priorEvents = priorEvents
        self.earlier = earlier
    }

    public static let table = RecordTable(
        name: "federated_tasks", columns: ["id", "consumer", "owner", "owner_url", "remote_id", "resource", "created_at", "seq", "record", "attempt", "retries_left",
            "prior_events", "earlier",
        ],
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
        SchemaMigration("federated_tasks.follow") { db in
            try db.execute("ALTER TABLE federated_tasks ADD COLUMN seq INTEGER NOT NULL DEFAULT 0")
            try db.execute("ALTER TABLE federated_tasks ADD COLUMN record TEXT")
            try db.execute("ALTER TABLE federated_tasks ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1")
            try db.execute("ALTER TABLE federated_tasks ADD COLUMN retries_left INTEGER NOT NULL DEFAULT 0")
            try db.execute("ALTER TABLE federated_tasks ADD COLUMN prior_events TEXT")
            try db.execute("ALTER TABLE federated_tasks ADD COLUMN earlier TEXT")
        },
    ]

    public var columnValues: [StoreValue] {
        func json<T: Encodable>(_ value: T?) -> StoreValue {
            value.flatMap { try? SuanliJSON.encoder().encode($0) }.map { .text(String(decoding: $0, as: UTF8.self)) } ?? .null
        }
        return [
            .text(id), .text(consumer), .text(owner.description), .text(ownerURL), .text(remoteID), .text(resource), .date(createdAt),
            .integer(Int64(clamping: seq)), json(record), .integer(Int64(attempt)), .integer(Int64(retriesLeft)),
            priorEvents.isEmpty ? .null : json(priorEvents), earlier.isEmpty ? .null : json(earlier),
        ]
    }

    public init(row: StoreRow) throws {
        let id = try row.text(0)
        let text = try row.text(2)
        let owner: Prefix
        do { owner = try Prefix(parsing: text) } catch {
            throw RecordDecodingError(table: Self.table.name, key: id, column: "owner", reason: "not a prefix: \(error.message)")
        }
        func decoded<T: Decodable>(_ type: T.Type, _ index: Int, _ column: String) throws(RecordDecodingError) -> T? {
            try row.optionalJSON(index).map { text throws(RecordDecodingError) -> T in
                do { return try SuanliJSON.decoder().decode(T.self, from: Data(text.utf8)) } catch {
                    throw RecordDecodingError(table: Self.table.name, key: id, column: column, reason: "not what it should hold: \(error)")
                }
            }
        }
        self.init(
            id: id, consumer: try row.text(1), owner: owner, ownerURL: try row.text(3), remoteID: try row.text(4), resource: try row.text(5),
            createdAt: try row.date(6), seq: UInt64(max(0, try row.integer(7))), record: try decoded(TaskRecord.self, 8, "record"),
            attempt: try row.int(9), retriesLeft: try row.int(10), priorEvents: try decoded([TaskEvent].self, 11, "prior_events") ?? [],
            earlier: try decoded([EarlierClaim].self, 12, "earlier") ?? [])
    }
}
