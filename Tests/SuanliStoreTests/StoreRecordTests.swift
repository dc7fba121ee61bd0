import Foundation
import SuanliCore
import Testing

@testable import SuanliStore

/// A record type that exists only in the test target: it plugs into the store through
/// ``StoreSchema/register(_:)`` without any change to SuanliStore.
struct Note: StoreRecord, Hashable {
    var id: String
    var text: String
    var pinned = false
    var created: Date

    static let table = RecordTable(
        name: "test_notes", columns: ["id", "text", "pinned", "created"], key: ["id"], insertOnly: ["created"], orderBy: ["id"])

    static let migrations = [
        SchemaMigration("test_notes.create") { db in
            try db.execute("CREATE TABLE test_notes(id TEXT PRIMARY KEY, text TEXT NOT NULL, created REAL NOT NULL)")
        },
        // The contract grows: a later release adds a column with a default for existing rows.
        SchemaMigration("test_notes.pinned") { db in
            try db.execute("ALTER TABLE test_notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0")
        },
    ]

    var columnValues: [StoreValue] { [.text(id), .text(text), .bool(pinned), .date(created)] }

    init(id: String, text: String, pinned: Bool = false, created: Date) {
        self.id = id
        self.text = text
        self.pinned = pinned
        self.created = created
    }

    init(row: StoreRow) throws {
        id = try row.text(0)
        text = try row.text(1)
        pinned = try row.bool(2)
        created = try row.date(3)
    }
}

/// The same table as an earlier release of the feature declared it, before `pinned`.
struct NoteBeforePinned: StoreRecord, Hashable {
    var id: String
    var text: String
    var created: Date

    static let table = RecordTable(name: "test_notes", columns: ["id", "text", "created"], key: ["id"], insertOnly: ["created"])
    static let migrations = [Note.migrations[0]]

    var columnValues: [StoreValue] { [.text(id), .text(text), .date(created)] }

    init(id: String, text: String, created: Date) {
        self.id = id
        self.text = text
        self.created = created
    }

    init(row: StoreRow) throws {
        id = try row.text(0)
        text = try row.text(1)
        created = try row.date(2)
    }
}

/// A composite-key record whose decoding throws an error of its own.
struct Strict: StoreRecord {
    struct Refused: Error {}
    static let table = RecordTable(name: "test_strict", columns: ["a", "b"], key: ["a", "b"])
    static let migrations = [
        SchemaMigration("test_strict.create") { db in
            try db.execute("CREATE TABLE test_strict(a TEXT NOT NULL, b INTEGER NOT NULL, PRIMARY KEY(a, b))")
        }
    ]
    var a: String
    var b: Int64
    var columnValues: [StoreValue] { [.text(a), .integer(b)] }
    init(a: String, b: Int64) {
        self.a = a
        self.b = b
    }
    init(row: StoreRow) throws {
        a = try row.text(0)
        b = try row.integer(1)
        if b < 0 { throw Refused() }
    }
}

func schemaWithNotes() -> StoreSchema {
    var schema = StoreSchema.core
    schema.register(Note.self)
    return schema
}

