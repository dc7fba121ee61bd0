import Foundation
import SuanliAgent
import SuanliClient
import SuanliCore
import Testing

/// A `suanli agent` child process.
final class AgentProcess: Sendable {
    let process: ChildProcess

    init(server: String, token: String, location: String, work: String, heartbeat: Double, extra: [String] = []) throws {
        process = try ChildProcess([
            try suanliExecutable(), "agent", "--server", server, "--token", token, "--location", location, "--work-dir", work,
            "--heartbeat-interval", String(heartbeat), "--log-level", "warning",
        ] + extra)
    }

    func kill9() {
        process.signal(SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        guard process.isRunning else { return }
        process.signal(SIGINT)
        process.waitUntilExit()
    }
}

/// Whether a process whose command line contains `marker` exists.
func processExists(_ marker: String) -> Bool {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return false }
    for pid in entries where pid.allSatisfy(\.isNumber) {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
        let cmdline = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
        if cmdline.contains(marker) && !cmdline.contains("pgrep") { return true }
    }
    return false
}

/// Polls `condition` every 50 ms for up to `seconds`.
func eventually(_ seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

@Suite("End to end: platform and agents as processes", .serialized)
struct EndToEndTests {
    @Test func tasksRunAreCancelledMoveOnAgentLossAndAreMetered() async throws {
        let data = TestPlatform.temporaryDirectory()
        let operatorToken = "e2e-operator-token-00000000"
        let server = try ServerProcess(data: data, token: operatorToken, extra: ["--heartbeat-interval", "0.5"])
        defer { server.stop() }
        let op = SuanliClient(server: server.url, token: operatorToken)
        let east = try await op.registerProvider(
            ProviderRegistration(name: "East", contact: "e", location: "city.shanghai", renewable: 0.2, pue: 1.3))
        let west = try await op.registerProvider(
            ProviderRegistration(name: "West", contact: "w", location: "cluster.guian", renewable: 0.8, pue: 1.2))
        let consumerRecord = try await op.registerConsumer(ConsumerRegistration(name: "alice"))
        let alice = SuanliClient(server: server.url, token: consumerRecord.token)
        var agentA: AgentProcess? = try AgentProcess(
            server: server.url, token: east.token!, location: "city.shanghai", work: data + "/work-a", heartbeat: 0.5)
        let agentB = try AgentProcess(
            server: server.url, token: west.token!, location: "cluster.guian", work: data + "/work-b", heartbeat: 0.5)
        defer {
            agentA?.stop()
            agentB.stop()
        }
        let bothUp = try await eventually { try await op.stats().availableResources == 2 }
        #expect(bothUp)

        func spec(_ name: String, _ script: String, closestTo: String = "city.shanghai") -> TaskSpec {
            TaskSpec(
                name: name, units: 1,
                accept: [TaskSpec.Alternative(kind: .cpu, run: TaskSpec.Run(command: ["sh", "-c", script]))],
                dataLocation: closestTo, objective: .closest)
        }
        func state(_ id: String) async throws -> TaskState { try await alice.task(id).state }

        // 1. A task really runs; its output comes back.
        let hello = try await alice.submit(spec("hello", "echo hello-$SUANLI_ATTEMPT-$SUANLI_TASK_ID"))
        #expect(try await eventually { try await state(hello.id) == .succeeded })
        #expect(try await alice.logs(hello.id).contains("hello-1-\(hello.id)"))
        #expect(try await alice.task(hello.id).placement?.parts.first?.resource.hasPrefix(east.prefix.description + "/") == true)
        // The other site, by its data location.
        let there = try await alice.submit(spec("there", "echo west", closestTo: "city.guiyang"))
        #expect(try await eventually { try await state(there.id) == .succeeded })
        #expect(try await alice.task(there.id).placement?.parts.first?.resource.hasPrefix(west.prefix.description + "/") == true)

        // 2. Cancelling a running task kills its process.
        let long = try await alice.submit(spec("long", "sleep 3001"))
        #expect(try await eventually { try await state(long.id) == .running })
        #expect(try await eventually { processExists("sleep 3001") })
        _ = try await alice.cancel(long.id)
        #expect(try await eventually { !processExists("sleep 3001") }, "the cancelled task's process is gone")

        // 3. kill -9 the agent running a task: it becomes lost and runs again elsewhere as attempt 2.
        let moving = try await alice.submit(
            spec("moving", "echo attempt=$SUANLI_ATTEMPT; if [ \"$SUANLI_ATTEMPT\" = 1 ]; then exec sleep 3002; fi"))
        #expect(try await eventually { try await state(moving.id) == .running })
        #expect(try await eventually { processExists("sleep 3002") })
        agentA?.kill9()
        #expect(try await eventually(30) { try await state(moving.id) == .succeeded }, "re-placed and completed")
        let moved = try await alice.task(moving.id)
        #expect(moved.events.contains { $0.state == .lost })
        #expect(moved.placement?.parts.first?.resource.hasPrefix(west.prefix.description + "/") == true)
        #expect(try await alice.logs(moving.id).contains("attempt=2"))
        // The first attempt died with its agent (see AgentCrashTests); the agent comes back.
        #expect(!processExists("sleep 3002"), "the first attempt outlived its killed agent")
        agentA = try AgentProcess(
            server: server.url, token: east.token!, location: "city.shanghai", work: data + "/work-a", heartbeat: 0.5)
        #expect(try await eventually { try await alice.logs(moving.id, attempt: 1).contains("attempt=1") }, "attempt 1's output")

        // 4. Metering: every part of every attempt, in integer fen, visible by role.
        let usage = try await alice.usage()
        #expect(Set(usage.items.map(\.task)) == Set([hello.id, there.id, long.id, moving.id]))
        #expect(usage.items.filter { $0.task == moving.id }.map(\.attempt).sorted() == [1, 2])
        for item in usage.items {
            let unitMillis = Int64((item.unitSeconds * 1000).rounded())
            #expect(item.amountFen == (unitMillis * item.priceFenPerUnitHour + 3_599_999) / 3_600_000)
            #expect(item.end >= item.start)
        }
        #expect(usage.totals.amountFen == usage.items.reduce(0) { $0 + $1.amountFen })
        let eastUsage = try await SuanliClient(server: server.url, token: east.token).usage()
        #expect(eastUsage.items.allSatisfy { $0.provider == east.prefix.description })
        #expect(try await op.usage().items.count == usage.items.count)
    }
}
