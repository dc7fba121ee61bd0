import Foundation
import SuanliCore
import SuanliPostgres
import Testing

@testable import SuanliStore

/// Forwards everything but `select`, which falls back to the protocol's generic (in-memory) implementation.
private struct InMemorySelect: SuanliStore {
    let base: any SuanliStore
    func forEach<R: StoreRecord>(_ type: R.Type, _ body: @escaping @Sendable (R) throws -> Void) async throws {
        try await base.forEach(type, body)
    }
    func load<R: StoreRecord>(_ type: R.Type) async throws -> [R] { try await base.load(type) }
    func apply(_ mutations: [StoreMutation]) async throws { try await base.apply(mutations) }
    func close() async {}
}

private func resources(_ store: any SuanliStore) async throws -> [(StoredResource, StoredState)] {
    let rows = Rows()
    try await store.forEachResource { rows.add($0, $1) }
    return rows.all
}

/// The store contract, run against every backend (``StoreBackend/available``): what the platform
/// relies on from `SuanliStore` — durable batches, all or nothing, loads in order and field for
/// field, updates and deletes, queries, feature record types and named migrations.
@Suite("Store contract")
struct PostgresStoreContractTests {
    @Test(arguments: StoreBackend.available)
    func everythingSurvivesAReopen(_ backend: StoreBackend) async throws {
        try await StoreLocation.with(backend) { location in
            let providers = [provider("86.1.1", name: "张家口绿色算力 Co."), provider("86.1.2", renewable: 0.85)]
            let labels = ["class": "intelligent", "rack": "机柜-7 🚀", "note": "naïve café — ok", "empty": "", "path/like": "a=b;c,d"]
            let r1 = resource("86.1.1/zjk-a/gpu-node-17", seq: 1, provider: "86.1.1", labels: labels, renewable: 0.9)
            let r2 = resource("86.1.2/b", seq: 2, provider: "86.1.2", tflops: TFLOPS(fp16: 320), version: 3)
            let r3 = resource("86.1.1.5/sub", seq: 7, provider: "86.1.1")
            let s1 = state(r1.id.string, free: 3, healthy: true, utilization: 0.625)
            let s2 = state(r2.id.string, free: 0, healthy: false)
            let s3 = state(r3.id.string)
            let latency = [
                LatencyOverride(from: "city.beijing", to: "city.shanghai", rttMs: 27.5),
                LatencyOverride(from: "city.beijing", to: "cluster.zhongwei", rttMs: 31.25),
            ]
            try await location.withStore { store throws in
                #expect(try await store.loadMeta().isEmpty)
                #expect(try await resources(store).isEmpty)
                try await store.apply([])
                try await store.apply(
                    providers.map(StoreMutation.putProvider) + [
                        .setMeta(key: "next_provider", value: "3"), .setMeta(key: "platform_prefix", value: "86.1"),
                        .putResource(r3, s3), .putResource(r1, s1), .putResource(r2, s2), .putLatency(latency[0]), .putLatency(latency[1]),
                    ])
            }
            try await location.withStore { store throws in
                #expect(try await store.loadMeta() == ["next_provider": "3", "platform_prefix": "86.1"])
                #expect(Set(try await store.loadProviders()) == Set(providers))
                #expect(Set(try await store.loadLatency()) == Set(latency))
                let rows = try await resources(store)
                #expect(rows.map(\.0) == [r1, r2, r3], "in seq order, equal field by field")
                #expect(rows.map(\.1) == [s1, s2, s3])
                #expect(rows.first?.0.spec.labels == labels)
                #expect(rows[1].0.spec.renewable == nil)
                #expect(rows[1].1.utilization == nil)
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func updatesReplaceAndDeletesRemove(_ backend: StoreBackend) async throws {
        try await StoreLocation.with(backend) { location in
            let p = provider("86.1.1")
            let a = resource("86.1.1/a", seq: 1, provider: "86.1.1")
            let b = resource("86.1.1/b", seq: 2, provider: "86.1.1")
            var p2 = p
            p2.tokenHash = String(repeating: "cd", count: 32)
            p2.registration.name = "Renamed"
            var a2 = a
            a2.version = 2
            a2.spec.priceFenPerUnitHour = 1999
            a2.spec.labels = ["zone": "东区"]
            a2.updatedAt = t0.addingTimeInterval(60)
            let finalState = state("86.1.1/a", free: 5, healthy: false, utilization: 0.4, at: 1_795_300_100.25)
            try await location.withStore { store throws in
                try await store.apply([.putProvider(p), .putResource(a, state("86.1.1/a")), .putResource(b, state("86.1.1/b"))])
                try await store.apply([
                    .putProvider(p2), .setMeta(key: "k", value: "1"), .setMeta(key: "k", value: "2"),
                    .putLatency(LatencyOverride(from: "a", to: "b", rttMs: 1)), .putLatency(LatencyOverride(from: "a", to: "b", rttMs: 2)),
                ])
                try await store.apply([.putResource(a2, state("86.1.1/a", free: 8))])
                try await store.apply([.putState(finalState)])
                try await store.apply([.deleteResource(id: "86.1.1/b"), .deleteResource(id: "86.1.1/never-existed")])
                try await store.apply([.putState(state("86.1.1/ghost"))])
            }
            try await location.withStore { store throws in
                #expect(try await store.loadProviders() == [p2])
                #expect(try await store.loadMeta() == ["k": "2"])
                #expect(try await store.loadLatency() == [LatencyOverride(from: "a", to: "b", rttMs: 2)])
                let rows = try await resources(store)
                #expect(rows.map(\.0) == [a2])
                #expect(rows.map(\.1) == [finalState])
            }
        }
    }

    /// A batch is one transaction: when one mutation fails none of it is applied, and the store stays usable.
    @Test(arguments: StoreBackend.available)
    func failedBatchIsRolledBack(_ backend: StoreBackend) async throws {
        try await StoreLocation.with(backend) { location in
            let a = resource("86.1.1/a", seq: 1, provider: "86.1.1")
            try await location.withStore { store throws in
                try await store.apply([.putProvider(provider("86.1.1")), .putResource(a, state("86.1.1/a")), .setMeta(key: "n", value: "1")])
                // Same seq as "86.1.1/a" under another id violates the unique seq.
                let clash = resource("86.1.1/b", seq: 1, provider: "86.1.1")
                await #expect(throws: StoreError.self) {
                    try await store.apply([
                        .setMeta(key: "n", value: "2"), .putProvider(provider("86.1.2")), .putState(state("86.1.1/a", free: 0)),
                        .putLatency(LatencyOverride(from: "x", to: "y", rttMs: 3)), .putResource(clash, state("86.1.1/b")),
                    ])
                }
                #expect(try await store.loadMeta() == ["n": "1"])
                #expect(try await store.loadProviders().map(\.prefix.description) == ["86.1.1"])
                #expect(try await store.loadLatency().isEmpty)
                #expect(try await resources(store).map(\.1.freeUnits) == [8])
                try await store.apply([.setMeta(key: "n", value: "3")])
            }
            try await location.withStore { store throws in
                #expect(try await store.loadMeta() == ["n": "3"])
                #expect(try await resources(store).map(\.0) == [a])
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func useAfterCloseThrows(_ backend: StoreBackend) async throws {
        try await StoreLocation.with(backend) { location in
            let closed = try await location.withStore { store throws in
                try await store.apply([.setMeta(key: "n", value: "1")])
                await store.close()
                await #expect(throws: StoreError.self) { try await store.apply([.setMeta(key: "n", value: "2")]) }
                await #expect(throws: StoreError.self) { try await store.loadMeta() }
                await #expect(throws: StoreError.self) { try await store.forEachResource { _, _ in } }
                return true
            }
            #expect(closed)
            try await location.withStore { store throws in #expect(try await store.loadMeta() == ["n": "1"]) }
        }
    }

    @Test(arguments: StoreBackend.available)
    func manyRowsInOneBatchStreamInOrder(_ backend: StoreBackend) async throws {
        try await StoreLocation.with(backend) { location in
            var mutations: [StoreMutation] = [.putProvider(provider("86.1.1"))]
            for i in 1...2000 {
                let r = resource("86.1.1/n-\(i)", seq: UInt64(i), provider: "86.1.1", labels: ["i": String(i)])
                mutations.append(.putResource(r, state(r.id.string, free: i % 9)))
            }
            try await location.withStore { store in try await store.apply(mutations) }
            try await location.withStore { store throws in
                let rows = try await resources(store)
                #expect(rows.count == 2000)
                #expect(rows.map(\.0.seq) == (1...2000).map(UInt64.init))
                #expect(rows.allSatisfy { $0.0.spec.labels["i"] == String($0.0.seq) && $0.1.freeUnits == Int($0.0.seq) % 9 })
            }
        }
    }

    /// `select` and `deleteMatching` (one SQL query each) agree with the generic in-memory implementation.
    @Test(arguments: StoreBackend.available)
    func queriesAgreeWithTheGenericImplementation(_ backend: StoreBackend) async throws {
        try await StoreLocation.with(backend) { location in
            try await location.withStore { store throws in
                let generic = InMemorySelect(base: store)
                let owners: [String?] = ["c1", "c2", nil, "86.1.7", "C1", "c1-x", "é"]
                let actions = ["POST /v1/tasks", "DELETE /v1/tasks/{id}", "PUT /v1/resources/{id...}"]
                var entries: [AuditEntry] = []
                for i in 1...70 {
                    entries.append(
                        TokenAndAuditRecordTests.entry(
                            Int64(i), at: Double(i * 7 % 50), owner: owners[i % owners.count], action: actions[i % 3],
                            status: i % 5 == 0 ? 403 : 201))
                }
                try await store.apply(entries.map { .put($0) })
                #expect(try await store.load(AuditEntry.self) == entries)
                let queries: [StoreQuery] = [
                    StoreQuery(),
                    StoreQuery(order: [.init("seq", descending: true)], limit: 7),
                    StoreQuery([.compare("seq", .less, .integer(40))], order: [.init("seq", descending: true)], limit: 5),
                    StoreQuery([
                        .compare("at", .greaterOrEqual, .date(t0.addingTimeInterval(10))), .compare("at", .less, .date(t0.addingTimeInterval(20))),
                    ]),
                    StoreQuery([.any([.compare("token", .equal, .text("c1")), .compare("owner", .equal, .text("c1"))])]),
                    StoreQuery([.compare("owner", .equal, .text("86.1.7")), .compare("action", .equal, .text("POST /v1/tasks"))]),
                    StoreQuery([.compare("status", .greaterOrEqual, .integer(400))], order: [.init("at"), .init("seq", descending: true)]),
                    StoreQuery([.compare("role", .equal, .text("anonymous"))], limit: 3),
                    // Text orders by bytes, as in SQLite: "C1" < "c1" < "c1-x" < "é".
                    StoreQuery([.compare("owner", .greater, .text("C1"))], order: [.init("owner"), .init("seq")]),
                    StoreQuery(order: [.init("action", descending: true), .init("seq")], limit: 20),
                    StoreQuery([.compare("at", .less, .integer(Int64(t0.timeIntervalSince1970) + 5))]),
                    StoreQuery([.any([])]),
                ]
                for query in queries {
                    let fromSQL = try await store.select(AuditEntry.self, query)
                    let fromMemory = try await generic.select(AuditEntry.self, query)
                    #expect(fromSQL.map(\.id) == fromMemory.map(\.id), "\(query)")
                }
                let old = StoreQuery([.compare("at", .less, .date(t0.addingTimeInterval(25)))], order: [.init("seq")], limit: 4)
                let doomed = try await store.select(AuditEntry.self, old)
                #expect(doomed.count == 4)
                try await store.apply([.deleteMatching(AuditEntry.self, old)])
                #expect(try await store.load(AuditEntry.self) == entries.filter { !doomed.contains($0) })
                await #expect(throws: StoreError.self) { _ = try await store.select(AuditEntry.self, StoreQuery([.compare("nope", .equal, .null)])) }
                await #expect(throws: StoreError.self) { _ = try await store.select(AuditEntry.self, StoreQuery(limit: 0)) }
            }
        }
    }

    /// A feature's own record type: written, replaced (insert-only kept), updated, deleted, reloaded;
    /// its table grows by a later named migration, with the default for old rows.
    @Test(arguments: StoreBackend.available)
    func aFeatureRecordTypeAndItsMigrations(_ backend: StoreBackend) async throws {
        try await StoreLocation.with(backend) { location in
            var before = StoreSchema.core
            before.register(NoteBeforePinned.self)
            try await location.withStore(schema: before) { store throws in
                try await store.apply([.put(NoteBeforePinned(id: "old", text: "written before pinned", created: t0))])
            }
            #expect(try await !location.appliedMigrations().contains("test_notes.pinned"))
            try await location.withStore(schema: schemaWithNotes()) { store throws in
                #expect(try await store.load(Note.self) == [Note(id: "old", text: "written before pinned", created: t0)])
                let a = Note(id: "a", text: "第一", created: t0)
                try await store.apply([.put(Note(id: "b", text: "second", pinned: true, created: t0)), .put(a)])
                var a2 = a
                a2.text = "first, edited"
                a2.created = t0.addingTimeInterval(99)
                try await store.apply([
                    .put(a2), .update(Note.self, key: [.text("b")], set: ["pinned": .bool(false)]), .put(Note(id: "c", text: "", created: t0)),
                ])
                try await store.apply([.delete(Note.self, key: [.text("c")])])
            }
            #expect(try await location.appliedMigrations().contains("test_notes.pinned"))
            try await location.withStore(schema: schemaWithNotes()) { store throws in
                #expect(
                    try await store.load(Note.self) == [
                        Note(id: "a", text: "first, edited", created: t0), Note(id: "b", text: "second", created: t0),
                        Note(id: "old", text: "written before pinned", created: t0),
                    ])
            }
        }
    }

    /// Mixed batches are all or nothing; unregistered types and malformed mutations are refused.
    @Test(arguments: StoreBackend.available)
    func badWritesAreRefusedWithNothingApplied(_ backend: StoreBackend) async throws {
        try await StoreLocation.with(backend) { location in
            try await location.withStore(schema: schemaWithNotes()) { store throws in
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
                await #expect(throws: StoreError.self) { try await store.load(Strict.self) }
                await #expect(throws: StoreError.self) {
                    try await store.apply([.update(StoredResourceRecord.self, key: [.text("x")], set: ["no_such_column": .integer(1)])])
                }
                await #expect(throws: StoreError.self) { try await store.apply([.delete(LatencyOverride.self, key: [.text("only one")])]) }
                #expect(try await store.load(Note.self).map(\.id) == ["a"])
                #expect(try await store.loadMeta().isEmpty)
            }
        }
    }

    /// A database that records migrations this build does not know is refused; a failed
    /// migration leaves nothing behind and names itself.
    @Test(arguments: StoreBackend.available)
    func unknownAndFailedMigrations(_ backend: StoreBackend) async throws {
        try await StoreLocation.with(backend) { location in
            try await location.withStore(schema: schemaWithNotes()) { store throws in
                try await store.apply([.put(Note(id: "n1", text: "hello", created: t0))])
            }
            await #expect {
                try await location.withStore { _ in }
            } throws: { error in
                "\(error)".contains("does not know: test_notes.create, test_notes.pinned") && "\(error)".contains("upgrade suanli")
            }
            var broken = schemaWithNotes()
            broken.registerMigration("broken.step") { db in
                try db.execute("CREATE TABLE half_done(x INTEGER)")
                try db.execute("THIS IS NOT SQL")
            }
            await #expect { try await location.withStore(schema: broken) { _ in } } throws: { "\($0)".contains("'broken.step' failed") }
            #expect(try await !location.appliedMigrations().contains("broken.step"))
            var fixed = schemaWithNotes()
            fixed.registerMigration("broken.step") { db in try db.execute("CREATE TABLE half_done(x INTEGER)") }
            try await location.withStore(schema: fixed) { store throws in
                #expect(try await store.load(Note.self).map(\.id) == ["n1"])
            }
            #expect(try await location.appliedMigrations().contains("broken.step"))
        }
    }

    @Test(arguments: StoreBackend.available)
    func forEachStopsWhenTheBodyThrows(_ backend: StoreBackend) async throws {
        struct Enough: Error {}
        try await StoreLocation.with(backend) { location in
            try await location.withStore(schema: schemaWithNotes()) { store throws in
                try await store.apply((0..<5).map { .put(Note(id: "n\($0)", text: "", created: t0)) })
                let seen = Rows()
                await #expect(throws: Enough.self) {
                    try await store.forEach(Note.self) { note in
                        seen.add(resource("86.1.1/\(note.id)", seq: 1, provider: "86.1.1"), state(note.id))
                        if note.id == "n2" { throw Enough() }
                    }
                }
                #expect(seen.all.map(\.1.id) == ["n0", "n1", "n2"])
                #expect(try await store.load(Note.self).count == 5)
            }
        }
    }
}
