import Foundation
import SuanliAgent
import SuanliClient
import SuanliCore
import Testing

/// Spot pricing and preemption with a real server and a real agent running real processes:
/// a preemptible task pays the spot price, a non-preemptible task takes its units (SIGTERM,
/// the agent's `SUANLI_PREEMPT_NOTICE_S`, then SIGKILL), and the preempted task resumes as its
/// next attempt in the same checkpoint directory; usage shows both parts.
@Suite("Spot pricing and preemption", .serialized)
struct SpotPreemptionTests {
    /// A `suanli agent` child process with `SUANLI_PREEMPT_NOTICE_S` set.
    final class NoticeAgent: Sendable {
        let process: ChildProcess

        init(server: String, token: String, work: String, resources: String, notice: String) throws {
            var environment = ProcessInfo.processInfo.environment
            environment["SUANLI_PREEMPT_NOTICE_S"] = notice
            process = try ChildProcess([
                try suanliExecutable(), "agent", "--server", server, "--token", token, "--location", "city.shanghai", "--work-dir", work,
                "--heartbeat-interval", "0.5", "--log-level", "warning", "--resource-file", resources, "--no-detect",
            ], environment: environment)
        }

        func stop() {
            guard process.isRunning else { return }
            process.signal(SIGINT)
            process.waitUntilExit()
        }
    }

    @Test func aSpotTaskIsPreemptedByANonPreemptibleOneAndResumes() async throws {
        let data = TestPlatform.temporaryDirectory()
        let operatorToken = "spot-operator-token-000000000"
        let server = try ServerProcess(data: data, token: operatorToken, extra: ["--heartbeat-interval", "0.5"])
        defer { server.stop() }
        let op = SuanliClient(server: server.url, token: operatorToken)
        let provider = try await op.registerProvider(
            ProviderRegistration(name: "Spot node", contact: "s", location: "city.shanghai", renewable: 0.5, pue: 1.2))
        let consumer = SuanliClient(server: server.url, token: try await op.registerConsumer(ConsumerRegistration(name: "c")).token)
        // One one-core resource: 100 fen per unit-hour, 20 at the spot price.
        let resources = data + "/resources.json"
        let node =
            #"{"kind":"cpu","arch":"x86_64","model":"spot core","units":1,"memory_gib":1,"price_fen_per_unit_hour":100,"pricing":{"model":"spot","spot_fen_per_unit_hour":20}}"#
        try Data(#"[{"suffix":"node","spec":\#(node)}]"#.utf8).write(to: URL(fileURLWithPath: resources))
        let agent = try NoticeAgent(server: server.url, token: provider.token!, work: data + "/work", resources: resources, notice: "1")
        defer { agent.stop() }
        #expect(try await eventually { try await op.stats().availableResources == 1 })

        // Attempt 1 checkpoints, then runs until killed: it records SIGTERM with the notice it was
        // given and goes on, so only SIGKILL after the notice ends it. Attempt 2 finds the
        // checkpoint and ends.
        let out = data + "/spot.log"
        let pidFile = data + "/spot.pid"
        let script = """
            trap 'echo "term attempt=$SUANLI_ATTEMPT notice=$SUANLI_PREEMPT_NOTICE_S" >> \(out)' TERM
            if [ -f "$SUANLI_CHECKPOINT_DIR/step" ]; then
              echo "resumed attempt=$SUANLI_ATTEMPT from=$(cat "$SUANLI_CHECKPOINT_DIR/step")" >> \(out); exit 0
            fi
            echo 1 > "$SUANLI_CHECKPOINT_DIR/step"
            echo $$ > \(pidFile)
            echo "started attempt=$SUANLI_ATTEMPT" >> \(out)
            sleep 60 & wait
            echo "still running after SIGTERM" >> \(out)
            sleep 60 & wait
            echo "not killed" >> \(out)
            """
        var spotSpec = TaskSpec(
            name: "spot", units: 1, accept: [TaskSpec.Alternative(kind: .cpu, run: TaskSpec.Run(command: ["sh", "-c", script]))],
            maxRetries: 0)  // a preemption does not use up a retry
        spotSpec.preemptible = true
        let spot = try await consumer.submit(spotSpec)
        #expect(try await eventually(30) { (try? String(contentsOfFile: out, encoding: .utf8))?.contains("started attempt=1") == true })
        #expect(try await eventually { try await consumer.task(spot.id).state == .running })
        #expect(try await consumer.task(spot.id).placement?.parts.first?.priceFenPerUnitHour == 20, "a preemptible task pays the spot price")

        // A non-preemptible task that fits nowhere else takes the unit; its job starts only once
        // the preempted job is gone (it records whether that process still exists).
        let urgentScript = "if kill -0 $(cat \(pidFile)) 2>/dev/null; then echo urgent-start-spot-alive; else echo urgent-start-spot-gone; fi >> \(out)"
        let urgent = try await consumer.submit(
            TaskSpec(name: "urgent", units: 1, accept: [TaskSpec.Alternative(kind: .cpu, run: TaskSpec.Run(command: ["sh", "-c", urgentScript]))]))
        #expect(try await eventually(30) { try await consumer.task(urgent.id).state == .succeeded })
        let urgentRecord = try await consumer.task(urgent.id)
        #expect(urgentRecord.placement?.parts.first?.priceFenPerUnitHour == 100, "a non-preemptible task never pays the spot price")
        #expect(urgentRecord.events.contains { $0.state == .scheduled && $0.message?.hasSuffix("(preempting \(spot.id))") == true },
            "\(urgentRecord.events.map { "\($0.state) \($0.message ?? "")" })")

        // The spot task got SIGTERM with the notice, was requeued and resumed from its checkpoint.
        #expect(try await eventually(30) { try await consumer.task(spot.id).state == .succeeded })
        let log = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        #expect(log.contains("term attempt=1 notice=1"), "\(log)")
        #expect(log.contains("still running after SIGTERM") && !log.contains("not killed"), "SIGKILL after the notice: \(log)")
        #expect(log.contains("urgent-start-spot-gone") && !log.contains("urgent-start-spot-alive"), "\(log)")
        let lines = log.split(separator: "\n").map(String.init)
        #expect(
            (lines.firstIndex(of: "still running after SIGTERM") ?? .max) < (lines.firstIndex(of: "urgent-start-spot-gone") ?? -1),
            "the non-preemptible job started after the preempted one ended: \(lines)")
        #expect(log.contains("resumed attempt=2 from=1"), "\(log)")
        let spotRecord = try await consumer.task(spot.id)
        let preemption = spotRecord.events.first { $0.message?.contains("preempted by task \(urgent.id)") == true }
        #expect(preemption?.state == .lost, "\(spotRecord.events.map { "\($0.state) \($0.message ?? "")" })")

