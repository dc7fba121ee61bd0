import Foundation
import Logging
import ServiceLifecycle
import SuanliClient
import SuanliCore
import SuanliServer
import SuanliStore
import Synchronization
import Testing

/// A real SQLite store whose writes can be made to fail, as a full or failing disk would.
final class FaultyStore: SuanliStore {
    let inner: SQLiteStore
    /// Writes fail while this is set.
    let failing = Mutex(false)
    /// Writes that reached the real store.
    let written = Mutex(0)
    /// Writes wait while this is set (a slow disk).
    let paused = Mutex(false)

    init(path: String) throws { inner = try SQLiteStore(path: path) }

    func forEach<R: StoreRecord>(_ type: R.Type, _ body: @escaping @Sendable (R) throws -> Void) async throws {
        try await inner.forEach(type, body)
    }

    func load<R: StoreRecord>(_ type: R.Type) async throws -> [R] { try await inner.load(type) }

    func apply(_ mutations: [StoreMutation]) async throws {
        while paused.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        if failing.withLock({ $0 }) { throw StoreError("disk I/O error (injected)") }
        try await inner.apply(mutations)
        written.withLock { $0 += 1 }
    }

    func close() async { await inner.close() }
}

/// After a failed commit every pending write fails with 503, none is acknowledged until memory
/// equals disk again, and nothing that was refused appears after the repair.
@Suite("Failed commits")
struct FailedCommitTests {
    @Test func writesFailUntilMemoryIsRebuiltAndRefusedWritesLeaveNoTrace() async throws {
        let directory = TestPlatform.temporaryDirectory()
        let store = try FaultyStore(path: directory + "/suanli.sqlite")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let platform = try await Platform.open(
            configuration: PlatformConfiguration(dataDirectory: directory, operatorToken: TestPlatform.operatorToken),
            store: store, logger: logger)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = PlatformServer(platform: platform, host: "127.0.0.1", port: 0, logger: logger) { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        let group = ServiceGroup(services: [server], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var port = 0
            for await p in ports { port = p }
            let op = SuanliClient(server: "http://127.0.0.1:\(port)", token: TestPlatform.operatorToken)
            _ = try await op.registerConsumer(ConsumerRegistration(name: "before"))

            // The disk fails: concurrent writes all fail with 503, none is acknowledged.
            store.failing.withLock { $0 = true }
            let outcomes = await withTaskGroup(of: Int.self) { writers in
                for i in 0..<20 {
                    writers.addTask {
                        do {
                            _ = try await op.registerConsumer(ConsumerRegistration(name: "during-\(i)"))
                            return 200
                        } catch let error as ClientError {
                            return error.status
                        } catch {
                            return -1
                        }
                    }
                }
                var all: [Int] = []
                for await status in writers { all.append(status) }
                return all
            }
            #expect(outcomes.allSatisfy { $0 == 503 }, "every write during the failure is refused: \(outcomes)")

            // The disk recovers: the platform rebuilds memory by itself and accepts writes again.
            store.failing.withLock { $0 = false }
            let recovered = try await eventually(10) {
                (try? await op.registerConsumer(ConsumerRegistration(name: "after"))) != nil
            }
            #expect(recovered)
            let names = try await op.consumers().map(\.name)
            #expect(names.contains("before"))
            #expect(names.contains("after"))
            #expect(!names.contains { $0.hasPrefix("during-") }, "refused writes left no trace: \(names)")

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await platform.close()
        // What is on disk agrees with what was acknowledged.
        let reopened = try SQLiteStore(path: directory + "/suanli.sqlite")
        let stored = try await reopened.loadConsumers().map(\.registration.name)
        await reopened.close()
        #expect(Set(stored).isSuperset(of: ["before", "after"]))
        #expect(!stored.contains { $0.hasPrefix("during-") })
    }
}
