import Foundation
import SuanliClient
import SuanliCore
import Testing

/// The platform owns the lease: an agent cut off from the platform stops its work strictly
/// before the platform re-places it, whatever heartbeat interval each side was started with.
@Suite("Lease: no task runs twice at once under a partition", .serialized)
struct LeasePartitionTests {
    /// Platform and agent intervals, deliberately mismatched both ways.
    static let combinations: [(platform: Double, agent: Double)] = [(0.3, 5), (0.6, 0.1), (0.4, 0.4)]

    @Test(arguments: 0..<combinations.count)
    func cutOffAgentStopsBeforeTheTaskMoves(_ index: Int) async throws {
        let (platformInterval, agentInterval) = Self.combinations[index]
        let data = TestPlatform.temporaryDirectory()
        let token = "lease-operator-token-00000000"
        let server = try ServerProcess(data: data, token: token, extra: ["--heartbeat-interval", String(platformInterval)])
        defer { server.stop() }
        let port = Int(server.url.split(separator: ":").last!)!
        let proxy = try CuttableProxy(targetPort: port)
        defer { proxy.close() }
        let op = SuanliClient(server: server.url, token: token)
        let near = try await op.registerProvider(
            ProviderRegistration(name: "Near", contact: "n", location: "city.shanghai", renewable: 0.2, pue: 1.3))
        let far = try await op.registerProvider(
            ProviderRegistration(name: "Far", contact: "f", location: "cluster.guian", renewable: 0.8, pue: 1.2))
        let consumer = try await op.registerConsumer(ConsumerRegistration(name: "c"))
        let client = SuanliClient(server: server.url, token: consumer.token)

        // The near agent reaches the platform only through the proxy; the far one directly.
        let nearAgent = try AgentProcess(
            server: "http://127.0.0.1:\(proxy.port)", token: near.token!, location: "city.shanghai", work: data + "/near",
            heartbeat: agentInterval)
        defer { nearAgent.stop() }
        #expect(try await eventually { try await op.stats().availableResources == 1 })

        let trace = data + "/alive.log"
        let script = "while true; do echo \"$SUANLI_ATTEMPT $(date +%s%N)\" >> \(trace); sleep 0.02; done"
        var spec = TaskSpec(
            name: "lease", units: 1, accept: [TaskSpec.Alternative(kind: .cpu, run: TaskSpec.Run(command: ["sh", "-c", script]))])
        spec.maxRetries = 2
        let submitted = try await client.submit(spec)
        #expect(try await eventually { try await client.task(submitted.id).state == .running })

        let farAgent = try AgentProcess(
            server: server.url, token: far.token!, location: "cluster.guian", work: data + "/far", heartbeat: agentInterval)
        defer { farAgent.stop() }
        #expect(try await eventually { try await op.stats().availableResources == 2 })

        proxy.cut()
        // The platform declares the near provider lost and starts attempt 2 on the far one.
        let moved = try await eventually(30) {
            let task = try await client.task(submitted.id)
            return task.state == .running && task.placement?.parts.first?.resource.hasPrefix(far.prefix.description) == true
        }
        #expect(moved, "attempt 2 should run on the far provider")
        // Let a later attempt write (its first line can take a while on a loaded machine), then
        // read the trace. On a loaded machine the far agent may itself miss the platform's short
        // lease once and fence attempt 2 before its first line; the task then runs as attempt 3.
        let laterWrote = try await eventually(30) {
            ((try? String(contentsOfFile: trace, encoding: .utf8)) ?? "").split(separator: "\n").contains { !$0.hasPrefix("1 ") }
        }
        if !laterWrote {
            let events = (try? await client.task(submitted.id).events) ?? []
            Issue.record(
                "no attempt after the first wrote anything; the task's events: \(events.map { "\($0.state.rawValue) \($0.message ?? "")" })")
        }
        try await Task.sleep(for: .milliseconds(200))
        let lines = (try? String(contentsOfFile: trace, encoding: .utf8)) ?? ""
        var lastAlive: [Int: UInt64] = [:]
        var firstAlive: [Int: UInt64] = [:]
        for line in lines.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let attempt = Int(fields[0]), let at = UInt64(fields[1]) else { continue }
            lastAlive[attempt] = max(lastAlive[attempt] ?? 0, at)
            firstAlive[attempt] = min(firstAlive[attempt] ?? .max, at)
        }
        #expect(lastAlive[1] != nil, "attempt 1 never ran")
        #expect(lastAlive.keys.contains { $0 > 1 }, "no later attempt ran")
        // Never twice at once: every attempt's last line comes before any later attempt's first.
        let attempts = lastAlive.keys.sorted()
        for (i, earlier) in attempts.enumerated() {
            for later in attempts[(i + 1)...] {
                #expect(
                    lastAlive[earlier]! < firstAlive[later]!,
                    "attempt \(earlier) was still alive \(Double(Int64(lastAlive[earlier]!) - Int64(firstAlive[later]!)) / 1e6) ms after attempt \(later) started (platform \(platformInterval) s, agent \(agentInterval) s)"
                )
            }
        }
        _ = try? await client.cancel(submitted.id)
    }
}