/// Expects `body` to throw a ``RecordDecodingError`` with this table, key and column, and a
/// message that starts with `prefix`.
func expectDecodingError(
    table: String, key: String, column: String?, message prefix: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("no error thrown", sourceLocation: sourceLocation)
    } catch let error as RecordDecodingError {
        #expect(error.table == table, sourceLocation: sourceLocation)
        #expect(error.key == key, sourceLocation: sourceLocation)
        #expect(error.column == column, sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix(prefix), "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Store record types")
struct StoreRecordTests {
    @Test func aRecordTypeFromOutsideTheModuleIsWrittenAndReloaded() async throws {
        try await withTempDatabase { path in
            let store = try SQLiteStore(path: path, schema: schemaWithNotes())
            let a = Note(id: "a", text: "第一", created: t0)
            let b = Note(id: "b", text: "second", pinned: true, created: t0)
            try await store.apply([.put(b), .put(a), .setMeta(key: "notes", value: "2")])
            // Replace keeps the insert-only column; update sets some columns; delete removes.
            var a2 = a
            a2.text = "first, edited"
            a2.created = t0.addingTimeInterval(99)
            try await store.apply([
                .put(a2), .update(Note.self, key: [.text("b")], set: ["pinned": .bool(false)]),
                .put(Note(id: "c", text: "gone soon", created: t0)),
            ])
            try await store.apply([.delete(Note.self, key: [.text("c")])])
            await store.close()

            let reopened = try SQLiteStore(path: path, schema: schemaWithNotes())
            #expect(
                try await reopened.load(Note.self) == [
                    Note(id: "a", text: "first, edited", created: t0), Note(id: "b", text: "second", pinned: false, created: t0),
                ])
            #expect(try await reopened.loadMeta() == ["notes": "2"])
            await reopened.close()
        }
    }

    /// A feature's table grows by a named migration; rows written before it load with the default.
    @Test func aRecordTypeGrowsByAMigration() async throws {
        try await withTempDatabase { path in
            var before = StoreSchema.core
            before.register(NoteBeforePinned.self)
            let old = try SQLiteStore(path: path, schema: before)
            try await old.apply([.put(NoteBeforePinned(id: "old", text: "written before pinned", created: t0))])
            await old.close()
            #expect(try !appliedMigrations(path).contains("test_notes.pinned"))

            let store = try SQLiteStore(path: path, schema: schemaWithNotes())
            #expect(try await store.load(Note.self) == [Note(id: "old", text: "written before pinned", pinned: false, created: t0)])
            try await store.apply([.put(Note(id: "new", text: "pinned", pinned: true, created: t0))])
            #expect(try await store.load(Note.self).map(\.pinned) == [true, false], "new, old in id order")
            await store.close()
            #expect(try appliedMigrations(path).contains("test_notes.pinned"))
        }
    }

    /// A batch mixing core and feature records is one transaction.
    @Test func mixedBatchesAreAllOrNothing() async throws {
        try await withTempDatabase { path in
            let store = try SQLiteStore(path: path, schema: schemaWithNotes())
            try await store.apply([.put(Note(id: "a", text: "kept", created: t0))])
            await #expect(throws: StoreError.self) {
                try await store.apply([
                    .setMeta(key: "k", value: "v"), .put(Note(id: "b", text: "rolled back", created: t0)),
                    StoreMutation(table: "test_notes", operation: .upsert, values: [.text("c")], key: []),
                ])
            }
            await #expect(throws: StoreError.self) {
                try await store.apply([.put(Note(id: "d", text: "rolled back", created: t0)), .put(Strict(a: "x", b: 1))])
            }
            #expect(try await store.load(Note.self).map(\.id) == ["a"])
            #expect(try await store.loadMeta().isEmpty)
            await store.close()
        }
    }

    /// A record type the store was not opened with is an error, not a silent no-op.
    @Test func unregisteredRecordTypesAreRejected() async throws {
        try await withTempDatabase { path in
            let store = try SQLiteStore(path: path)
            await #expect(throws: StoreError.self) { try await store.load(Note.self) }
            await #expect(throws: StoreError.self) { try await store.forEach(Note.self) { _ in } }
            await #expect(throws: StoreError.self) { try await store.apply([.put(Note(id: "a", text: "", created: t0))]) }
            await #expect(throws: StoreError.self) {
                try await store.apply([.update(StoredResourceRecord.self, key: [.text("x")], set: ["no_such_column": .integer(1)])])
            }
            await #expect(throws: StoreError.self) { try await store.apply([.delete(LatencyOverride.self, key: [.text("only one")])]) }
            await store.close()
        }
    }

    @Test func forEachStopsWhenTheBodyThrows() async throws {
        struct Enough: Error {}
        try await withTempDatabase { path in
            let store = try SQLiteStore(path: path, schema: schemaWithNotes())
            try await store.apply((0..<5).map { .put(Note(id: "n\($0)", text: "", created: t0)) })
            let seen = Rows()
            await #expect(throws: Enough.self) {
                try await store.forEach(Note.self) { note in
                    seen.add(resource("86.1.1/\(note.id)", seq: 1, provider: "86.1.1"), state(note.id))
                    if note.id == "n2" { throw Enough() }
                }
            }
            #expect(seen.all.map(\.1.id) == ["n0", "n1", "n2"])
            // The store is usable afterwards.
            #expect(try await store.load(Note.self).count == 5)
            await store.close()
        }
    }
}

/// Loading never drops a record: a row corrupted behind the store's back stops the load with
/// an error naming the table, the row and the column.
@Suite("Corrupt rows")
struct CorruptRowTests {
    func seeded(_ path: String) async throws -> SQLiteStore {
        let store = try SQLiteStore(path: path, schema: {
            var schema = StoreSchema.core
            schema.register(Strict.self)
            return schema
        }())
        let task = StoredTask(
            id: "t17", seq: 17, consumer: "c1", state: "running", specJSON: #"{"units":1}"#, placementJSON: #"{"parts":[]}"#,
            eventsJSON: "[]", createdAt: t0, updatedAt: t0)
        try await store.apply([
            .putProvider(provider("86.1.1")), .putResource(resource("86.1.1/a", seq: 1, provider: "86.1.1"), state("86.1.1/a")),
            .putResource(resource("86.1.1/b", seq: 2, provider: "86.1.1"), state("86.1.1/b")), .putTask(task),
            .putConsumer(StoredConsumer(id: "c1", registration: ConsumerRegistration(name: "n", contact: "c"), tokenHash: "h", createdAt: t0)),
            .putLatency(LatencyOverride(from: "city.beijing", to: "city.shanghai", rttMs: 3)), .put(Strict(a: "x", b: -1)),
        ])
        return store
    }

