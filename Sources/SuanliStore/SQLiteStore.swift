import CSQLite
import Dispatch
import Foundation
import SuanliCore

/// The embedded store: one SQLite database in WAL mode with `synchronous=FULL`, so a batch is
/// on disk (fsynced) when ``apply(_:)`` returns and survives `kill -9` and power loss.
///
/// Opening applies the schema's pending named migrations (recorded in `schema_migrations`);
/// statements for each record table are derived from its ``RecordTable``. All SQLite work
/// runs on one private serial queue, off the concurrency thread pool.
public final class SQLiteStore: SuanliStore, @unchecked Sendable {  // connection confined to `queue`
    /// `PRAGMA user_version` of a database whose schema is recorded as named migrations.
    /// Versions 1 and 2 are the numbered schemas before named migrations; older builds refuse 3.
    public static let schemaVersion: Int32 = 3

    /// The migrations that the numbered schemas 1 and 2 had applied, by `user_version`.
    static let legacyMigrations: [Int32: [String]] = [
        1: ["meta.create", "providers.create", "resources.create", "latency.create"],
        2: ["meta.create", "providers.create", "resources.create", "latency.create", "consumers.create", "tasks.create"],
    ]

    private let queue = DispatchQueue(label: "suanli.sqlite")
    private let connection: SQLiteConnection
    private let tables: [String: SQLiteTable]
    /// The database file.
    public let path: String
    /// The record types and migrations the store was opened with.
    public let schema: StoreSchema

    /// Bytes SQLite holds in this process (page caches, statements) across every connection.
    public static var memoryUsed: Int64 { sqlite3_memory_used() }

    /// Opens or creates the database at `path` and applies `schema`'s pending migrations.
    /// Fails when the database records migrations `schema` does not know (a newer build wrote it).
    public init(path: String, schema: StoreSchema = .core) throws {
        self.path = path
        self.schema = schema
        try schema.validate()
        let connection = try SQLiteConnection(path: path)
        try connection.exec("PRAGMA journal_mode=WAL")
        try connection.exec("PRAGMA synchronous=FULL")
        try connection.exec("PRAGMA temp_store=MEMORY")
        // 4 MiB of page cache (SQLite's default is 2): the hot B-tree pages of every table fit;
        // the rest is in the operating system's cache. It was 64 MiB, which a long-running
        // platform filled with pages of finished tasks (RSS grew with it, `bench soak`).
        try connection.exec("PRAGMA cache_size=-4096")
        try Self.adoptNumberedSchema(connection)
        try schema.migrator.migrate(SQLiteSchemaDatabase(connection: connection))
        self.connection = connection
        tables = schema.tables.mapValues(SQLiteTable.init)
    }

