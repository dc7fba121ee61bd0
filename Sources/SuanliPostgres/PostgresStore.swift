import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import SuanliCore
import SuanliStore
import Synchronization

/// The PostgreSQL store: the platform's records in one PostgreSQL database (in a schema of its
/// own when the URL names one), so that several instances can share one platform. The same
/// record types and named migrations as ``SQLiteStore`` (translated by ``PostgresDialect``),
/// recorded in `schema_migrations`; ``apply(_:)`` is one transaction, durable (committed) when it
/// returns; ``select(_:_:)`` is one indexed query; loads stream rows.
///
/// Connections come from a postgres-nio pool that runs inside ``withStore(_:schema:logger:_:)``
/// (structured: the pool stops when the body returns). Every PostgreSQL failure, including an
/// unreachable server, surfaces as a ``StoreError`` within ``PostgresConfiguration/connectionTimeout``
/// (the platform answers 503); the pool reconnects by itself when the server is back.
public final class PostgresStore: SuanliStore, Sendable {
    /// Where the store is connected.
    public let configuration: PostgresConfiguration
    /// The record types and migrations the store was opened with.
    public let schema: StoreSchema
    /// The connection pool (for raw SQL beyond the record tables: ``withConnection(_:)``, ``query(_:_:)``).
    public let client: PostgresClient
    private let tables: Mutex<[String: PostgresTable]>
    private let transactionGuard = Mutex<(@Sendable (PostgresConnection) async throws -> Void)?>(nil)
    private let closed = Atomic<Bool>(false)
    private let logger: Logger

