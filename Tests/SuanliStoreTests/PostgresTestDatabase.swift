import Foundation
import Logging
import SuanliCore
import SuanliPostgres
import SuanliStore
import Testing

/// The stores the contract tests run against. PostgreSQL needs `SUANLI_TEST_DATABASE_URL`
/// (`.ci/run` starts a cluster with scripts/postgres-up.sh and sets it): without it the
/// PostgreSQL cases are left out locally, and fail in CI (`SUANLI_CI=1`) saying why.
enum StoreBackend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// The database URL of the test cluster, if any.
    static let databaseURL: String? = {
        let url = ProcessInfo.processInfo.environment["SUANLI_TEST_DATABASE_URL"] ?? ""
        return url.isEmpty ? nil : url
    }()

    /// The backends to run: SQLite always; PostgreSQL with a URL, or in CI (where a missing URL fails the test).
    static let available: [StoreBackend] =
        databaseURL != nil || ProcessInfo.processInfo.environment["SUANLI_CI"] == "1" ? [.sqlite, .postgres] : [.sqlite]
}

/// A fresh place for a store: a SQLite file in a new directory, or a new PostgreSQL schema.
/// ``withStore(schema:_:)`` opens it (again and again: a reopen sees what was written).
struct StoreLocation: Sendable {
    let backend: StoreBackend
    /// The SQLite file.
    let path: String
    /// The PostgreSQL configuration with this location's schema.
    let postgres: PostgresConfiguration?

    /// Runs `body` with a fresh location and removes it afterwards.
    static func with(_ backend: StoreBackend, _ body: (StoreLocation) async throws -> Void) async throws {
        switch backend {
        case .sqlite:
            try await withTempDatabase { path in try await body(StoreLocation(backend: .sqlite, path: path, postgres: nil)) }
        case .postgres:
            guard let url = StoreBackend.databaseURL else {
                Issue.record("SUANLI_TEST_DATABASE_URL is not set: CI must run the store contract on PostgreSQL (scripts/postgres-up.sh)")
                return
            }
            var configuration = try PostgresConfiguration(url: url).with(schema: "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20))
            // A debug build on a loaded two-core machine: a connection (SCRAM included) can take longer than the 5 s default.
            configuration.connectionTimeout = .seconds(30)
            let location = StoreLocation(backend: .postgres, path: "", postgres: configuration)
            do {
                try await body(location)
            } catch {
                try? await location.drop()
                throw error
            }
            try await location.drop()
        }
    }

    /// Opens the store with `schema`, runs `body`, closes it.
    func withStore<T>(schema: StoreSchema = .core, _ body: (any SuanliStore) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite:
            let store = try SQLiteStore(path: path, schema: schema)
            do {
                let result = try await body(store)
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        case .postgres:
            return try await PostgresStore.withStore(postgres!, schema: schema, logger: Self.logger) { store in
                do {
                    let result = try await body(store)
                    await store.close()
                    return result
                } catch {
                    await store.close()
                    throw error
                }
            }
        }
    }

    /// Runs raw SQL with a store that registers nothing (no migrations run).
    func withRawPostgres<T>(_ body: (PostgresStore) async throws -> T) async throws -> T {
        try await PostgresStore.withStore(postgres!, schema: StoreSchema(), logger: Self.logger, body)
    }

    /// The names recorded in `schema_migrations`, sorted.
    func appliedMigrations() async throws -> [String] {
        switch backend {
        case .sqlite: return try SuanliStoreTests.appliedMigrations(path)
        case .postgres:
            return try await withRawPostgres { store in
                try await store.query("SELECT name FROM schema_migrations ORDER BY name COLLATE \"C\"").map {
                    if case .text(let name) = $0[0] { name } else { "" }
                }
            }
        }
    }

    /// Drops the schema of a PostgreSQL location.
    private func drop() async throws {
        guard let schema = postgres?.schema else { return }
        try await PostgresStore.withStore(postgres!.with(schema: nil), schema: StoreSchema(), logger: Self.logger) { store in
            _ = try await store.query("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
        }
    }

    static let logger: Logger = {
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .critical
        return logger
    }()
}
