import CSQLite
import Dispatch
import Foundation
import SuanliCore

/// The embedded store: one SQLite database in WAL mode with `synchronous=FULL`, so a batch is
/// on disk (fsynced) when ``apply(_:)`` returns and survives `kill -9` and power loss.
///
/// All SQLite work runs on one private serial queue, off the concurrency thread pool.
public final class SQLiteStore: SuanliStore, @unchecked Sendable {
    /// Schema version stored in `PRAGMA user_version`.
    public static let schemaVersion: Int32 = 2

    private let queue = DispatchQueue(label: "suanli.sqlite")
    private let connection: SQLiteConnection
    /// The database file.
    public let path: String

    /// Opens or creates the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        let connection = try SQLiteConnection(path: path)
        try connection.exec("PRAGMA journal_mode=WAL")
        try connection.exec("PRAGMA synchronous=FULL")
        try connection.exec("PRAGMA temp_store=MEMORY")
        try connection.exec("PRAGMA cache_size=-65536")
        try Self.migrate(connection)
        self.connection = connection
    }

    static func migrate(_ db: SQLiteConnection) throws(StoreError) {
        let statement = try db.statement("PRAGMA user_version")
        _ = try statement.step()
        let version = Int32(statement.int(0))
        statement.reset()
        if version > schemaVersion {
            throw StoreError("database schema version \(version) is newer than this build's (\(schemaVersion)); upgrade suanli")
        }
        if version < 1 { try migrateToVersion1(db) }
        if version < 2 { try migrateToVersion2(db) }
    }

    /// Version 2: consumers and tasks.
    static func migrateToVersion2(_ db: SQLiteConnection) throws(StoreError) {
        try db.exec(
            """
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
            """)
    }

    /// Version 1: platform settings, providers, resources with live state, measured latencies.
    static func migrateToVersion1(_ db: SQLiteConnection) throws(StoreError) {
        try db.exec(
            """
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
            """)
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    public func loadMeta() async throws -> [String: String] {
        try await onQueue { [connection] in
            let s = try connection.statement("SELECT key, value FROM meta")
            var out: [String: String] = [:]
            while try s.step() { out[s.text(0)] = s.text(1) }
            return out
        }
    }

    public func loadProviders() async throws -> [StoredProvider] {
        try await onQueue { [connection] in
            let s = try connection.statement(
                "SELECT prefix, name, contact, location, renewable, pue, token_hash, created_at FROM providers")
            var out: [StoredProvider] = []
            while try s.step() {
                guard let prefix = try? Prefix(parsing: s.text(0)) else { continue }
                out.append(
                    StoredProvider(
                        prefix: prefix,
                        registration: ProviderRegistration(
                            name: s.text(1), contact: s.text(2), location: s.text(3), renewable: s.double(4), pue: s.double(5)),
                        tokenHash: s.text(6), createdAt: Date(timeIntervalSince1970: s.double(7))))
            }
            return out
        }
    }

    public func loadLatency() async throws -> [LatencyOverride] {
        try await onQueue { [connection] in
            let s = try connection.statement("SELECT from_code, to_code, rtt_ms FROM latency")
            var out: [LatencyOverride] = []
            while try s.step() { out.append(LatencyOverride(from: s.text(0), to: s.text(1), rttMs: s.double(2))) }
            return out
        }
    }

    public func loadConsumers() async throws -> [StoredConsumer] {
        try await onQueue { [connection] in
            let s = try connection.statement("SELECT id, name, contact, token_hash, created_at FROM consumers")
            var out: [StoredConsumer] = []
            while try s.step() {
                out.append(
                    StoredConsumer(
                        id: s.text(0), registration: ConsumerRegistration(name: s.text(1), contact: s.text(2)),
                        tokenHash: s.text(3), createdAt: Date(timeIntervalSince1970: s.double(4))))
            }
            return out
        }
    }

    public func loadTasks() async throws -> [StoredTask] {
        try await onQueue { [connection] in
            let s = try connection.statement(
                "SELECT id, seq, consumer, state, spec, placement, events, created_at, updated_at, runtime FROM tasks ORDER BY seq")
            var out: [StoredTask] = []
            while try s.step() {
                out.append(
                    StoredTask(
                        id: s.text(0), seq: UInt64(s.int(1)), consumer: s.text(2), state: s.text(3), specJSON: s.text(4),
                        placementJSON: s.isNull(5) ? nil : s.text(5), eventsJSON: s.text(6), runtimeJSON: s.text(9),
                        createdAt: Date(timeIntervalSince1970: s.double(7)), updatedAt: Date(timeIntervalSince1970: s.double(8))))
            }
            return out
        }
    }

    public func forEachResource(_ body: @escaping @Sendable (StoredResource, StoredState) -> Void) async throws {
        do {
            try await onQueue { [connection] in
                let s = try connection.statement(
                    """
                    SELECT seq, id, provider, kind, arch, model, units, memory_gib, fp64, fp32, fp16, int8, location,
                           price, labels, renewable, version, created_at, updated_at, free_units, healthy, utilization,
                           heartbeat_at
                    FROM resources ORDER BY seq
                    """)
                var prefixes: [String: Prefix] = [:]
                var labelCache: [String: [String: String]] = [:]
                while try s.step() {
                    let providerText = s.text(2)
                    let prefix: Prefix
                    if let cached = prefixes[providerText] {
                        prefix = cached
                    } else {
                        guard let parsed = try? Prefix(parsing: providerText) else { continue }
                        prefixes[providerText] = parsed
                        prefix = parsed
                    }
                    guard let kind = ResourceKind(rawValue: s.text(3)) else { continue }
                    let labelText = s.text(14)
                    let labels: [String: String]
                    if let cached = labelCache[labelText] {
                        labels = cached
                    } else {
                        labels = LabelCoding.decode(labelText)
                        if labelCache.count < 100_000 { labelCache[labelText] = labels }
                    }
                    let id = s.text(1)
                    let spec = ResourceSpec(
                        kind: kind, arch: s.text(4), model: s.text(5), units: Int(s.int(6)), memoryGiB: s.double(7),
                        tflops: TFLOPS(
                            fp64: s.optionalDouble(8), fp32: s.optionalDouble(9), fp16: s.optionalDouble(10),
                            int8: s.optionalDouble(11)),
                        location: s.text(12), priceFenPerUnitHour: s.int(13), labels: labels,
                        renewable: s.optionalDouble(15))
                    let resource = StoredResource(
                        id: Identifier(uncheckedString: id), seq: UInt64(s.int(0)), provider: prefix, spec: spec,
                        version: UInt64(s.int(16)), createdAt: Date(timeIntervalSince1970: s.double(17)),
                        updatedAt: Date(timeIntervalSince1970: s.double(18)))
                    let state = StoredState(
                        id: id, freeUnits: Int(s.int(19)), healthy: s.int(20) != 0, utilization: s.optionalDouble(21),
                        heartbeatAt: s.double(22))
                    body(resource, state)
                }
            }
        }
    }

    public func apply(_ mutations: [StoreMutation]) async throws {
        guard !mutations.isEmpty else { return }
        try await onQueue { [connection] in
            try connection.exec("BEGIN IMMEDIATE")
            do {
                for mutation in mutations { try Self.apply(mutation, on: connection) }
                try connection.exec("COMMIT")
            } catch {
                try? connection.exec("ROLLBACK")
                throw error
            }
        }
    }

    static func apply(_ mutation: StoreMutation, on db: SQLiteConnection) throws(StoreError) {
        switch mutation {
        case .setMeta(let key, let value):
            let s = try db.statement("INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            s.bind(1, key)
            s.bind(2, value)
            try s.run()
        case .putProvider(let p):
            let s = try db.statement(
                """
                INSERT INTO providers(prefix, name, contact, location, renewable, pue, token_hash, created_at)
                VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                ON CONFLICT(prefix) DO UPDATE SET name = excluded.name, contact = excluded.contact,
                  location = excluded.location, renewable = excluded.renewable, pue = excluded.pue,
                  token_hash = excluded.token_hash
                """)
            s.bind(1, p.prefix.description)
            s.bind(2, p.registration.name)
            s.bind(3, p.registration.contact)
            s.bind(4, p.registration.location)
            s.bind(5, p.registration.renewable)
            s.bind(6, p.registration.pue)
            s.bind(7, p.tokenHash)
            s.bind(8, p.createdAt.timeIntervalSince1970)
            try s.run()
        case .putResource(let r, let state):
            let s = try db.statement(
                """
                INSERT INTO resources(seq, id, provider, kind, arch, model, units, memory_gib, fp64, fp32, fp16, int8,
                  location, price, labels, renewable, version, created_at, updated_at, free_units, healthy, utilization,
                  heartbeat_at)
                VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)
                ON CONFLICT(id) DO UPDATE SET provider = excluded.provider, kind = excluded.kind, arch = excluded.arch,
                  model = excluded.model, units = excluded.units, memory_gib = excluded.memory_gib, fp64 = excluded.fp64,
                  fp32 = excluded.fp32, fp16 = excluded.fp16, int8 = excluded.int8, location = excluded.location,
                  price = excluded.price, labels = excluded.labels, renewable = excluded.renewable,
                  version = excluded.version, updated_at = excluded.updated_at, free_units = excluded.free_units,
                  healthy = excluded.healthy, utilization = excluded.utilization, heartbeat_at = excluded.heartbeat_at
                """)
            s.bind(1, Int64(r.seq))
            s.bind(2, r.id.string)
            s.bind(3, r.provider.description)
            s.bind(4, r.spec.kind.rawValue)
            s.bind(5, r.spec.arch)
            s.bind(6, r.spec.model)
            s.bind(7, r.spec.units)
            s.bind(8, r.spec.memoryGiB)
            s.bind(9, r.spec.tflops.fp64)
            s.bind(10, r.spec.tflops.fp32)
            s.bind(11, r.spec.tflops.fp16)
            s.bind(12, r.spec.tflops.int8)
            s.bind(13, r.spec.location)
            s.bind(14, r.spec.priceFenPerUnitHour)
            s.bind(15, LabelCoding.encode(r.spec.labels))
            s.bind(16, r.spec.renewable)
            s.bind(17, Int64(r.version))
            s.bind(18, r.createdAt.timeIntervalSince1970)
            s.bind(19, r.updatedAt.timeIntervalSince1970)
            s.bind(20, state.freeUnits)
            s.bind(21, state.healthy ? 1 : 0)
            s.bind(22, state.utilization)
            s.bind(23, state.heartbeatAt)
            try s.run()
        case .putState(let state):
            let s = try db.statement(
                "UPDATE resources SET free_units = ?2, healthy = ?3, utilization = ?4, heartbeat_at = ?5 WHERE id = ?1")
            s.bind(1, state.id)
            s.bind(2, state.freeUnits)
            s.bind(3, state.healthy ? 1 : 0)
            s.bind(4, state.utilization)
            s.bind(5, state.heartbeatAt)
            try s.run()
        case .deleteResource(let id):
            let s = try db.statement("DELETE FROM resources WHERE id = ?1")
            s.bind(1, id)
            try s.run()
        case .putConsumer(let c):
            let s = try db.statement(
                """
                INSERT INTO consumers(id, name, contact, token_hash, created_at) VALUES(?1, ?2, ?3, ?4, ?5)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, contact = excluded.contact, token_hash = excluded.token_hash
                """)
            s.bind(1, c.id)
            s.bind(2, c.registration.name)
            s.bind(3, c.registration.contact)
            s.bind(4, c.tokenHash)
            s.bind(5, c.createdAt.timeIntervalSince1970)
            try s.run()
        case .putTask(let t):
            let s = try db.statement(
                """
                INSERT INTO tasks(seq, id, consumer, state, spec, placement, events, created_at, updated_at, runtime)
                VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                ON CONFLICT(id) DO UPDATE SET state = excluded.state, spec = excluded.spec, placement = excluded.placement,
                  events = excluded.events, updated_at = excluded.updated_at, runtime = excluded.runtime
                """)
            s.bind(1, Int64(t.seq))
            s.bind(2, t.id)
            s.bind(3, t.consumer)
            s.bind(4, t.state)
            s.bind(5, t.specJSON)
            if let placement = t.placementJSON { s.bind(6, placement) }
            s.bind(7, t.eventsJSON)
            s.bind(8, t.createdAt.timeIntervalSince1970)
            s.bind(9, t.updatedAt.timeIntervalSince1970)
            s.bind(10, t.runtimeJSON)
            try s.run()
        case .putLatency(let o):
            let s = try db.statement(
                "INSERT INTO latency(from_code, to_code, rtt_ms) VALUES(?1, ?2, ?3) ON CONFLICT(from_code, to_code) DO UPDATE SET rtt_ms = excluded.rtt_ms")
            s.bind(1, o.from)
            s.bind(2, o.to)
            s.bind(3, o.rttMs)
            try s.run()
        }
    }

    public func close() async {
        _ = try? await onQueue { [connection] in connection.close() }
    }
}

/// Compact label encoding for storage: `key US value RS key US value …`, keys sorted.
/// Labels never contain control characters (validated on the way in), so this is unambiguous.
enum LabelCoding {
    static let unitSeparator: Character = "\u{1F}"
    static let recordSeparator: Character = "\u{1E}"

    static func encode(_ labels: [String: String]) -> String {
        labels.sorted { $0.key < $1.key }.map { "\($0.key)\(unitSeparator)\($0.value)" }
            .joined(separator: String(recordSeparator))
    }

    static func decode(_ text: String) -> [String: String] {
        guard !text.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for pair in text.split(separator: recordSeparator, omittingEmptySubsequences: true) {
            let parts = pair.split(separator: unitSeparator, maxSplits: 1, omittingEmptySubsequences: false)
            out[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return out
    }
}
