import Foundation
import Logging
import SuanliPostgres
import SuanliStore

/// The store under a ``TestPlatform``: SQLite in the test's directory, or, with
/// `SUANLI_TEST_STORE=postgres`, PostgreSQL at `SUANLI_TEST_DATABASE_URL` in a schema of the
/// directory's own (a fresh directory is a fresh schema; reopening a directory reopens its schema).
///
///     let testStore = try PostgresTestStore(directory: directory)
///     async let _ = testStore.run()          // the PostgreSQL pool, for the scope
///     let store = try await testStore.open()
struct PostgresTestStore: Sendable {
    /// Whether this test run puts platforms on PostgreSQL.
    static let enabled = ProcessInfo.processInfo.environment["SUANLI_TEST_STORE"] == "postgres"

    let directory: String
    let postgres: PostgresStore?

    init(directory: String) throws {
        self.directory = directory
        guard Self.enabled else {
            postgres = nil
            return
        }
        let url = ProcessInfo.processInfo.environment["SUANLI_TEST_DATABASE_URL"] ?? ""
        guard !url.isEmpty else {
            throw StoreError("SUANLI_TEST_STORE=postgres needs SUANLI_TEST_DATABASE_URL (scripts/postgres-up.sh prints one)")
        }
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .critical
        var configuration = try PostgresConfiguration(url: url).with(schema: Self.schemaName(directory))
        // Many platforms at once on one small test server, on a loaded machine: few connections each, patient leases.
        configuration.maximumConnections = 2
        configuration.connectionTimeout = .seconds(30)
        postgres = PostgresStore(configuration, logger: logger)
    }

    /// `tp_` and a 64-bit FNV-1a hash of the directory.
    static func schemaName(_ directory: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in directory.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return "tp_" + String(hash, radix: 16)
    }

    /// Runs the PostgreSQL pool until cancelled; returns at once for SQLite.
    func run() async {
        await postgres?.run()
    }

    /// The opened store.
    func open() async throws -> any SuanliStore {
        guard let postgres else { return try SQLiteStore(path: directory + "/suanli.sqlite") }
        try await postgres.open()
        return postgres
    }
}
