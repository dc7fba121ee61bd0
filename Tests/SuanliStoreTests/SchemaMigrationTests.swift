import Foundation
import SuanliCore
import Testing

@testable import SuanliStore

/// Today's numbered schemas, copied verbatim from the store before named migrations, as fixtures.
enum NumberedSchemaFixtures {
    static let version1 = """
        BEGIN;
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS providers(
          prefix TEXT PRIMARY KEY, name TEXT NOT NULL, contact TEXT NOT NULL, location TEXT NOT NULL,
          renewable REAL NOT NULL, pue REAL NOT NULL, token_hash TEXT NOT NULL, created_at REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS resources(
          seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, provider TEXT NOT NULL,
          kind TEXT NOT NULL, arch TEXT NOT NULL, model TEXT NOT NULL, units INTEGER NOT NULL,
          memory_gib REAL NOT NULL, fp64 REAL, fp32 REAL, fp16 REAL, int8 REAL,
          location TEXT NOT NULL, price INTEGER NOT NULL, labels TEXT NOT NULL, renewable REAL,
          version INTEGER NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
          free_units INTEGER NOT NULL, healthy INTEGER NOT NULL, utilization REAL, heartbeat_at REAL NOT NULL
        );
        CREATE TABLE IF NOT EXISTS latency(
          from_code TEXT NOT NULL, to_code TEXT NOT NULL, rtt_ms REAL NOT NULL, PRIMARY KEY(from_code, to_code)
        ) WITHOUT ROWID;
        PRAGMA user_version = 1;
        COMMIT;
        """

    static let version2 = """
        BEGIN;
        CREATE TABLE IF NOT EXISTS consumers(
          id TEXT PRIMARY KEY, name TEXT NOT NULL, contact TEXT NOT NULL, token_hash TEXT NOT NULL,
          created_at REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS tasks(
          seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, consumer TEXT NOT NULL, state TEXT NOT NULL,
          spec TEXT NOT NULL, placement TEXT, events TEXT NOT NULL, runtime TEXT NOT NULL DEFAULT '{}',
          created_at REAL NOT NULL, updated_at REAL NOT NULL
        );
        PRAGMA user_version = 2;
        COMMIT;
        """

    /// Rows written the way the numbered-schema store wrote them.
    static let version1Rows = """
        INSERT INTO meta(key, value) VALUES('prefix', '86.1'), ('next_child', '3');
        INSERT INTO providers(prefix, name, contact, location, renewable, pue, token_hash, created_at)
          VALUES('86.1.1', '张家口绿色算力', 'ops@example.cn', 'cluster.zhangjiakou', 0.5, 1.18, 'abab', 1795300000.125);
        INSERT INTO resources(seq, id, provider, kind, arch, model, units, memory_gib, fp64, fp32, fp16, int8, location,
          price, labels, renewable, version, created_at, updated_at, free_units, healthy, utilization, heartbeat_at)
          VALUES(1, '86.1.1/zjk-a/gpu-node-17', '86.1.1', 'gpu', 'x86_64', 'NVIDIA H100-SXM5-80GB', 8, 80.5, 34, 67.5,
                 989.25, 1979, 'cluster.zhangjiakou', 2200, 'rack' || char(31) || '机柜-7', 0.9, 2, 1795300000.125,
                 1795300010.125, 3, 1, 0.625, 1795300001.5);
        INSERT INTO latency(from_code, to_code, rtt_ms) VALUES('city.beijing', 'city.shanghai', 27.5);
        """

    static let version2Rows = """
        INSERT INTO consumers(id, name, contact, token_hash, created_at) VALUES('c1', 'lab', 'lab@example.cn', 'cdcd', 1795300000.125);
        INSERT INTO tasks(seq, id, consumer, state, spec, placement, events, runtime, created_at, updated_at)
          VALUES(17, 't17', 'c1', 'running', '{"units":1}', '{"parts":[]}', '[{"state":"queued"}]', '{"attempt":1}',
                 1795300000.125, 1795300005.25);
        INSERT INTO tasks(seq, id, consumer, state, spec, placement, events, created_at, updated_at)
          VALUES(18, 't18', 'c1', 'queued', '{"units":2}', NULL, '[]', 1795300006, 1795300006);
        """
}

/// Runs raw SQL against the database file, as an operator or an older build would.
func rawSQL(_ path: String, _ sql: String) throws {
    let connection = try SQLiteConnection(path: path)
    defer { connection.close() }
    try connection.exec(sql)
}

