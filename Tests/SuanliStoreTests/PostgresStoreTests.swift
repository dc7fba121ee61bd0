import Foundation
import PostgresNIO
import SuanliCore
import Testing

@testable import SuanliPostgres
@testable import SuanliStore

@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test func databaseURLs() throws {
        let full = try PostgresConfiguration(url: "postgres://app:s%40cret@db.example.cn:6543/suanli?schema=p1&sslmode=require")
        #expect(full.host == "db.example.cn")
        #expect(full.port == 6543)
        #expect(full.username == "app")
        #expect(full.password == "s@cret")
        #expect(full.database == "suanli")
        #expect(full.schema == "p1")
        #expect(full.tls == .require)
        #expect(full.redactedURL == "postgres://app:***@db.example.cn:6543/suanli?schema=p1&sslmode=require")
        let plain = try PostgresConfiguration(url: "postgresql://app@127.0.0.1/suanli")
        #expect(plain.port == 5432)
        #expect(plain.password == nil)
        #expect(plain.tls == .prefer)
        #expect(plain.redactedURL == "postgres://app@127.0.0.1:5432/suanli")

        let bad: [(String, String)] = [
            ("not a url", "not a URL"),
            ("mysql://app@h/db", "scheme 'mysql'"),
            ("postgres:///db", "no host"),
            ("postgres://h:5432/db", "no user"),
            ("postgres://app@h:5432", "no database"),
            ("postgres://app@h:5432/", "no database"),
            ("postgres://app@h:0/db", "port 0"),
            ("postgres://app@h/db?schema=Robert%27);DROP", "plain SQL identifier"),
            ("postgres://app@h/db?sslmode=verify-full", "sslmode"),
            ("postgres://app:pw@h/db?timeout=3", "unknown parameter 'timeout'"),
        ]
        for (url, expected) in bad {
            do {
                _ = try PostgresConfiguration(url: url)
                Issue.record("\(url) was accepted")
            } catch {
                #expect(error.message.contains(expected), "\(url): \(error.message)")
                #expect(!error.message.contains("pw@"))
            }
        }
    }

    @Test func sqliteMigrationsAreTranslated() {
        #expect(
            PostgresDialect.translate("CREATE TABLE t(seq INTEGER PRIMARY KEY, at REAL NOT NULL, b BLOB, s TEXT DEFAULT 'REAL integer') WITHOUT ROWID")
                == "CREATE TABLE t(seq BIGINT PRIMARY KEY, at DOUBLE PRECISION NOT NULL, b BYTEA, s TEXT DEFAULT 'REAL integer') ")
        #expect(PostgresDialect.translate("ALTER TABLE x ADD COLUMN pinned integer NOT NULL DEFAULT 0 -- INTEGER") == "ALTER TABLE x ADD COLUMN pinned BIGINT NOT NULL DEFAULT 0 -- INTEGER")
        #expect(PostgresDialect.translate("SELECT \"REAL\", integers, real_at FROM t") == "SELECT \"REAL\", integers, real_at FROM t")
        #expect(
            PostgresDialect.statements("CREATE TABLE a(x TEXT DEFAULT ';');\n INSERT INTO a VALUES('it''s; fine') ; ;\n/* ; */ DROP TABLE b")
                == ["CREATE TABLE a(x TEXT DEFAULT ';')", "INSERT INTO a VALUES('it''s; fine')", "/* ; */ DROP TABLE b"])
    }

    /// Nothing listens: opening fails with a store error naming the server, within the connection timeout (no hang).
    @Test(.timeLimit(.minutes(1))) func anUnreachableServerIsAnErrorNotAHang() async throws {
        let configuration = PostgresConfiguration(
            host: "127.0.0.1", port: 9, username: "nobody", database: "none", tls: .disable, connectionTimeout: .seconds(1))
        await #expect {
            try await PostgresStore.withStore(configuration, logger: StoreLocation.logger) { _ in }
        } throws: { error in
            error is StoreError && "\(error)".contains("127.0.0.1:9")
        }
    }

    @Test(.enabled(if: StoreBackend.available.contains(.postgres)))
    func aWrongPasswordIsNamed() async throws {
        var configuration = try PostgresConfiguration(url: try #require(StoreBackend.databaseURL))
        configuration.password = "wrong-password"
        configuration.connectionTimeout = .seconds(30)  // the refusal comes as soon as the server answers
        await #expect {
            try await PostgresStore.withStore(configuration, logger: StoreLocation.logger) { _ in }
        } throws: { error in
            "\(error)".contains("password authentication failed") && !"\(error)".contains("wrong-password")
        }
    }

    /// Instances starting together on one database migrate once (an advisory lock serialises them).
    @Test(.enabled(if: StoreBackend.available.contains(.postgres)))
    func instancesStartingTogetherMigrateOnce() async throws {
        try await StoreLocation.with(.postgres) { location in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<4 {
                    group.addTask {
                        try await location.withStore(schema: schemaWithNotes()) { store in
                            try await store.apply([.put(Note(id: "n\(i)", text: "from instance \(i)", created: t0))])
                        }
                    }
                }
                try await group.waitForAll()
            }
            let applied = try await location.appliedMigrations()
            #expect(applied == (StoreSchema.core.migrator.names + ["test_notes.create", "test_notes.pinned"]).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            try await location.withStore(schema: schemaWithNotes()) { store throws in
                #expect(try await store.load(Note.self).map(\.id) == ["n0", "n1", "n2", "n3"])
            }
        }
    }

    /// A transaction guard (fencing) runs first in every batch: when it throws nothing is applied.
    @Test(.enabled(if: StoreBackend.available.contains(.postgres)))
    func aTransactionGuardFencesEveryBatch() async throws {
        struct Fenced: Error {}
        try await StoreLocation.with(.postgres) { location in
            try await PostgresStore.withStore(location.postgres!, logger: StoreLocation.logger) { store in
                try await store.apply([.setMeta(key: "a", value: "1")])
                store.setTransactionGuard { connection in
                    // The guard sees the batch's transaction: it can lock and check a row.
                    try await connection.query("SELECT 1 FROM meta WHERE key = 'a' FOR UPDATE", logger: StoreLocation.logger)
                    throw Fenced()
                }
                await #expect(throws: StoreError.self) { try await store.apply([.setMeta(key: "a", value: "2"), .setMeta(key: "b", value: "2")]) }
                #expect(try await store.loadMeta() == ["a": "1"])
                store.setTransactionGuard(nil)
                try await store.apply([.setMeta(key: "a", value: "3")])
                #expect(try await store.loadMeta() == ["a": "3"])
                // Raw SQL for other modules: values in and out.
                let rows = try await store.query(
                    "SELECT $1::bigint + 1, $2::double precision * 2, $3::text || '!', $4::bytea, NULL, true",
                    [.integer(41), .real(1.25), .text("算力"), .blob([0, 255])])
                #expect(rows == [[.integer(42), .real(2.5), .text("算力!"), .blob([0, 255]), .null, .integer(1)]])
            }
        }
    }
}
