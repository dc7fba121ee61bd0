import Foundation
import Logging
import ServiceLifecycle
import SuanliClient
import SuanliCore
import SuanliPostgres
import SuanliServer
import SuanliStore
import Synchronization
import Testing

/// What the writers of ``PostgresRestartTests`` saw, and when they stop.
private final class Load: Sendable {
    let outcomes = Mutex<[(name: String, status: Int)]>([])
    let stop = Atomic<Bool>(false)
}

/// PostgreSQL restarted under load: while it is down every write is refused with 503 and none
/// is half-applied; when it is back the platform recovers by itself. The test runs a cluster of
/// its own (scripts/postgres-up.sh on another port and directory), so it disturbs no other test.
@Suite("PostgreSQL restarted under load", .serialized)
struct PostgresRestartTests {
    static let initdb = "/usr/lib/postgresql/15/bin/initdb"

    /// Runs `scripts/COMMAND` with its output in a file, not a pipe: the server it starts must
    /// not hold the test's pipes open. Returns the status and the output (the URL last).
    static func script(_ command: String, _ environment: [String: String]) async throws -> (status: Int32, output: String) {
        let log = environment["SUANLI_PG_DIR"]! + ".log"
        let result = try await ExternalTools.runDetached(["bash", "-c", "bash scripts/\(command) >'\(log)' 2>&1"], environment: environment)
        return (result.status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    // Once off by default: in about one run in three a write hung after PostgreSQL stopped. The cause was
    // postgres-nio answering no query written to a connection the server had just cut (PostgresStore.checkOpen).
    // SUANLI_TEST_PG_RESTART_LOG=1 prints the platform's notices and errors.
    @Test(.timeLimit(.minutes(2)), ExternalTools.needs("PostgreSQL 15 (Debian's postgresql)", ExternalTools.executable(initdb)))
    func writesFailWith503WhileDownAndTheStoreRecovers() async throws {
        let directory = TestPlatform.temporaryDirectory()
        let port = Int.random(in: 56_000..<60_000)
        let environment = ["SUANLI_PG_DIR": directory + "/pg", "SUANLI_PG_PORT": String(port)]
        let up = try await Self.script("postgres-up.sh", environment)
        defer { _ = try? ExternalTools.run(["bash", "-c", "bash scripts/postgres-down.sh >/dev/null 2>&1"], environment: environment) }
        try #require(up.status == 0, "postgres-up: \(up.output)")
        let url = try #require(up.output.split(separator: "\n").last.map(String.init))

        var database = try PostgresConfiguration(url: url)
        database.connectionTimeout = .seconds(5)  // 2 s was passed under CI load by a debug build's SCRAM handshake
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["SUANLI_TEST_PG_RESTART_LOG"] == "1" ? .notice : .critical
        let store = PostgresStore(database, logger: logger)
        let load = Load()
        try await withThrowingTaskGroup(of: Void.self) { pool in
            pool.addTask { await store.run() }
            try await store.open()
            let platform = try await Platform.open(
                configuration: PlatformConfiguration(dataDirectory: directory, operatorToken: TestPlatform.operatorToken), store: store,
                logger: logger)
            let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
            let server = PlatformServer(platform: platform, host: "127.0.0.1", port: 0, logger: logger) { port in
                portContinuation.yield(port)
                portContinuation.finish()
            }
            let group = ServiceGroup(services: [server], logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var httpPort = 0
                for await p in ports { httpPort = p }
                let op = SuanliClient(server: "http://127.0.0.1:\(httpPort)", token: TestPlatform.operatorToken)
                _ = try await op.registerConsumer(ConsumerRegistration(name: "before"))

                // Load: writers register consumers until told to stop, noting what each answer was.
                try await withThrowingTaskGroup(of: Void.self) { writers in
                    for w in 0..<4 {
                        writers.addTask {
                            var i = 0
                            while !load.stop.load(ordering: .relaxed) {
                                let name = "load-\(w)-\(i)"
                                i += 1
                                let status: Int
                                do {
                                    _ = try await op.registerConsumer(ConsumerRegistration(name: name))
                                    status = 200
                                } catch let error as ClientError {
                                    status = error.status
                                }
                                load.outcomes.withLock { $0.append((name, status)) }
                                if status != 200 { try await Task.sleep(for: .milliseconds(20)) }
                            }
                        }
                    }
                    func count(_ predicate: (Int) -> Bool) -> Int { load.outcomes.withLock { $0.filter { predicate($0.status) }.count } }
                    #expect(try await eventually(30) { count { $0 == 200 } >= 8 }, "writes succeed before the restart")

                    // PostgreSQL stops (fast shutdown: sessions are cut, open transactions roll back).
                    let down = try await Self.script("postgres-down.sh --keep", environment)
                    try #require(down.status == 0, "postgres-down: \(down.output)")
                    #expect(try await eventually(30) { count { $0 == 503 } >= 8 }, "writes are refused with 503 while it is down")
                    let acknowledgedWhileDown = count { $0 == 200 }

                    // PostgreSQL is back: the platform recovers by itself and writes are acknowledged again.
                    let again = try await Self.script("postgres-up.sh --again", environment)
                    try #require(again.status == 0, "postgres-up --again: \(again.output)")
                    #expect(try await eventually(60) { count { $0 == 200 } >= acknowledgedWhileDown + 8 }, "writes succeed after the restart")
                    load.stop.store(true, ordering: .relaxed)
                    try await writers.waitForAll()
                }

                let statuses = Set(load.outcomes.withLock { $0.map(\.status) })
                #expect(statuses.isSubset(of: [200, 503]), "only 200 and 503: \(statuses)")
                // Memory agrees with what was acknowledged: the reload after the failed commit lost none of it.
                let listed = Set(try await op.consumers().map(\.name))
                let acknowledgedNames = Set(load.outcomes.withLock { $0.filter { $0.status == 200 }.map(\.name) }).union(["before"])
                #expect(
                    acknowledgedNames.subtracting(listed).isEmpty,
                    "acknowledged but not listed by GET /v1/consumers: \(acknowledgedNames.subtracting(listed).sorted())")

                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            await platform.close()
            pool.cancelAll()
        }

        // What PostgreSQL holds agrees with what was acknowledged (read with a fresh pool).
        try await PostgresStore.withStore(database, logger: logger) { fresh in
            let stored = Set(try await fresh.loadConsumers().map(\.registration.name))
            let all = load.outcomes.withLock { $0 }
            let acknowledged = Set(all.filter { $0.status == 200 }.map(\.name)).union(["before"])
            let refused = Set(all.filter { $0.status == 503 }.map(\.name))
            #expect(acknowledged.subtracting(stored).isEmpty, "acknowledged but not stored: \(acknowledged.subtracting(stored).sorted())")
            #expect(stored.intersection(refused).isEmpty, "refused but stored: \(stored.intersection(refused).sorted())")
        }
    }
}