/// One integer from raw SQL.
func rawInteger(_ path: String, _ sql: String) throws -> Int64 {
    let connection = try SQLiteConnection(path: path)
    defer { connection.close() }
    let statement = try connection.statement(sql)
    _ = try statement.step()
    return statement.int(0)
}

/// The names in `schema_migrations`, sorted.
func appliedMigrations(_ path: String) throws -> [String] {
    let connection = try SQLiteConnection(path: path)
    defer { connection.close() }
    let statement = try connection.statement("SELECT name FROM schema_migrations ORDER BY name")
    var names: [String] = []
    while try statement.step() { names.append(statement.text(0)) }
    return names
}

let coreMigrations = [
    "meta.create", "providers.create", "resources.create", "resources.add-pricing", "latency.create", "consumers.create", "tasks.create", "tasks.consumer-index",
    "tokens.create", "tokens.adopt-principal-tokens", "auditors.create", "audit.create", "federation_children.create", "quotes.create",
    "consumer_limits.create", "federated_tasks.create", "federated_tasks.follow", "usage_statements.create",
]

@Suite("Named schema migrations")
struct SchemaMigrationTests {
    @Test func aNewDatabaseRecordsEveryCoreMigration() async throws {
        try await withTempDatabase { path in
            let store = try SQLiteStore(path: path)
            #expect(StoreSchema.core.migrator.names == coreMigrations)
            await store.close()
            #expect(try appliedMigrations(path) == coreMigrations.sorted())
            #expect(try rawInteger(path, "PRAGMA user_version") == Int64(SQLiteStore.schemaVersion))
            // Reopening applies nothing again and keeps data.
            let again = try SQLiteStore(path: path)
            try await again.apply([.setMeta(key: "k", value: "v")])
            await again.close()
            let third = try SQLiteStore(path: path)
            #expect(try await third.loadMeta() == ["k": "v"])
            await third.close()
            #expect(try rawInteger(path, "SELECT count(*) FROM schema_migrations") == Int64(coreMigrations.count))
        }
    }

    /// A database written by the build with `PRAGMA user_version = 1` (no consumers or tasks yet).
    @Test func upgradesANumberedVersion1Database() async throws {
        try await withTempDatabase { path in
            try rawSQL(path, NumberedSchemaFixtures.version1)
            try rawSQL(path, NumberedSchemaFixtures.version1Rows)
            let store = try SQLiteStore(path: path)
            #expect(try await store.loadMeta() == ["prefix": "86.1", "next_child": "3"])
            #expect(try await store.loadProviders().map(\.registration.name) == ["张家口绿色算力"])
            #expect(try await store.loadLatency() == [LatencyOverride(from: "city.beijing", to: "city.shanghai", rttMs: 27.5)])
            let rows = try await loadResources(store)
            #expect(rows.count == 1)
            #expect(rows.first?.0.spec.labels == ["rack": "机柜-7"])
            #expect(rows.first?.0.version == 2)
            #expect(rows.first?.1 == state("86.1.1/zjk-a/gpu-node-17", free: 3, healthy: true, utilization: 0.625))
            // The tables of version 2 were created by their named migrations.
            #expect(try await store.loadTasks().isEmpty)
            let task = StoredTask(
                id: "t1", seq: 1, consumer: "c1", state: "queued", specJSON: "{}", placementJSON: nil, eventsJSON: "[]",
                createdAt: t0, updatedAt: t0)
            try await store.apply([.putTask(task)])
            #expect(try await store.loadTasks() == [task])
            await store.close()
            #expect(try appliedMigrations(path) == coreMigrations.sorted())
            #expect(try rawInteger(path, "PRAGMA user_version") == Int64(SQLiteStore.schemaVersion))
        }
    }

    /// A database written by the build with `PRAGMA user_version = 2`: nothing to create, all kept.
    @Test func upgradesANumberedVersion2Database() async throws {
        try await withTempDatabase { path in
            try rawSQL(path, NumberedSchemaFixtures.version1)
            try rawSQL(path, NumberedSchemaFixtures.version2)
            try rawSQL(path, NumberedSchemaFixtures.version1Rows + NumberedSchemaFixtures.version2Rows)
            let store = try SQLiteStore(path: path)
            #expect(try await store.loadConsumers().map(\.id) == ["c1"])
            let tasks = try await store.loadTasks()
            #expect(tasks.map(\.id) == ["t17", "t18"])
            #expect(tasks.first?.placementJSON == #"{"parts":[]}"#)
            #expect(tasks.first?.runtimeJSON == #"{"attempt":1}"#)
            #expect(tasks.last?.placementJSON == nil)
            #expect(tasks.last?.runtimeJSON == "{}", "the column default of version 2")
            #expect(try await loadResources(store).count == 1)
            await store.close()
            #expect(try appliedMigrations(path) == coreMigrations.sorted())
            // Reopening the upgraded database is a plain open.
            let reopened = try SQLiteStore(path: path)
            #expect(try await reopened.loadTasks().count == 2)
            await reopened.close()
        }
    }