    @Test func aTaskWhosePlacementIsNotJSON() async throws {
        try await withTempDatabase { path in
            let store = try await seeded(path)
            try rawSQL(path, "UPDATE tasks SET placement = '{\"parts\": [' WHERE id = 't17'")
            await expectDecodingError(table: "tasks", key: "t17", column: "placement", message: "tasks row t17: placement does not decode") {
                _ = try await store.loadTasks()
            }
            try rawSQL(path, "UPDATE tasks SET placement = NULL, events = '42.5e' WHERE id = 't17'")
            await expectDecodingError(table: "tasks", key: "t17", column: "events", message: "tasks row t17: events") {
                _ = try await store.loadTasks()
            }
            await store.close()
        }
    }

    @Test func aResourceWithAnUnknownKindOrAWrongType() async throws {
        try await withTempDatabase { path in
            let store = try await seeded(path)
            try rawSQL(path, "UPDATE resources SET kind = 'teapot' WHERE id = '86.1.1/b'")
            await expectDecodingError(
                table: "resources", key: "86.1.1/b", column: "kind", message: "resources row 86.1.1/b: kind is not a resource kind ('teapot')"
            ) { try await store.forEachResource { _, _ in } }
            try rawSQL(path, "UPDATE resources SET kind = 'gpu', free_units = 'many' WHERE id = '86.1.1/b'")
            await expectDecodingError(
                table: "resources", key: "86.1.1/b", column: "free_units",
                message: "resources row 86.1.1/b: free_units is not an integer (text 'many')"
            ) { try await store.forEachResource { _, _ in } }
            try rawSQL(path, "UPDATE resources SET free_units = 1, provider = 'not a prefix' WHERE id = '86.1.1/a'")
            await expectDecodingError(table: "resources", key: "86.1.1/a", column: "provider", message: "resources row 86.1.1/a: provider does not parse") {
                try await store.forEachResource { _, _ in }
            }
            await store.close()
        }
    }

    @Test func aProviderConsumerOrLatencyRow() async throws {
        try await withTempDatabase { path in
            let store = try await seeded(path)
            try rawSQL(path, "UPDATE providers SET prefix = '86..1'")
            await expectDecodingError(table: "providers", key: "86..1", column: "prefix", message: "providers row 86..1: prefix does not parse") {
                _ = try await store.loadProviders()
            }
            try rawSQL(path, "UPDATE consumers SET created_at = 'yesterday'")
            await expectDecodingError(table: "consumers", key: "c1", column: "created_at", message: "consumers row c1: created_at is not a number") {
                _ = try await store.loadConsumers()
            }
            try rawSQL(path, "UPDATE latency SET rtt_ms = x'00'")
            await expectDecodingError(
                table: "latency", key: "(city.beijing, city.shanghai)", column: "rtt_ms",
                message: "latency row (city.beijing, city.shanghai): rtt_ms is not a number (blob"
            ) { _ = try await store.loadLatency() }
            await store.close()
        }
    }

    /// An error of the record type's own is wrapped with the table and the row key.
    @Test func aRecordTypesOwnErrorNamesTheRow() async throws {
        try await withTempDatabase { path in
            let store = try await seeded(path)
            await expectDecodingError(table: "test_strict", key: "(x, -1)", column: nil, message: "test_strict row (x, -1): does not decode: Refused") {
                _ = try await store.load(Strict.self)
            }
            await store.close()
        }
    }
}

@Suite("StoredTask documents")
struct StoredTaskDocumentTests {
    struct Spec: Decodable, Equatable { var units: Int }

    @Test func decodesOrNamesTheTaskAndColumn() throws {
        let task = StoredTask(
            id: "t17", seq: 17, consumer: "c1", state: "queued", specJSON: #"{"units":2}"#, placementJSON: nil,
            eventsJSON: #"{"units":"many"}"#, createdAt: t0, updatedAt: t0)
        #expect(try task.decode(Spec.self, .spec) == Spec(units: 2))
        #expect(task.json(.runtime) == "{}")
        #expect { try task.decode(Spec.self, .placement) } throws: { "\($0)" == "tasks row t17: placement is null" }
        #expect { try task.decode(Spec.self, .events) } throws: { "\($0)".hasPrefix("tasks row t17: events does not decode: ") }
    }
}