    /// A store for `configuration` and `schema`, not yet connected: run ``run()`` in a task of
    /// your own (a child task, `async let`, or a ServiceGroup: the store is a `Service`), then
    /// ``open()``. ``withStore(_:schema:logger:_:)`` does all three.
    public init(_ configuration: PostgresConfiguration, schema: StoreSchema = .core, logger: Logger = Logger(label: "suanli.postgres")) {
        var backgroundLogger = logger
        backgroundLogger.logLevel = max(logger.logLevel, .error)
        self.configuration = configuration
        self.schema = schema
        self.client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: backgroundLogger)
        self.logger = logger
        tables = Mutex([:])
    }

    /// Connects to the database, applies `schema`'s pending migrations, runs `body` with the
    /// store, and closes the pool when `body` returns or throws. Fails with a ``StoreError``
    /// that names the server when it cannot be reached within the connection timeout, and when
    /// the database records migrations this build does not know.
    public static func withStore<T>(
        _ configuration: PostgresConfiguration, schema: StoreSchema = .core, logger: Logger = Logger(label: "suanli.postgres"),
        _ body: (PostgresStore) async throws -> T
    ) async throws -> T {
        try schema.validate()
        let store = PostgresStore(configuration, schema: schema, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            defer { group.cancelAll() }
            try await store.open()
            return try await body(store)
        }
    }

    /// Runs the connection pool until the task is cancelled (or, in a ServiceGroup, shut down).
    /// Nothing reaches the database unless this runs.
    public func run() async {
        await client.run()
    }

    /// Creates the schema when the configuration names one, applies pending migrations and reads
    /// the column types; call it once, while ``run()`` runs, before anything else.
    public func open() async throws {
        try schema.validate()
        try await probe()
        try await migrate()
        let rows = try await query(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                + "AND data_type IN ('text', 'character varying', 'character')", [])
        var textColumns: [String: Set<String>] = [:]
        for row in rows {
            if case .text(let table) = row[0], case .text(let column) = row[1] { textColumns[table, default: []].insert(column) }
        }
        let derived = schema.tables.mapValues { PostgresTable($0, textColumns: textColumns[$0.name] ?? []) }
        tables.withLock { $0 = derived }
    }

    /// Connects once outside the pool, so that a wrong password, a missing database or a refused
    /// connection is reported as such (the pool only retries).
    private func probe() async throws {
        let tls: PostgresConnection.Configuration.TLS
        do {
            tls =
                switch configuration.tls {
                case .disable: .disable
                case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
                case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
        } catch {
            throw StoreError("cannot set up TLS for PostgreSQL: \(error)")
        }
        var probe = PostgresConnection.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username, password: configuration.password,
            database: configuration.database, tls: tls)
        probe.options.connectTimeout = .nanoseconds(
            configuration.connectionTimeout.components.seconds * 1_000_000_000 + configuration.connectionTimeout.components.attoseconds / 1_000_000_000)
        do {
            let connection = try await PostgresConnection.connect(configuration: probe, id: 0, logger: logger)
            try? await connection.close()
        } catch {
            throw StoreError(
                "cannot connect to PostgreSQL at \(configuration.host):\(configuration.port) as \(configuration.username): "
                    + Self.describe(error, configuration: configuration))
        }
    }

    /// Creates the configured schema and applies the pending migrations, each in its own
    /// transaction with its record, under an advisory lock so that instances starting together
    /// migrate once. A store that registers nothing (raw SQL only) creates no tables.
    private func migrate() async throws {
        let migrator = schema.migrator
        let schemaName = configuration.schema
        try await withConnection { [logger] connection in
            try await Self.run("SELECT pg_advisory_lock(\(Self.migrationLock))", on: connection, logger: logger)
            do {
                if let schemaName {
                    try await Self.run("CREATE SCHEMA IF NOT EXISTS \(PostgresTable.quote(schemaName))", on: connection, logger: logger)
                }
                guard !migrator.migrations.isEmpty else {
                    try await Self.run("SELECT pg_advisory_unlock(\(Self.migrationLock))", on: connection, logger: logger)
                    return
                }
                try await Self.run(
                    "CREATE TABLE IF NOT EXISTS schema_migrations(name TEXT PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)",
                    on: connection, logger: logger)
                var applied: Set<String> = []
                for try await (name) in try await connection.query("SELECT name FROM schema_migrations", logger: logger).decode(String.self) {
                    applied.insert(name)
                }
                for migration in try migrator.pending(applied: applied) {
                    let recorder = RecordingSchemaDatabase()
                    do {
                        try migration.run(recorder)
                        try await Self.inTransaction(connection, logger: logger) {
                            for sql in recorder.statements { try await Self.run(sql, on: connection, logger: logger) }
                            try await connection.query(
                                "INSERT INTO schema_migrations(name, applied_at) VALUES(\(migration.name), \(Date().timeIntervalSince1970))",
                                logger: logger)
                        }
                    } catch {
                        throw StoreError("schema migration '\(migration.name)' failed: \(Self.describe(error))")
                    }
                }
            } catch {
                try? await Self.run("SELECT pg_advisory_unlock(\(Self.migrationLock))", on: connection, logger: logger)
                throw error
            }
            try await Self.run("SELECT pg_advisory_unlock(\(Self.migrationLock))", on: connection, logger: logger)
        }
    }

    /// The advisory lock key that serialises migrations (`'suanli.migrations'` hashed by hand: any fixed number).
    static let migrationLock: Int64 = 0x5375_616e_6c69_4d67

    private static func run(_ sql: String, on connection: PostgresConnection, logger: Logger) async throws {
        try checkOpen(connection)
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }

    /// Fails when `connection` has closed (the server cut it: PostgreSQL stopping). A query written to a closed
    /// connection was seen never to be answered by postgres-nio (PostgresRestartTests hung about one run in
    /// three), so a connection the pool hands out just after the server cut it must fail here, not wait forever.
    static func checkOpen(_ connection: PostgresConnection) throws(StoreError) {
        if connection.isClosed { throw StoreError("PostgreSQL closed the connection (is it stopping?)") }
    }

    private static func inTransaction(
        _ connection: PostgresConnection, logger: Logger, _ body: () async throws -> Void
    ) async throws {
        try await run("BEGIN", on: connection, logger: logger)
        do {
            try await body()
            try await run("COMMIT", on: connection, logger: logger)
        } catch {
            try? await run("ROLLBACK", on: connection, logger: logger)
            throw error
        }
    }

    private func table<R: StoreRecord>(for type: R.Type) throws(StoreError) -> PostgresTable {
        guard schema.contains(type), let table = tables.withLock({ $0[R.table.name] }) else {
            throw StoreError("record type \(R.self) (table \(R.table.name)) is not registered in this store's schema")
        }
        return table
    }

    // MARK: Raw SQL (for leader election, fencing and tests)

    /// Runs `body` with a pooled connection (leased within the connection timeout). Errors become
    /// ``StoreError``s that name the failure; `body` must not keep the connection.
    ///
    /// With `deadline`, the body's connection is closed (failing its query) once the body has run
    /// that long, or, with `progress`, once that long has passed without a `progress.tick()`.
    public func withConnection<T: Sendable>(
        deadline: Duration? = nil, progress: QueryProgress? = nil, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        guard !closed.load(ordering: .relaxed) else { throw StoreError("the PostgreSQL store is closed") }
        let leased = LeaseFlag()
        let timeout = configuration.connectionTimeout
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { [client] in
                    try await client.withConnection { connection in
                        // A connection that arrives after the caller was told "no connection" is not used: the
                        // operation must not run (a write must not commit) once it has been reported as failed.
                        guard leased.claim(.leased) else { throw StoreError("the connection came after the operation had timed out") }
                        leased.connection.withLock { $0 = connection }
                        try Self.checkOpen(connection)
                        return try await body(connection)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                var timedOut = false
                while let result = try await group.next() {
                    if let result {
                        group.cancelAll()
                        return result
                    }
                    if leased.claim(.timedOut) {
                        group.cancelAll()
                        throw StoreError(
                            "PostgreSQL at \(configuration.host):\(configuration.port) gave no connection within \(timeout) (is it running?)")
                    }
                    if let deadline, !timedOut {
                        // Leased: the body has until the deadline; then its connection is closed, which fails its query.
                        group.addTask {
                            var seen = progress?.count
                            while true {
                                try await Task.sleep(for: deadline)
                                guard let now = progress?.count, now != seen else { break }
                                seen = now
                            }
                            let closing: EventLoopFuture<Void>? = leased.connection.withLock { $0 }?.close()
                            _ = closing
                            return nil
                        }
                        timedOut = true
                    }
                }
                throw CancellationError()
            }
        } catch let error as PSQLError {
            throw StoreError(Self.describe(error, configuration: configuration))
        } catch let error as PostgresTransactionError {
            throw StoreError(Self.describe(error, configuration: configuration))
        } catch let error as PostgresDecodingError {
            throw StoreError(Self.describe(error, configuration: configuration))
        }
        // Anything else is the body's own error (or cancellation), passed on as it is.
    }

    /// Runs `body` in one transaction on a pooled connection: committed when it returns, rolled back when it throws.
    public func withTransaction<T: Sendable>(
        deadline: Duration? = nil, progress: QueryProgress? = nil, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection(deadline: deadline, progress: progress) { [logger] connection in
            try await Self.run("BEGIN", on: connection, logger: logger)
            do {
                let result = try await body(connection)
                // PostgreSQL answers COMMIT of a failed transaction with the tag ROLLBACK, not an error.
                try Self.checkOpen(connection)
                let commit = try await connection.query(PostgresQuery(unsafeSQL: "COMMIT"), logger: logger) { _ in }.get()
                guard commit.command == "COMMIT" else { throw StoreError("PostgreSQL rolled the transaction back (\(commit.command))") }
                return result
            } catch {
                // Closing the connection rolls the transaction back on the server. No ROLLBACK is sent: on a
                // connection the server is cutting (57P01), a query sent as it closes can wait forever, and a
                // connection whose ROLLBACK failed must never go back to the pool in the middle of a transaction.
                try? await connection.close()
                throw error
            }
        }
    }

    /// Sets a check that runs first in every ``apply(_:)`` transaction, on its connection (fencing:
    /// e.g. that this instance still holds the leader lease); when it throws, nothing is applied
    /// and ``apply(_:)`` fails with its error as a ``StoreError``. `nil` removes it.
    public func setTransactionGuard(_ check: (@Sendable (PostgresConnection) async throws -> Void)?) {
        transactionGuard.withLock { $0 = check }
    }

    /// Runs one SQL statement with `$1…` bound to `arguments`; returns every row's values.
    @discardableResult
    public func query(_ sql: String, _ arguments: [StoreValue] = []) async throws -> [[StoreValue]] {
        try await withConnection { [logger] connection in
            var rows: [[StoreValue]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: .init(storeValues: arguments)), logger: logger) {
                rows.append(try row.map(StoreValue.init(cell:)))
            }
            return rows
        }
    }

    // MARK: SuanliStore

    public func forEach<R: StoreRecord>(_ type: R.Type, _ body: @escaping @Sendable (R) throws -> Void) async throws {
        let table = try table(for: type)
        try await stream(type, PostgresQuery(unsafeSQL: table.selectSQL), table: table, body)
    }

    public func load<R: StoreRecord>(_ type: R.Type) async throws -> [R] {
        let table = try table(for: type)
        let collected = Mutex<[R]>([])
        try await stream(type, PostgresQuery(unsafeSQL: table.selectSQL), table: table) { record in
            collected.withLock { $0.append(record) }
        }
        return collected.withLock { $0 }
    }

    public func select<R: StoreRecord>(_ type: R.Type, _ query: StoreQuery) async throws -> [R] {
        let table = try table(for: type)
        try query.validate(for: R.table)
        let (sql, arguments) = table.selectSQL(query)
        let collected = Mutex<[R]>([])
        try await stream(type, PostgresQuery(unsafeSQL: sql, binds: .init(storeValues: arguments)), table: table) { record in
            collected.withLock { $0.append(record) }
        }
        return collected.withLock { $0 }
    }

    /// Runs `query` and decodes each row as it arrives; a row that does not decode throws.
    private func stream<R: StoreRecord>(
        _ type: R.Type, _ query: PostgresQuery, table: PostgresTable, _ body: @escaping @Sendable (R) throws -> Void
    ) async throws {
        try await withConnection { [logger] connection in
            // Rows are decoded as they arrive, on the connection's event loop (no hop per row).
            let decode = RowDecoder(R.rowDecoder())
            let received = Atomic<Int>(0)
            let metadata = try await connection.query(query, logger: logger) { row in
                received.add(1, ordering: .relaxed)
                var values: [StoreValue] = []
                values.reserveCapacity(table.table.columns.count)
                for cell in row { values.append(try StoreValue(cell: cell)) }
                let storeRow = StoreRow(table: table.table) { values[$0] }
                let record: R
                do {
                    record = try decode.decode(storeRow)
                } catch let error as RecordDecodingError {
                    throw error
                } catch {
                    throw RecordDecodingError(
                        table: table.table.name, key: storeRow.keyDescription, column: nil, reason: "does not decode: \(error)")
                }
                try body(record)
            }.get()
            // A load never ends silently short: the rows seen must be the rows the server says it sent.
            let count = received.load(ordering: .relaxed)
            guard metadata.command == "SELECT", metadata.rows == count else {
                let reported = "\(metadata.command) \(metadata.rows.map(String.init) ?? "?")"
                throw StoreError("PostgreSQL: a read of \(table.table.name) ended after \(count) rows (the server reported \(reported))")
            }
        }
    }

    public func apply(_ mutations: [StoreMutation]) async throws {
        guard !mutations.isEmpty else { return }
        let tables = tables.withLock { $0 }
        var statements: [PostgresQuery] = []
        statements.reserveCapacity(mutations.count)
        for mutation in mutations {
            guard let table = tables[mutation.table] else {
                throw StoreError("no record type for table '\(mutation.table)' is registered in this store's schema")
            }
            statements.append(try table.statement(for: mutation))
        }
        let check = transactionGuard.withLock { $0 }
        do {
            // A transaction that makes no progress for 15 s (a server gone without a word) is cut: its
            // connection is closed. Progress, not total time: each statement is one round trip, and a
            // big batch on a loaded machine takes longer than that (2,000 rows took over 55 s in CI).
            let progress = QueryProgress()
            try await withTransaction(deadline: .seconds(15), progress: progress) { [logger, statements] connection in
                try await check?(connection)
                for statement in statements {
                    try Self.checkOpen(connection)
                    try await connection.query(statement, logger: logger)
                    progress.tick()
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            // A failed guard (fencing) is a store failure like any other: nothing was applied.
            throw StoreError(Self.describe(error, configuration: configuration))
        }
    }

    /// Refuses further operations; the pool itself closes when ``withStore(_:schema:logger:_:)``'s body returns.
    public func close() async {
        closed.store(true, ordering: .relaxed)
    }

    // MARK: Errors

    /// A one-line description of a postgres-nio error: the server's message and SQLSTATE, or what failed on the connection.
    static func describe(_ error: any Error, configuration: PostgresConfiguration? = nil) -> String {
        if let error = error as? StoreError { return error.message }
        if let error = error as? PostgresTransactionError {
            if let inner = error.closureError ?? error.beginError ?? error.commitError { return describe(inner, configuration: configuration) }
        }
        if let error = error as? PSQLError {
            if let info = error.serverInfo, let message = info[.message] {
                return "PostgreSQL: \(message)" + (info[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
            }
            let server = configuration.map { " at \($0.host):\($0.port)" } ?? ""
            let underlying = error.underlying.map { ": \($0)" } ?? ""
            return "PostgreSQL\(server): \(error.code)\(underlying)"
        }
        return "PostgreSQL: \(error)"
    }
}

extension PostgresStore: Service {}

/// A record type's row decoder, used from one query's row callbacks (one at a time, in order).
private final class RowDecoder<R>: @unchecked Sendable {
    let decode: (StoreRow) throws -> R
    init(_ decode: @escaping (StoreRow) throws -> R) { self.decode = decode }
}

/// Whether an operation got its connection first (then the connection timeout no longer applies)
/// or its connection timeout ran out first (then the operation never runs): decided once, atomically.
private final class LeaseFlag: Sendable {
    enum Outcome: UInt8 {
        case waiting, leased, timedOut
    }

    private let value = Atomic<UInt8>(Outcome.waiting.rawValue)
    let connection = Mutex<PostgresConnection?>(nil)

    /// Moves from waiting to `outcome`; false when the other outcome came first.
    func claim(_ outcome: Outcome) -> Bool {
        value.compareExchange(expected: Outcome.waiting.rawValue, desired: outcome.rawValue, ordering: .acquiringAndReleasing).exchanged
    }
}

/// Collects a migration's SQL (translated, split into statements) to run it afterwards on a connection.
final class RecordingSchemaDatabase: SchemaDatabase {
    private(set) var statements: [String] = []

    var dialect: StoreDialect { .postgresql }

    func execute(_ sql: String) throws {
        statements += PostgresDialect.statements(PostgresDialect.translate(sql))
    }
}

/// Counts finished steps of a long operation, so that a deadline can mean "this long without progress".
public final class QueryProgress: Sendable {
    private let ticks = Atomic<UInt64>(0)

    /// Creates a counter at zero.
    public init() {}

    /// Records one finished step.
    public func tick() { ticks.add(1, ordering: .relaxed) }

    /// Steps finished so far.
    public var count: UInt64 { ticks.load(ordering: .relaxed) }
}
