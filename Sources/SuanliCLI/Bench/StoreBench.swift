import ArgumentParser
import Foundation
import Logging
import SuanliCore
import SuanliPostgres
import SuanliStore

/// `suanli bench store`: the store alone, SQLite against PostgreSQL, with the same writes and reads.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "The durable store alone: SQLite (a temporary file) against PostgreSQL (--database), same operations.",
        discussion: """
            Runs on each store: sequential one-row commits (what one acknowledged write costs), \
            batches of 100 resource upserts (group commit), a streamed load of every resource, and \
            indexed audit queries; prints operations/s for each and the ratio PostgreSQL/SQLite. \
            PostgreSQL runs in a schema of its own, dropped afterwards.
            """)

    // No default value: help would print it, and the URL may hold a password.
    @Option(name: .customLong("database"), help: "PostgreSQL URL (default: $SUANLI_DATABASE_URL).")
    var databaseOption: String?
    @Option(help: "Sequential one-row commits.") var commits = 300
    @Option(help: "Batches of 100 resource upserts.") var batches = 20
    @Option(help: "Audit queries.") var queries = 300

    func validate() throws {
        guard (10...100_000).contains(commits), (1...1000).contains(batches), (10...100_000).contains(queries) else {
            throw ValidationError("--commits and --queries must be between 10 and 100000, --batches between 1 and 1000")
        }
    }

    func run() async throws {
        guard let url = databaseOption ?? ProcessInfo.processInfo.environment["SUANLI_DATABASE_URL"], !url.isEmpty else {
            throw ValidationError("bench store needs a PostgreSQL URL: --database postgres://USER[:PW]@HOST[:PORT]/DB (scripts/postgres-up.sh starts one)")
        }
        let database: PostgresConfiguration
        do { database = try PostgresConfiguration(url: url) } catch { throw ValidationError("--database: \(error.message)") }
        var logger = Logger(label: "bench.store")
        logger.logLevel = .error

        let directory = NSTemporaryDirectory() + "suanli-bench-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sqlite = try SQLiteStore(path: directory + "/suanli.sqlite")
        let sqliteFigures = try await measure(sqlite)
        await sqlite.close()

        let schema = "bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let postgresFigures: [(String, Double)]
        do {
            postgresFigures = try await PostgresStore.withStore(database.with(schema: String(schema)), logger: logger) { store in
                let figures = try await measure(store)
                _ = try await store.query("DROP SCHEMA \"\(schema)\" CASCADE")
                return figures
            }
        } catch let error as StoreError {
            throw ValidationError(error.message)
        }
        print("operation                          SQLite/s   PostgreSQL/s   PostgreSQL/SQLite")
        for ((name, a), (_, b)) in zip(sqliteFigures, postgresFigures) {
            print(
                name.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "%9.0f   %12.0f   %9.2f×", a, b, b / a))
        }
        print("(SQLite: WAL, synchronous=FULL, in \(NSTemporaryDirectory()); PostgreSQL: \(database.redactedURL), schema \(schema))")
    }

    /// Operations per second of each step on `store`.
    private func measure(_ store: any SuanliStore) async throws -> [(String, Double)] {
        let clock = ContinuousClock()
        func rate(_ count: Int, _ body: () async throws -> Void) async throws -> Double {
            let start = clock.now
            try await body()
            let elapsed = clock.now - start
            return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        let t0 = Date(timeIntervalSince1970: 1_795_300_000)
        let commitRate = try await rate(commits) {
            for i in 0..<commits { try await store.apply([.setMeta(key: "bench", value: String(i))]) }
        }
        let prefix = try Prefix(parsing: "86.1.1")
        try await store.apply([
            .putProvider(
                StoredProvider(
                    prefix: prefix, registration: ProviderRegistration(name: "bench", contact: "ops@example.cn", location: "cluster.zhongwei", renewable: 0.5, pue: 1.2),
                    tokenHash: "", createdAt: t0))
        ])
        let batchRate = try await rate(batches * 100) {
            for b in 0..<batches {
                try await store.apply(
                    (0..<100).map { i in
                        let n = b * 100 + i
                        let resource = StoredResource(
                            id: try! Identifier(parsing: "86.1.1/node-\(n)"), seq: UInt64(n + 1), provider: prefix,
                            spec: ResourceSpec(
                                kind: .gpu, arch: "x86_64", model: "NVIDIA H100-SXM5-80GB", units: 8, memoryGiB: 80,
                                tflops: TFLOPS(fp16: 989), location: "cluster.zhongwei", priceFenPerUnitHour: 2200, labels: ["n": String(n)]),
                            version: 1, createdAt: t0, updatedAt: t0)
                        return .putResource(resource, StoredState(id: resource.id.string, freeUnits: 8, healthy: true, utilization: nil, heartbeatAt: 1_795_300_000))
                    })
            }
        }
        let loadRate = try await rate(batches * 100) {
            try await store.forEachResource { _, _ in }
        }
        try await store.apply(
            (1...2000).map { i in
                .put(
                    AuditEntry(
                        id: Int64(i), at: t0.addingTimeInterval(Double(i)), token: "tk_\(i % 20)", role: "consumer", owner: "c\(i % 20)",
                        action: "POST /v1/tasks", target: ["id": "t\(i)"], from: "127.0.0.1", status: 201, error: nil))
            })
        let queryRate = try await rate(queries) {
            for q in 0..<queries {
                _ = try await store.select(
                    AuditEntry.self, StoreQuery([.compare("owner", .equal, .text("c\(q % 20)"))], order: [.init("seq", descending: true)], limit: 50))
            }
        }
        return [
            ("one-row commits", commitRate), ("resource upserts (batches of 100)", batchRate),
            ("resources loaded (streamed)", loadRate), ("audit queries (owner, newest 50)", queryRate),
        ]
    }
}