    /// Brings the bookkeeping to named migrations: creates `schema_migrations` in a new database,
    /// and in one at `user_version` 1 or 2 records the migrations that version had applied.
    static func adoptNumberedSchema(_ db: SQLiteConnection) throws(StoreError) {
        let statement = try db.statement("PRAGMA user_version")
        _ = try statement.step()
        let version = Int32(truncatingIfNeeded: statement.int(0))
        statement.reset()
        let exists = try db.statement("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
        _ = try exists.step()
        let hasTable = exists.int(0) > 0
        exists.reset()
        switch version {
        case schemaVersion where hasTable:
            return
        case schemaVersion:
            throw StoreError("the database has user_version \(version) but no schema_migrations table; it is damaged")
        case 0, 1, 2:
            try db.exec("BEGIN IMMEDIATE")
            do {
                try db.exec("CREATE TABLE IF NOT EXISTS schema_migrations(name TEXT PRIMARY KEY, applied_at REAL NOT NULL) WITHOUT ROWID")
                let insert = try db.statement("INSERT OR IGNORE INTO schema_migrations(name, applied_at) VALUES(?1, ?2)")
                for name in legacyMigrations[version] ?? [] {
                    insert.reset()
                    insert.bind(1, name)
                    insert.bind(2, Date().timeIntervalSince1970)
                    try insert.run()
                }
                try db.exec("PRAGMA user_version = \(schemaVersion)")
                try db.exec("COMMIT")
            } catch {
                try? db.exec("ROLLBACK")
                throw error
            }
        default:
            throw StoreError(
                "database schema version \(version) is "
                    + (version > schemaVersion ? "newer than this build's (\(schemaVersion)); upgrade suanli" : "unknown; it is damaged"))
        }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    private func table<R: StoreRecord>(for type: R.Type) throws(StoreError) -> SQLiteTable {
        guard schema.contains(type), let table = tables[R.table.name] else {
            throw StoreError("record type \(R.self) (table \(R.table.name)) is not registered in this store's schema")
        }
        return table
    }

    /// Steps through every row of `R`'s table, decoding each; a row that does not decode throws.
    private static func scan<R: StoreRecord>(
        _ type: R.Type, table: SQLiteTable, on db: SQLiteConnection, _ body: (R) throws -> Void
    ) throws {
        let statement = try db.statement(table.selectSQL)
        defer { statement.reset() }
        let row = StoreRow(table: table.table) { statement.value(Int32($0)) }
        let decode = R.rowDecoder()
        while try statement.step() {
            let record: R
            do {
                record = try decode(row)
            } catch let error as RecordDecodingError {
                throw error
            } catch {
                throw RecordDecodingError(table: table.table.name, key: row.keyDescription, column: nil, reason: "does not decode: \(error)")
            }
            try body(record)
        }
    }

    public func forEach<R: StoreRecord>(_ type: R.Type, _ body: @escaping @Sendable (R) throws -> Void) async throws {
        let table = try table(for: type)
        try await onQueue { [connection] in try Self.scan(type, table: table, on: connection, body) }
    }

    public func load<R: StoreRecord>(_ type: R.Type) async throws -> [R] {
        let table = try table(for: type)
        return try await onQueue { [connection] in
            var out: [R] = []
            try Self.scan(type, table: table, on: connection) { out.append($0) }
            return out
        }
    }

    public func select<R: StoreRecord>(_ type: R.Type, _ query: StoreQuery) async throws -> [R] {
        let table = try table(for: type)
        try query.validate(for: R.table)
        let (sql, arguments) = table.selectSQL(query)
        return try await onQueue { [connection] in
            let statement = try connection.statement(sql)
            defer { statement.reset() }
            for (index, value) in arguments.enumerated() { statement.bind(Int32(index + 1), value) }
            let row = StoreRow(table: table.table) { statement.value(Int32($0)) }
            let decode = R.rowDecoder()
            var out: [R] = []
            while try statement.step() {
                do {
                    out.append(try decode(row))
                } catch let error as RecordDecodingError {
                    throw error
                } catch {
                    throw RecordDecodingError(table: table.table.name, key: row.keyDescription, column: nil, reason: "does not decode: \(error)")
                }
            }
            return out
        }
    }

    public func apply(_ mutations: [StoreMutation]) async throws {
        guard !mutations.isEmpty else { return }
        try await onQueue { [connection, tables] in
            try connection.exec("BEGIN IMMEDIATE")
            do {
                for mutation in mutations {
                    guard let table = tables[mutation.table] else {
                        throw StoreError("no record type for table '\(mutation.table)' is registered in this store's schema")
                    }
                    try table.apply(mutation, on: connection)
                }
                try connection.exec("COMMIT")
            } catch {
                try? connection.exec("ROLLBACK")
                throw error
            }
        }
    }

    public func close() async {
        _ = try? await onQueue { [connection] in connection.close() }
    }
}

/// A record table's statements in SQLite.
struct SQLiteTable: Sendable {
    let table: RecordTable
    let selectSQL: String
    let upsertSQL: String
    let deleteSQL: String
    private let keyCondition: String

    init(_ table: RecordTable) {
        self.table = table
        let columns = table.columns.map(Self.quote).joined(separator: ", ")
        let order = table.orderBy.isEmpty ? "" : " ORDER BY " + table.orderBy.map(Self.quote).joined(separator: ", ")
        selectSQL = "SELECT \(columns) FROM \(Self.quote(table.name))\(order)"
        let placeholders = table.columns.indices.map { "?\($0 + 1)" }.joined(separator: ", ")
        let replaced = table.columns.filter { !table.key.contains($0) && !table.insertOnly.contains($0) }
        let conflict = table.key.map(Self.quote).joined(separator: ", ")
        let action =
            replaced.isEmpty
            ? "DO NOTHING" : "DO UPDATE SET " + replaced.map { "\(Self.quote($0)) = excluded.\(Self.quote($0))" }.joined(separator: ", ")
        upsertSQL = "INSERT INTO \(Self.quote(table.name))(\(columns)) VALUES(\(placeholders)) ON CONFLICT(\(conflict)) \(action)"
        keyCondition = table.key.enumerated().map { "\(Self.quote($0.element)) = ?\($0.offset + 1)" }.joined(separator: " AND ")
        deleteSQL = "DELETE FROM \(Self.quote(table.name)) WHERE \(keyCondition)"
    }

    static func quote(_ name: String) -> String { "\"\(name)\"" }

    static let dialect = SQLDialect(placeholder: { "?\($0)" }, falseLiteral: "0", comparable: SQLDialect.quote)

    /// The SQL and bound values for `query` (every column by default).
    func selectSQL(_ query: StoreQuery, columns: [String]? = nil) -> (String, [StoreValue]) {
        query.selectSQL(from: table, columns: columns, dialect: Self.dialect)
    }

    func apply(_ mutation: StoreMutation, on db: SQLiteConnection) throws(StoreError) {
        let statement: SQLiteStatement
        switch mutation.operation {
        case .upsert:
            guard mutation.values.count == table.columns.count else {
                throw StoreError("a write to \(table.name) has \(mutation.values.count) values for \(table.columns.count) columns")
            }
            statement = try db.statement(upsertSQL)
            for (index, value) in mutation.values.enumerated() { statement.bind(Int32(index + 1), value) }
        case .update(let columns):
            try checkKey(mutation)
            guard !columns.isEmpty, columns.count == mutation.values.count, columns.allSatisfy(table.columns.contains) else {
                throw StoreError("an update of \(table.name) names columns \(columns) with \(mutation.values.count) values")
            }
            let keyCount = table.key.count
            let assignments = columns.enumerated().map { "\(Self.quote($0.element)) = ?\(keyCount + $0.offset + 1)" }
            statement = try db.statement(
                "UPDATE \(Self.quote(table.name)) SET \(assignments.joined(separator: ", ")) WHERE \(keyCondition)")
            for (index, value) in mutation.key.enumerated() { statement.bind(Int32(index + 1), value) }
            for (index, value) in mutation.values.enumerated() { statement.bind(Int32(keyCount + index + 1), value) }
        case .delete:
            try checkKey(mutation)
            statement = try db.statement(deleteSQL)
            for (index, value) in mutation.key.enumerated() { statement.bind(Int32(index + 1), value) }
        case .deleteMatching(let query):
            try query.validate(for: table)
            let (select, arguments) = selectSQL(query, columns: table.key)
            let keys = table.key.map(Self.quote).joined(separator: ", ")
            statement = try db.statement("DELETE FROM \(Self.quote(table.name)) WHERE (\(keys)) IN (\(select))")
            for (index, value) in arguments.enumerated() { statement.bind(Int32(index + 1), value) }
        }
        try statement.run()
    }

    private func checkKey(_ mutation: StoreMutation) throws(StoreError) {
        guard mutation.key.count == table.key.count else {
            throw StoreError("a write to \(table.name) has \(mutation.key.count) key values for the key \(table.key)")
        }
    }
}

/// A migration's view of the SQLite connection.
struct SQLiteSchemaDatabase: MigratableDatabase {
    let connection: SQLiteConnection

    var dialect: StoreDialect { .sqlite }

    func execute(_ sql: String) throws { try connection.exec(sql) }

    func appliedMigrationNames() throws -> Set<String> {
        let statement = try connection.statement("SELECT name FROM schema_migrations")
        defer { statement.reset() }
        var names: Set<String> = []
        while try statement.step() { names.insert(statement.text(0)) }
        return names
    }

    func inTransaction(_ body: () throws -> Void) throws {
        try connection.exec("BEGIN IMMEDIATE")
        do {
            try body()
            try connection.exec("COMMIT")
        } catch {
            try? connection.exec("ROLLBACK")
            throw error
        }
    }

    func recordMigration(_ name: String) throws {
        let statement = try connection.statement("INSERT INTO schema_migrations(name, applied_at) VALUES(?1, ?2)")
        statement.bind(1, name)
        statement.bind(2, Date().timeIntervalSince1970)
        try statement.run()
    }
}
