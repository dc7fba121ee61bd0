import Foundation
import SuanliAgent
import SuanliClient
import SuanliCore
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The platform's data directory on a small tmpfs that fills up: writes are refused with
/// `503 unavailable` (never a 500, never a crash, nothing half-applied), reads keep working,
/// the platform accepts writes again by itself once space returns, and every acknowledged
/// write is there — also after a `kill -9` and a restart.
///
/// Needs root (`mount -t tmpfs`); skipped otherwise, except under `SUANLI_CI=1`.
@Suite("Fault: the disk fills up", .serialized)
struct DiskFullTests {
    /// Whether this process may mount a tmpfs (probed once).
    static let canMount: Bool = {
        let probe = TestPlatform.temporaryDirectory() + "/probe"
        guard (try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)) != nil,
            (try? ExternalTools.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe]))?.status == 0
        else { return false }
        _ = try? ExternalTools.run(["umount", probe])
        return true
    }()

    /// Fills the filesystem holding `path` with a file there until a write fails with ENOSPC; returns the bytes written.
    static func fill(_ path: String) throws -> Int {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ClientError(status: 0, code: "setup", message: "cannot create \(path): errno \(errno)") }
        defer { close(fd) }
        var total = 0
        for chunk in [1 << 20, 4096, 512] {
            let buffer = [UInt8](repeating: 0x5A, count: chunk)
            while true {
                let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress, chunk) }
                if n <= 0 { break }
                total += n
            }
        }
        return total
    }

    @Test(.enabled(if: ExternalTools.required || canMount, "needs root and mount -t tmpfs"))
    func writesAreRefusedWith503AndNothingAcknowledgedIsLost() async throws {
        let base = TestPlatform.temporaryDirectory()
        let data = base + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let mounted = try await ExternalTools.runDetached(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", data])
        try #require(mounted.status == 0, "mount -t tmpfs failed: \(mounted.stderr)")
        defer { _ = try? ExternalTools.run(["umount", "-l", data]) }
        let token = "diskfull-operator-token-000000"
        var server = try ServerProcess(data: data, token: token)
        defer { server.stop() }
        let op = SuanliClient(server: server.url, token: token)
        let provider = try await op.registerProvider(
            ProviderRegistration(name: "P", contact: "p", location: "cluster.horinger", renewable: 0.9, pue: 1.1))
        let prefix = provider.prefix.description
        let consumer = try await op.registerConsumer(ConsumerRegistration(name: "submitter"))
        let writers = Writers(
            operator: op, provider: SuanliClient(server: server.url, token: provider.token),
            consumer: SuanliClient(server: server.url, token: consumer.token), prefix: prefix)

        // Before: everything is acknowledged.
        for i in 0..<200 { await writers.write("before-\(i)") }
        #expect(writers.tally.withLock { $0.refused.isEmpty })

        // The disk fills while eight writers write; they go on until the platform has refused
        // enough (SQLite first uses the space its files already hold). Each write is
        // acknowledged or refused with 503.
        let ballast = data + "/ballast"
        let filled = try await withThrowingTaskGroup(of: Int.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    var i = 0
                    while writers.tally.withLock({ $0.refused.count < 60 }) && i < 500 {
                        await writers.write("during-\(lane)-\(i)")
                        i += 1
                    }
                    return 0
                }
            }
            group.addTask { try await ExternalTools.detached { try Self.fill(ballast) } }
            return try await group.reduce(0, +)
        }
        #expect(filled > 0)
        let (during, refusedCount) = writers.tally.withLock { ($0.acknowledged.count, $0.refused.count) }
        #expect(refusedCount >= 60, "writes were refused once the disk was full (\(during) acknowledged)")
        #expect(server.process.isRunning, "the platform survived the full disk")
        // Reads keep working.
        try await op.health()
        #expect(try await op.consumers().count >= 10)
        #expect(try await op.resolve("\(prefix)/before-0").id.description == "\(prefix)/before-0")

        // Space returns: the platform accepts writes again by itself.
        try FileManager.default.removeItem(atPath: ballast)
        let recovered = try await eventually(30) {
            (try? await op.registerConsumer(ConsumerRegistration(name: "after-probe"))) != nil
        }
        #expect(recovered, "writes succeed again once space returns")
        writers.tally.withLock { _ = $0.acknowledged.insert("consumer:after-probe") }
        for i in 0..<10 { await writers.write("after-\(i)") }
        let (acknowledged, refused) = writers.tally.withLock { ($0.acknowledged, $0.refused) }
        #expect(acknowledged.contains("task:after-9"))

        // Every acknowledged write is there, no refused one is, now and after kill -9 and a restart.
        func check(_ label: String, _ reader: SuanliClient) async throws {
            let consumers = Set(try await reader.consumers().map { "consumer:" + $0.name })
            let resourceKeys = acknowledged.union(refused).filter { $0.hasPrefix("resource:") }.sorted()
            let records = try await reader.resolve(batch: resourceKeys.map { String($0.dropFirst("resource:".count)) })
            var present = consumers
            for (key, record) in zip(resourceKeys, records) where record != nil { present.insert(key) }
            for task in try await PlatformCrashTests.allTasks(reader).values { present.insert("task:" + task.name) }
            let lost = acknowledged.subtracting(present)
            let halfApplied = refused.intersection(present)
            #expect(lost.isEmpty, "\(label): acknowledged writes lost: \(lost.sorted().prefix(5))")
            #expect(halfApplied.isEmpty, "\(label): refused writes applied: \(halfApplied.sorted().prefix(5))")
        }
        try await check("after recovery", op)
        server.kill9()
        server = try ServerProcess(data: data, token: token)
        try await check("after kill -9 and restart", SuanliClient(server: server.url, token: token))
        print("disk full test: \(acknowledged.count) writes acknowledged (\(during) before the refusals stopped them), \(refused.count) refused with 503, ballast \(filled) bytes")
    }
}

/// Writes of three kinds (a consumer, a resource, a task) and what became of each.
final class Writers: Sendable {
    struct Tally {
        var acknowledged: Set<String> = []
        var refused: Set<String> = []
    }
    let op: SuanliClient
    let provider: SuanliClient
    let consumer: SuanliClient
    let prefix: String
    let tally = Mutex(Tally())

    init(operator op: SuanliClient, provider: SuanliClient, consumer: SuanliClient, prefix: String) {
        self.op = op
        self.provider = provider
        self.consumer = consumer
        self.prefix = prefix
    }

    /// One write of each kind named `name`: each is acknowledged, or refused with `503 unavailable`; anything else is an issue.
    func write(_ name: String) async {
        let padding = String(repeating: "x", count: 100)
        let task = TaskSpec(
            name: name, units: 1, accept: [TaskSpec.Alternative(kind: .gpu, run: TaskSpec.Run(command: ["true", padding]))])
        let calls: [(String, () async throws -> Void)] = [
            ("consumer:" + name, { _ = try await self.op.registerConsumer(ConsumerRegistration(name: name)) }),
            ("resource:\(prefix)/\(name)", {
                _ = try await self.provider.putResource("\(self.prefix)/\(name)", gpuSpec(location: "cluster.horinger", labels: ["pad": padding]))
            }),
            ("task:" + name, { _ = try await self.consumer.submit(task) }),
        ]
        for (key, call) in calls {
            do {
                try await call()
                tally.withLock { _ = $0.acknowledged.insert(key) }
            } catch let error as ClientError where error.status == 503 && error.code == "unavailable" {
                tally.withLock { _ = $0.refused.insert(key) }
            } catch {
                Issue.record("\(key): neither acknowledged nor refused with 503: \(error)")
            }
        }
    }
}
