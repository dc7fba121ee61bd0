import Foundation
import SuanliAgent
import SuanliClient
import SuanliCore
import Testing

/// `kill -9` of an agent while its tasks run: its jobs die with it (a dead agent cannot fence
/// them), the platform declares the attempts lost after the lease and places them again — on
/// another agent, or on the same one restarted — and no attempt overlaps the killed agent's.
/// An agent cut off from the platform (alive, unreachable) is covered by `LeasePartitionTests`.
@Suite("Fault: an agent killed with SIGKILL", .serialized)
struct AgentCrashTests {
    static let token = "agent-crash-operator-token-0000"

    /// A resource file of `units` CPU units.
    static func resourceFile(_ path: String, units: Int) throws -> String {
        try #"[{"suffix":"cpu","spec":{"kind":"cpu","arch":"x86_64","model":"Test CPU","units":\#(units),"memory_gib":1,"price_fen_per_unit_hour":10}}]"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// PIDs of live processes whose command line contains `marker`.
    static func processes(containing marker: String) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] != "Z"
            else { return nil }
            let cmdline = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return cmdline.contains(marker) ? pid : nil
        }
    }

    @Test func jobsDieWithTheirAgentAndMoveToAnotherWithoutOverlap() async throws {
        let data = TestPlatform.temporaryDirectory()
        let server = try ServerProcess(data: data, token: Self.token, extra: ["--heartbeat-interval", "0.5"])
        defer { server.stop() }
        let op = SuanliClient(server: server.url, token: Self.token)
        let east = try await op.registerProvider(
            ProviderRegistration(name: "East", contact: "e", location: "city.shanghai", renewable: 0.2, pue: 1.3))
        let west = try await op.registerProvider(
            ProviderRegistration(name: "West", contact: "w", location: "cluster.guian", renewable: 0.8, pue: 1.2))
        let consumer = try await op.registerConsumer(ConsumerRegistration(name: "c"))
        let client = SuanliClient(server: server.url, token: consumer.token)
        let first = try AgentProcess(
            server: server.url, token: east.token!, location: "city.shanghai", work: data + "/east", heartbeat: 0.5,
            extra: ["--no-detect", "--resource-file", try Self.resourceFile(data + "/east.json", units: 3)])
        defer { first.stop() }
        #expect(try await eventually { try await op.stats().availableResources == 1 })

        // Three tasks that tick until stopped, each with a child (`sleep`) of its own.
        let log = data + "/runs.log"
        let command = RunLog.command(path: log, ticks: 1_000_000, pause: 0.05)
        var ids: [String] = []
        for i in 0..<3 {
            var spec = TaskSpec(name: "tick-\(i)", units: 1, accept: [TaskSpec.Alternative(kind: .cpu, run: TaskSpec.Run(command: command))])
            spec.maxRetries = 3
            ids.append(try await client.submit(spec).id)
        }
        for id in ids { #expect(try await eventually { try await client.task(id).state == .running }) }
        #expect(try await eventually { Self.processes(containing: log).count >= 3 })
        let second = try AgentProcess(
            server: server.url, token: west.token!, location: "cluster.guian", work: data + "/west", heartbeat: 0.5,
            extra: ["--no-detect", "--resource-file", try Self.resourceFile(data + "/west.json", units: 3)])
        defer { second.stop() }
        #expect(try await eventually { try await op.stats().availableResources == 2 })

        // Only the first agent's jobs run now; they must die with it.
        let orphans = Self.processes(containing: log)
        first.kill9()
        #expect(
            try await eventually(10) { Set(Self.processes(containing: log)).isDisjoint(with: orphans) },
            "the killed agent's jobs still run")

        // The platform re-places each attempt on the second agent, as attempt 2.
        for id in ids {
            let moved = try await eventually(30) {
                let task = try await client.task(id)
                return task.state == .running && task.placement?.parts.first?.resource.hasPrefix(west.prefix.description + "/") == true
            }
            #expect(moved, "task \(id) should run on the second agent")
        }
        #expect(try await eventually { ids.allSatisfy { (RunLog(path: log).tasks[$0]?[2]?.last ?? 0) > 0 } })
        let runs = RunLog(path: log)
        #expect(runs.overlaps.isEmpty, "attempts alive at once: \(runs.overlaps)")
        #expect(runs.repeatedStarts.isEmpty, "\(runs.repeatedStarts)")
        for id in ids {
            #expect(runs.tasks[id]?[1]?.ended == false, "attempt 1 of \(id) was killed, not finished")
            #expect(try await client.task(id).events.contains { $0.state == .lost })
        }
        for id in ids { _ = try? await client.cancel(id) }
        #expect(try await eventually { Self.processes(containing: log).isEmpty }, "cancelled jobs stopped")
    }

    @Test func aRestartedAgentRunsItsLostAttemptsAgainAndNothingFails() async throws {
        let data = TestPlatform.temporaryDirectory()
        let server = try ServerProcess(data: data, token: Self.token, extra: ["--heartbeat-interval", "0.5"])
        defer { server.stop() }
        let op = SuanliClient(server: server.url, token: Self.token)
        let provider = try await op.registerProvider(
            ProviderRegistration(name: "P", contact: "p", location: "city.shanghai", renewable: 0.2, pue: 1.3))
        let consumer = try await op.registerConsumer(ConsumerRegistration(name: "c"))
        let client = SuanliClient(server: server.url, token: consumer.token)
        let resources = try Self.resourceFile(data + "/p.json", units: 4)
        func startAgent() throws -> AgentProcess {
            try AgentProcess(
                server: server.url, token: provider.token!, location: "city.shanghai", work: data + "/work", heartbeat: 0.5,
                extra: ["--no-detect", "--resource-file", resources])
        }
        var agent = try startAgent()
        defer { agent.stop() }
        #expect(try await eventually { try await op.stats().availableResources == 1 })

        // Four tasks of about 2 s; the agent is killed while they run and restarted at once,
        // well within the lease: its executor's records name processes that are gone.
        let log = data + "/runs.log"
        let command = RunLog.command(path: log, ticks: 40, pause: 0.05)
        var ids: [String] = []
        for i in 0..<4 {
            var spec = TaskSpec(name: "short-\(i)", units: 1, accept: [TaskSpec.Alternative(kind: .cpu, run: TaskSpec.Run(command: command))])
            spec.maxRetries = 3
            ids.append(try await client.submit(spec).id)
        }
        #expect(try await eventually { Self.processes(containing: log).count >= 4 })
        let orphans = Self.processes(containing: log)
        agent.kill9()
        agent = try startAgent()
        #expect(
            try await eventually(10) { Set(Self.processes(containing: log)).isDisjoint(with: orphans) },
            "the killed agent's jobs still run")

        // Each task ends, succeeded, by a second attempt on the restarted agent.
        for id in ids {
            #expect(try await eventually(30) { try await client.task(id).state.isFinal })
            let task = try await client.task(id)
            #expect(task.state == .succeeded, "\(id): \(task.events.map { "\($0.state.rawValue) \($0.message ?? "")" })")
        }
        let runs = RunLog(path: log)
        #expect(runs.overlaps.isEmpty, "attempts alive at once: \(runs.overlaps)")
        #expect(runs.repeatedStarts.isEmpty, "\(runs.repeatedStarts)")
        for id in ids {
            #expect(runs.tasks[id]?[1]?.ended == false, "attempt 1 of \(id) died with its agent")
            #expect(runs.tasks[id]?[2]?.ended == true, "attempt 2 of \(id) ran to its end")
        }
        // The restarted agent ends the records of the killed one's jobs once it has seen them end.
        var left: [String] = []
        #expect(
            try await eventually(10) {
                let records = try await ProcessExecutor(configuration: .init(stateDirectory: data + "/work/.jobs")).recover()
                left = records.map(\.key.description)
                return left.isEmpty
            },
            "no record of a dead job is left behind: \(left)")
    }
}
