import Foundation
import SuanliClient
import SuanliCore
import Testing

/// Delivery between platform and agents is idempotent both ways: with no fault at all, every
/// one of many short tasks ends, and no command runs twice (issue 7, defects 1 and 2).
@Suite("Exactly once: many short tasks through two real agents", .serialized)
struct ExactlyOnceTests {
    @Test func tenThousandShortTasksEachRunOnceAndEnd() async throws {
        let count = Int(ProcessInfo.processInfo.environment["SUANLI_EXACTLY_ONCE_TASKS"] ?? "") ?? 10_000
        let data = TestPlatform.temporaryDirectory()
        let token = "once-operator-token-000000000"
        let server = try ServerProcess(data: data, token: token, extra: ["--heartbeat-interval", "1"])
        defer { server.stop() }
        let op = SuanliClient(server: server.url, token: token)
        let east = try await op.registerProvider(
            ProviderRegistration(name: "East", contact: "e", location: "city.shanghai", renewable: 0.2, pue: 1.3))
        let west = try await op.registerProvider(
            ProviderRegistration(name: "West", contact: "w", location: "cluster.guian", renewable: 0.8, pue: 1.2))
        let consumer = try await op.registerConsumer(ConsumerRegistration(name: "c"))
        let client = SuanliClient(server: server.url, token: consumer.token)
        // 64 CPU units each, from resource files (detection would register this machine's cores).
        var agents: [AgentProcess] = []
        for (name, provider, location) in [("a", east, "city.shanghai"), ("b", west, "cluster.guian")] {
            let file = data + "/\(name).json"
            let resources = #"[{"suffix":"cpu","spec":{"kind":"cpu","arch":"x86_64","model":"Test CPU","units":64,"memory_gib":4,"price_fen_per_unit_hour":10}}]"#
            try resources.write(toFile: file, atomically: true, encoding: .utf8)
            agents.append(
                try AgentProcess(
                    server: server.url, token: provider.token!, location: location, work: data + "/work-\(name)", heartbeat: 1,
                    extra: ["--no-detect", "--resource-file", file]))
        }
        defer { for agent in agents { agent.stop() } }
        #expect(try await eventually { try await op.stats().availableResources == 2 })

        let log = data + "/ran.log"
        let script = "echo $SUANLI_TASK_ID:$SUANLI_ATTEMPT >> \(log)"
        let spec = TaskSpec(
            name: "once", units: 1, accept: [TaskSpec.Alternative(kind: .cpu, run: TaskSpec.Run(command: ["sh", "-c", script]))])
        // 32 submitters, as the reliability probe did.
        let ids = try await withThrowingTaskGroup(of: [String].self) { group in
            for submitter in 0..<32 {
                group.addTask {
                    var mine: [String] = []
                    for _ in stride(from: submitter, to: count, by: 32) { mine.append(try await client.submit(spec).id) }
                    return mine
                }
            }
            var all: [String] = []
            for try await some in group { all += some }
            return all
        }
        #expect(ids.count == count)
        let ended = try await eventually(600) {
            let counts = try await op.stats()
            _ = counts
            var cursor: String? = nil
            var open = 0
            repeat {
                let page = try await op.tasks(limit: 1000, cursor: cursor)
                open += page.items.filter { !$0.state.isFinal }.count
                cursor = page.nextCursor
            } while cursor != nil
            return open == 0
        }
        #expect(ended, "every task ends")
        var succeeded = 0
        var others: [String] = []
        var cursor: String? = nil
        repeat {
            let page = try await op.tasks(limit: 1000, cursor: cursor)
            succeeded += page.items.filter { $0.state == .succeeded }.count
            for task in page.items where task.state != .succeeded {
                others.append("\(task.id) \(task.state.rawValue): \(task.events.map { "\($0.state.rawValue) \($0.message ?? "")" })")
            }
            cursor = page.nextCursor
        } while cursor != nil
        #expect(succeeded == count, "every task succeeds; not: \(others.prefix(5))")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        var runs: [Substring: Int] = [:]
        for line in lines { runs[line, default: 0] += 1 }
        let twice = runs.filter { $0.value > 1 }
        #expect(twice.isEmpty, "\(twice.count) commands ran more than once, e.g. \(twice.keys.prefix(5))")
        #expect(runs.count == count, "every task ran")
        #expect(!runs.keys.contains { !$0.hasSuffix(":1") }, "no task needed a second attempt")
    }
}
