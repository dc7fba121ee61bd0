import Foundation
import SuanliCore
import Testing

@testable import SuanliStore

/// Forwards loads and writes to a SQLite store but not `select`: the protocol's generic
/// (load and filter in memory) implementation, which SQL backends must agree with.
struct GenericSelectStore: SuanliStore {
    let base: SQLiteStore
    func forEach<R: StoreRecord>(_ type: R.Type, _ body: @escaping @Sendable (R) throws -> Void) async throws {
        try await base.forEach(type, body)
    }
    func load<R: StoreRecord>(_ type: R.Type) async throws -> [R] { try await base.load(type) }
    func apply(_ mutations: [StoreMutation]) async throws { try await base.apply(mutations) }
    func close() async { await base.close() }
}

@Suite("Token, auditor and audit records")
struct TokenAndAuditRecordTests {
    /// Providers and consumers of a numbered version-2 database keep their tokens as token records.
    @Test func tokensOfANumberedDatabaseAreAdopted() async throws {
        try await withTempDatabase { path in
            try rawSQL(path, NumberedSchemaFixtures.version1)
            try rawSQL(path, NumberedSchemaFixtures.version2)
            try rawSQL(path, NumberedSchemaFixtures.version1Rows + NumberedSchemaFixtures.version2Rows)
            let store = try SQLiteStore(path: path)
            let tokens = try await store.load(StoredToken.self).sorted { $0.role.rawValue > $1.role.rawValue }  // same time: random ids
            #expect(tokens.map(\.role) == [.provider, .consumer])
            #expect(tokens.map(\.owner) == ["86.1.1", "c1"])
            #expect(tokens.map(\.secretHash) == ["abab", "cdcd"])
            #expect(tokens.allSatisfy { $0.createdAt == Date(timeIntervalSince1970: 1795300000.125) })
            #expect(tokens.allSatisfy { $0.id.hasPrefix("tk_") && $0.id.count == 19 && $0.expiresAt == nil && $0.revokedAt == nil })
            #expect(Set(tokens.map(\.id)).count == 2)
            #expect(try await store.loadProviders().map(\.tokenHash) == [""])
            #expect(try await store.loadConsumers().map(\.tokenHash) == [""])
            await store.close()
            #expect(try appliedMigrations(path) == coreMigrations.sorted())
        }
    }

    @Test func tokensAndAuditorsRoundTrip() async throws {
        try await withTempDatabase { path in
            let store = try SQLiteStore(path: path)
            let token = StoredToken(
                id: "tk_1", role: .auditor, owner: "a1", name: "nao", secretHash: String(repeating: "ab", count: 32), createdAt: t0,
                expiresAt: t0.addingTimeInterval(60))
            try await store.apply([.put(token), .put(StoredAuditor(id: "a1", name: "审计署", createdAt: t0))])
            try await store.apply([StoredToken.lastUsed("tk_1", t0.addingTimeInterval(5))])
            var expected = token
            expected.lastUsedAt = t0.addingTimeInterval(5)
            #expect(try await store.load(StoredToken.self) == [expected])
            #expect(try await store.load(StoredAuditor.self) == [StoredAuditor(id: "a1", name: "审计署", createdAt: t0)])
            // The same secret twice is refused by the unique index.
            var twin = token
            twin.id = "tk_2"
            await #expect(throws: StoreError.self) { try await store.apply([.put(twin)]) }
            try rawSQL(path, "UPDATE tokens SET role = 'root'")
            await #expect(throws: RecordDecodingError.self) { _ = try await store.load(StoredToken.self) }
            await store.close()
        }
    }

    static func entry(_ id: Int64, at: Double, owner: String?, action: String, status: Int = 200) -> AuditEntry {
        AuditEntry(
            id: id, at: t0.addingTimeInterval(at), token: owner.map { "tk_\($0)" }, role: owner == nil ? "anonymous" : "consumer",
            owner: owner, action: action, target: ["id": "t\(id)"], from: "127.0.0.1", status: status, error: status >= 400 ? "forbidden" : nil)
    }

    /// SQL queries (`select`, `deleteMatching`) agree with the generic in-memory implementation.
    @Test func queriesAgreeWithTheGenericImplementation() async throws {
        try await withTempDatabase { path in
            let sqlite = try SQLiteStore(path: path)
            let generic = GenericSelectStore(base: sqlite)
            let owners: [String?] = ["c1", "c2", nil, "86.1.7"]
            let actions = ["POST /v1/tasks", "DELETE /v1/tasks/{id}", "PUT /v1/resources/{id...}"]
            var entries: [AuditEntry] = []
            for i in 1...60 {
                entries.append(Self.entry(Int64(i), at: Double(i * 7 % 50), owner: owners[i % 4], action: actions[i % 3], status: i % 5 == 0 ? 403 : 201))
            }
            try await sqlite.apply(entries.map { .put($0) })
            #expect(try await sqlite.load(AuditEntry.self) == entries)
            let queries: [StoreQuery] = [
                StoreQuery(),
                StoreQuery(order: [.init("seq", descending: true)], limit: 7),
                StoreQuery([.compare("seq", .less, .integer(40))], order: [.init("seq", descending: true)], limit: 5),
                StoreQuery([.compare("at", .greaterOrEqual, .date(t0.addingTimeInterval(10))), .compare("at", .less, .date(t0.addingTimeInterval(20)))]),
                StoreQuery([.any([.compare("token", .equal, .text("c1")), .compare("owner", .equal, .text("c1"))])]),
                StoreQuery([.any([.compare("token", .equal, .text("tk_c2")), .compare("owner", .equal, .text("tk_c2"))])]),
                StoreQuery([.compare("owner", .equal, .text("86.1.7")), .compare("action", .equal, .text("POST /v1/tasks"))]),
                StoreQuery([.compare("status", .greaterOrEqual, .integer(400))], order: [.init("at"), .init("seq", descending: true)]),
                StoreQuery([.compare("role", .equal, .text("anonymous"))], limit: 3),
                StoreQuery([.any([])]),
            ]
            for query in queries {
                let fromSQL = try await sqlite.select(AuditEntry.self, query)
                let fromMemory = try await generic.select(AuditEntry.self, query)
                #expect(fromSQL == fromMemory, "\(query)")
            }
            // Deleting by query removes exactly the rows it selects, at most its limit.
            let old = StoreQuery([.compare("at", .less, .date(t0.addingTimeInterval(25)))], order: [.init("seq")], limit: 4)
            let doomed = try await sqlite.select(AuditEntry.self, old)
            try await sqlite.apply([.deleteMatching(AuditEntry.self, old)])
            #expect(try await sqlite.load(AuditEntry.self) == entries.filter { !doomed.contains($0) })
            // Unknown columns and bad limits are refused.
            await #expect(throws: StoreError.self) { _ = try await sqlite.select(AuditEntry.self, StoreQuery([.compare("nope", .equal, .null)])) }
            await #expect(throws: StoreError.self) { _ = try await generic.select(AuditEntry.self, StoreQuery(limit: 0)) }
            await sqlite.close()
        }
    }
}
