import Foundation
import SuanliClient
import SuanliCore
import Synchronization
import Testing

/// `kill -9` of the platform, repeated, while consumers submit and an agent runs tasks: every
/// acknowledged task survives with its spec, every task ends, no attempt of a task runs while
/// another is alive, and every acknowledged task ran.
@Suite("Fault: the platform killed with SIGKILL, repeatedly", .serialized)
struct PlatformCrashTests {
    /// Submissions and their answers, by task name.
    final class Ledger: Sendable {
        struct Entry: Sendable {
            var attempted: Set<String> = []
            var acknowledged: [String: String] = [:]  // name → id
        }
        let entries = Mutex(Entry())
    }

    @Test func acknowledgedTasksSurviveAndNoneRunsTwiceAtOnce() async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["SUANLI_CRASH_SEED"] ?? "") ?? 20_260_512
        var random = SeededGenerator(state: seed)
        let data = TestPlatform.temporaryDirectory()
        let token = "crash-operator-token-00000000"
        let interval = "0.5"  // lease 1.5 s, fence after 1 s
        var server = try ServerProcess(data: data, token: token, extra: ["--heartbeat-interval", interval])
        defer { server.stop() }
        let url = server.url
        let port = url.split(separator: ":").last.map(String.init)!
        let op = SuanliClient(server: url, token: token)
        let provider = try await op.registerProvider(
            ProviderRegistration(name: "P", contact: "p", location: "city.shanghai", renewable: 0.5, pue: 1.2))
        let consumer = try await op.registerConsumer(ConsumerRegistration(name: "c"))
        let client = SuanliClient(server: url, token: consumer.token)
        let resources = data + "/resources.json"
        try #"[{"suffix":"cpu","spec":{"kind":"cpu","arch":"x86_64","model":"Test CPU","units":16,"memory_gib":1,"price_fen_per_unit_hour":10}}]"#
            .write(toFile: resources, atomically: true, encoding: .utf8)
        let agent = try AgentProcess(
            server: url, token: provider.token!, location: "city.shanghai", work: data + "/work", heartbeat: 0.5,
            extra: ["--no-detect", "--resource-file", resources])
        defer { agent.stop() }
        #expect(try await eventually { try await op.stats().availableResources == 1 })

        let log = data + "/runs.log"
        let command = RunLog.command(path: log, ticks: 4, pause: 0.05)
        let ledger = Ledger()
        let submitters = 8
        let perSubmitter = 40
        // Each submitter's pauses, drawn up front from the seed (about 8 s of submissions).
        let pauses = (0..<submitters).map { _ in (0..<perSubmitter).map { _ in Double.random(in: 0...0.4, using: &random) } }
        let crashes = (0..<4).map { _ in (up: Double.random(in: 1...2.5, using: &random), down: Double.random(in: 0.1...2.2, using: &random)) }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for submitter in 0..<submitters {
                group.addTask {
                    for i in 0..<perSubmitter {
                        let name = "crash-\(submitter)-\(i)"
                        var spec = TaskSpec(
                            name: name, units: 1, accept: [TaskSpec.Alternative(kind: .cpu, run: TaskSpec.Run(command: command))])
                        spec.maxRetries = 10
                        ledger.entries.withLock { _ = $0.attempted.insert(name) }
                        do {
                            let submitted = try await client.submit(spec)
                            ledger.entries.withLock { $0.acknowledged[name] = submitted.id }
                        } catch let error as ClientError where (400..<500).contains(error.status) {
                            Issue.record("submission refused: \(error)")  // only outages may fail a submission
                        } catch {}
                        try await Task.sleep(for: .seconds(pauses[submitter][i]))
                    }
                }
            }
            // The crashes: kill -9 at seeded moments, restart on the same data and port.
            for crash in crashes {
                try await Task.sleep(for: .seconds(crash.up))
                server.kill9()
                try await Task.sleep(for: .seconds(crash.down))
                server = try await Self.restart(data: data, token: token, port: port, interval: interval)
            }
            try await group.waitForAll()
        }

        let (attempted, acknowledged) = ledger.entries.withLock { ($0.attempted, $0.acknowledged) }
        #expect(acknowledged.count >= submitters * perSubmitter / 4, "a good share of submissions were acknowledged: \(acknowledged.count)")
        var tasks: [String: TaskRecord] = [:]
        let ended = try await eventually(60) {
            tasks = try await Self.allTasks(op)
            return tasks.values.allSatisfy(\.state.isFinal)
        }
        let open = tasks.values.filter { !$0.state.isFinal }.map { "\($0.id) \($0.state.rawValue)" }
        #expect(ended, "every task ends; still open: \(open.prefix(10))")

        // Every acknowledged task exists with its spec; nothing exists that was not submitted, nothing twice.
        for (name, id) in acknowledged {
            let task = tasks[id]
            #expect(task?.name == name, "acknowledged \(id) (\(name)) is missing or changed")
            #expect(task?.spec.accept.first?.run.command == command)
        }
        let names = tasks.values.map(\.name)
        #expect(Set(names).isSubset(of: attempted), "tasks nobody submitted")
        #expect(Set(names).count == names.count, "a submission created two tasks")

        // Every task succeeded and ran; no attempt started twice, none overlapped another.
        let notSucceeded = tasks.values.filter { $0.state != .succeeded }.map { "\($0.id) \($0.state.rawValue): \($0.events.last?.message ?? "")" }
        #expect(notSucceeded.isEmpty, "\(notSucceeded.prefix(5))")
        let runs = RunLog(path: log)
        for id in tasks.keys {
            let attempts = runs.tasks[id] ?? [:]
            #expect(!attempts.isEmpty, "task \(id) never ran")
            let ranToEnd = attempts.values.contains { $0.ended }
            #expect(ranToEnd, "task \(id) succeeded but no attempt ran to its end")
        }
        let known = Set(tasks.keys)
        #expect(Set(runs.tasks.keys).isSubset(of: known), "a command ran for an unknown task")
        #expect(runs.repeatedStarts.isEmpty, "attempts started twice: \(runs.repeatedStarts.prefix(5))")
        #expect(runs.overlaps.isEmpty, "attempts alive at once: \(runs.overlaps.prefix(5))")
        let attemptsRun = runs.tasks.values.reduce(0) { $0 + $1.count }
        print("platform crash test: seed \(seed), \(tasks.count) tasks (\(acknowledged.count) acknowledged of \(attempted.count)), \(attemptsRun) attempts run, \(crashes.count) crashes")
    }

    /// Starts `suanli serve` again on the same data directory and port (retrying while the port is busy).
    static func restart(data: String, token: String, port: String, interval: String) async throws -> ServerProcess {
        var lastError: (any Error)?
        for _ in 0..<50 {
            do {
                return try ServerProcess(data: data, token: token, extra: ["--heartbeat-interval", interval, "--port", port])
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw lastError!
    }

    /// Every task, by id.
    static func allTasks(_ op: SuanliClient) async throws -> [String: TaskRecord] {
        var all: [String: TaskRecord] = [:]
        var cursor: String? = nil
        repeat {
            let page = try await op.tasks(limit: 1000, cursor: cursor)
            for task in page.items { all[task.id] = task }
            cursor = page.nextCursor
        } while cursor != nil
        return all
    }
}
