import Foundation
import SuanliClient
import SuanliCore
import Testing

/// A split task whose parts land on one agent: each part runs, in a directory of its own.
@Suite("Split tasks on one agent", .serialized)
struct SplitTaskAgentTests {
    @Test func partsOfOneAttemptOnOneAgentAllRun() async throws {
        let data = TestPlatform.temporaryDirectory()
        let operatorToken = "split-operator-token-0000000"
        let server = try ServerProcess(data: data, token: operatorToken, extra: ["--heartbeat-interval", "0.5"])
        defer { server.stop() }
        let op = SuanliClient(server: server.url, token: operatorToken)
        let provider = try await op.registerProvider(
            ProviderRegistration(name: "Two nodes", contact: "n", location: "city.shanghai", renewable: 0.5, pue: 1.2))
        let consumer = SuanliClient(server: server.url, token: try await op.registerConsumer(ConsumerRegistration(name: "c")).token)
        // Two one-core resources on one agent.
        let resources = data + "/resources.json"
        let node = #"{"kind":"cpu","arch":"x86_64","model":"test core","units":1,"memory_gib":1}"#
        try Data(#"[{"suffix":"node-a","spec":\#(node)},{"suffix":"node-b","spec":\#(node)}]"#.utf8)
            .write(to: URL(fileURLWithPath: resources))
        let agent = try AgentProcess(
            server: server.url, token: provider.token!, location: "city.shanghai", work: data + "/work", heartbeat: 0.5,
            extra: ["--resource-file", resources, "--no-detect"])
        defer { agent.stop() }
        #expect(try await eventually { try await op.stats().availableResources == 2 })

        let out = data + "/parts.log"
        let split = TaskSpec(
            name: "split", units: 2, gang: false,
            accept: [
                TaskSpec.Alternative(
                    kind: .cpu,
                    run: TaskSpec.Run(command: ["sh", "-c", "echo \"$SUANLI_RESOURCE $(pwd)\" >> \(out); sleep 0.3; echo done-$SUANLI_RESOURCE"]))
            ])
        let submitted = try await consumer.submit(split)
        let finished = try await eventually(30) { try await consumer.task(submitted.id).state.isFinal }
        #expect(finished)
        let task = try await consumer.task(submitted.id)
        #expect(task.state == .succeeded, "\(task.events.map(\.message))")
        #expect(task.placement?.parts.count == 2)
        let lines = (try? String(contentsOfFile: out, encoding: .utf8))?.split(separator: "\n") ?? []
        #expect(lines.count == 2, "each part ran once: \(lines)")
        let directories = Set(lines.compactMap { $0.split(separator: " ").last })
        #expect(directories.count == 2, "each part ran in its own directory: \(lines)")
        let logs = try await consumer.logs(submitted.id)
        #expect(logs.contains("done-\(provider.prefix)/node-a") && logs.contains("done-\(provider.prefix)/node-b"), "\(logs)")
    }
}