        // Usage: the first part only up to the preemption, at the spot price; the second part too.
        let usage = try await consumer.usage().items.filter { $0.task == spot.id }.sorted { $0.attempt < $1.attempt }
        #expect(usage.map(\.attempt) == [1, 2], "\(usage)")
        #expect(usage.allSatisfy { $0.priceFenPerUnitHour == 20 })
        if let first = usage.first, let preempted = preemption?.at {
            #expect(first.end <= preempted && first.end > first.start, "metered only for the time used: \(first.start)…\(first.end), preempted at \(preempted)")
        }
        let urgentUsage = try await consumer.usage().items.filter { $0.task == urgent.id }
        #expect(!urgentUsage.isEmpty && urgentUsage.allSatisfy { $0.priceFenPerUnitHour == 100 })
    }

    @Test func spotPricingIsValidated() async throws {
        try await TestPlatform.with { test in
            let (prefix, provider) = try await test.provider()
            let id = "\(prefix)/spot/n1"
            var spec = ResourceSpec(
                kind: .cpu, arch: "x86_64", model: "c", units: 1, memoryGiB: 1, location: "cluster.zhangjiakou", priceFenPerUnitHour: 100)
            for (pricing, words) in [
                (ResourcePricing(model: .spot, spotFenPerUnitHour: 150), "between 0 and price_fen_per_unit_hour"),
                (ResourcePricing(model: .spot), "spot pricing needs"),
                (ResourcePricing(model: .fixed, spotFenPerUnitHour: 10), "applies to spot pricing only"),
                (ResourcePricing(model: .dynamic, capFenPerUnitHour: 200, spotFenPerUnitHour: 10), "applies to spot pricing only"),
            ] {
                spec.pricing = pricing
                let message = await expectAPIError(422, "validation_failed") { _ = try await provider.putResource(id, spec) }
                #expect(message.contains("pricing.spot_fen_per_unit_hour") && message.contains(words), "\(message)")
            }
            spec.pricing = .spot(20)
            let (record, _) = try await provider.putResource(id, spec)
            #expect(record.pricing == .spot(20))
        }
    }
}