    /// The build before named migrations refuses version 3 ("newer than this build's"), so an
    /// upgraded database is never written by it. This build refuses versions it does not know.
    @Test func rejectsUnknownNumberedVersions() async throws {
        try await withTempDatabase { path in
            try rawSQL(path, "PRAGMA user_version = 2000")
            #expect { try SQLiteStore(path: path) } throws: { "\($0)".contains("newer than this build") }
        }
        try await withTempDatabase { path in
            try rawSQL(path, "PRAGMA user_version = 3")
            #expect { try SQLiteStore(path: path) } throws: { "\($0)".contains("no schema_migrations table") }
        }
    }

    /// A migration this build does not know means a newer build wrote the database: opening
    /// fails and names it, and the database is left as it was.
    @Test func refusesADatabaseWithUnknownMigrations() async throws {
        try await withTempDatabase { path in
            var withNotes = StoreSchema.core
            withNotes.register(Note.self)
            let newer = try SQLiteStore(path: path, schema: withNotes)
            try await newer.apply([.put(Note(id: "n1", text: "hello", created: t0))])
            await newer.close()
            try rawSQL(path, "INSERT INTO schema_migrations(name, applied_at) VALUES('zz.future', 0)")

            #expect {
                try SQLiteStore(path: path)
            } throws: { error in
                let message = "\(error)"
                return message.contains("does not know: test_notes.create, test_notes.pinned, zz.future")
                    && message.contains("upgrade suanli")
            }
            #expect(try rawInteger(path, "SELECT count(*) FROM test_notes") == 1)
        }
    }

    /// A migration runs in one transaction with its record: when it fails, nothing of it stays,
    /// opening fails naming it, and a build with a working migration opens the database later.
    @Test func aFailedMigrationLeavesNoTrace() async throws {
        try await withTempDatabase { path in
            var broken = StoreSchema.core
            broken.registerMigration("broken.step") { db in
                try db.execute("CREATE TABLE half_done(x INTEGER)")
                try db.execute("THIS IS NOT SQL")
            }
            #expect { try SQLiteStore(path: path, schema: broken) } throws: { "\($0)".contains("'broken.step' failed") }
            #expect(try appliedMigrations(path) == coreMigrations.sorted(), "the core migrations before it were kept")
            #expect(try rawInteger(path, "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'") == 0)

            var fixed = StoreSchema.core
            fixed.registerMigration("broken.step") { db in try db.execute("CREATE TABLE half_done(x INTEGER)") }
            let store = try SQLiteStore(path: path, schema: fixed)
            await store.close()
            #expect(try appliedMigrations(path).contains("broken.step"))
        }
    }

    @Test func invalidSchemasAreRejectedBeforeTouchingTheFile() async throws {
        try await withTempDatabase { path in
            var twice = StoreSchema.core
            twice.registerMigration("meta.create") { _ in }
            #expect { try SQLiteStore(path: path, schema: twice) } throws: { "\($0)".contains("'meta.create' is registered twice") }
            var sameTable = StoreSchema.core
            sameTable.register(MetaRecord.self)
            #expect { try SQLiteStore(path: path, schema: sameTable) } throws: { "\($0)".contains("two record types use the table 'meta'") }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        #expect(throws: StoreError.self) {
            try RecordTable(name: "bad name", columns: ["a"], key: ["a"]).validate()
        }
        #expect(throws: StoreError.self) {
            try RecordTable(name: "t", columns: ["a"], key: ["b"]).validate()
        }
        #expect(throws: StoreError.self) {
            try RecordTable(name: "t", columns: ["a", "b"], key: ["a"], orderBy: ["c"]).validate()
        }
    }

    @Test func migratorOrderAndPending() throws {
        var migrator = SchemaMigrator()
        migrator.registerMigration("a") { _ in }
        migrator.registerMigration("b") { _ in }
        migrator.registerMigration("c") { _ in }
        #expect(try migrator.pending(applied: []).map(\.name) == ["a", "b", "c"])
        #expect(try migrator.pending(applied: ["b"]).map(\.name) == ["a", "c"])
        #expect(try migrator.pending(applied: ["a", "b", "c"]).isEmpty)
        #expect(throws: StoreError.self) { try migrator.pending(applied: ["a", "x"]) }
    }
}
