import Foundation
import SuanliClient
import SuanliCore
import SuanliMarket
import Testing

@testable import SuanliServer

extension SuanliClient {
    /// Posts agent events with the platform's own clock as the agent's.
    fileprivate func events(_ events: [AttemptEvent], sentAt: Date) async throws {
        let body = try SuanliJSON.encoder().encode(AttemptEventBatch(events: events, sentAt: sentAt))
        _ = try await raw(.POST, "/v1/agent/events", body: body)
    }
}

/// Provider reliability from real history: completed and lost attempts and heartbeat gaps on a
/// platform with its clock moved by hand, and the decay of old events.
@Suite("Provider reliability")
struct ReliabilityTests {
    @Test("The decayed score: 1 without history, halves per half-life, recovers")
    func formula() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var tally = ReliabilityTally()
        #expect(tally.reliability(since: now, now: now).score == 1)
        tally.completed = Array(repeating: now, count: 3)
        tally.lost = [now]
        tally.heartbeatGaps = [now]
        #expect(tally.reliability(since: now, now: now).score == 0.667)  // 4 / 6
        let week = now.addingTimeInterval(ReliabilityTally.halfLife)
        let later = tally.reliability(since: now, now: week)
        #expect(later.completed == 1.5 && later.lost == 0.5 && later.heartbeatGaps == 0.5 && later.score == 0.714)  // 2.5 / 3.5
    }

    @Test func completedLostAndGapsOnARealPlatform() async throws {
        try await TestPlatform.with(heartbeatInterval: 10) { t in
            let (p, provider) = try await t.provider("P")
            let (q, other) = try await t.provider("Q")
            let resource = "\(p)/g"
            _ = try await provider.putResource(resource, gpuSpec(units: 8, price: 100))
            let (_, alice) = try await t.consumer("alice")
            // Three tasks run to an end on P: two succeed, one fails by its own exit code.
            for code in [0, 0, 3] {
                let task = try await alice.submit(taskSpec(units: 2))
                let start = t.clock.now
                t.clock.advance(1)
                try await provider.events(
                    [
                        AttemptEvent(task: task.id, attempt: 1, resource: resource, phase: .running, at: start),
                        AttemptEvent(
                            task: task.id, attempt: 1, resource: resource, phase: code == 0 ? .succeeded : .failed, exitCode: code,
                            at: t.clock.now),
                    ], sentAt: t.clock.now)
            }
            // A fourth runs, then P stops reporting: the resource goes stale, the attempt is lost.
            let lostTask = try await alice.submit(taskSpec(units: 2))
            try await provider.events(
                [AttemptEvent(task: lostTask.id, attempt: 1, resource: resource, phase: .running, at: t.clock.now)], sentAt: t.clock.now)
            t.clock.advance(1)
            _ = try await provider.report([TelemetryReport(id: resource, freeUnits: 6, healthy: true)])
            t.clock.advance(31)
            try await t.platform.sweep()
            #expect(try await alice.task(lostTask.id).events.contains { $0.state == .lost })

            let record = try await t.anonymous.provider(p)
            let reliability = try #require(record.reliability)
            #expect(reliability.attempts == 4 && reliability.completed == 3 && reliability.lost == 1 && reliability.heartbeatGaps == 1)
            #expect(reliability.score == 0.667 && reliability.since == record.createdAt)
            // A provider without history is fully reliable; the listing shows every provider's figure.
            #expect(try await t.anonymous.provider(q).reliability?.score == 1)
            let listed = try await t.anonymous.providers()
            #expect(listed.first { $0.prefix.description == p }?.reliability == reliability)
            _ = other
            // A week later every event counts half.
            t.clock.advance(ReliabilityTally.halfLife)
            let decayed = try #require(try await t.anonymous.provider(p).reliability)
            #expect(abs(decayed.completed - 1.5) < 0.01 && abs(decayed.lost - 0.5) < 0.01 && abs(decayed.heartbeatGaps - 0.5) < 0.01)
            // The JSON carries the documented keys.
            let (_, body) = try await rawRequest(t.url + "/v1/providers/\(p)")
            for key in ["\"reliability\":{", "\"score\":", "\"attempts\":", "\"completed\":", "\"lost\":", "\"heartbeat_gaps\":", "\"since\":"] {
                #expect(body.contains(key), "\(key)")
            }
        }
    }

    @Test func minReliabilityPlacesOnReliableProvidersAndExplainNamesIt() async throws {
        try await TestPlatform.with(heartbeatInterval: 86_400) { t in
            let (p, shaky) = try await t.provider("P")
            let (q, steady) = try await t.provider("Q")
            _ = try await shaky.putResource("\(p)/g", gpuSpec(units: 8, price: 100))
            _ = try await steady.putResource("\(q)/g", gpuSpec(units: 8, price: 900, model: "NVIDIA H100-SXM5-80GB"))
            let (_, alice) = try await t.consumer("alice")
            // P loses a running attempt: its resource misses its heartbeats (Q keeps reporting).
            let lost = try await alice.submit(taskSpec(units: 2))
            #expect(lost.placement?.parts.first?.resource == "\(p)/g")
            try await shaky.events(
                [AttemptEvent(task: lost.id, attempt: 1, resource: "\(p)/g", phase: .running, at: t.clock.now)], sentAt: t.clock.now)
            // Q reports before P's lease runs out, so that the platform's own background sweep,
            // whenever it runs, finds only P stale (not Q too, which would give Q a gap).
            t.clock.advance(2 * 86_400)
            _ = try await steady.report([TelemetryReport(id: "\(q)/g", freeUnits: 8, healthy: true)])
            t.clock.advance(86_400 + 1)
            try await t.platform.sweep()
            _ = try await shaky.report([TelemetryReport(id: "\(p)/g", freeUnits: 8, healthy: true)])
            // Lost (its part ended at the last heartbeat, 3 days ago: weight 2^(-3/7)) and a gap: (0 + 1) / (0.743 + 1 + 1).
            let shakyScore = try #require(try await t.anonymous.provider(p).reliability?.score)
            #expect(shakyScore == 0.365)

            // Without a minimum the cheap, shaky provider wins; with one the task pays for the steady one.
            var careful = taskSpec("careful", units: 1)
            careful.minReliability = 0.9
            #expect(try await alice.submit(careful).placement?.parts.first?.resource == "\(q)/g")
            #expect(try await alice.submit(taskSpec("any", units: 1)).placement?.parts.first?.resource == "\(p)/g")
            // Only P has A100s: the task waits, and explain names the constraint.
            var a100 = careful
            a100.accept = [TaskSpec.Alternative(kind: .gpu, model: "NVIDIA A100-SXM4-80GB")]
            let waiting = try await alice.submit(a100)
            #expect(waiting.state == .queued)
            let explanation = try await alice.explain(waiting.id)
            let step = try #require(explanation.steps.first { $0.constraint == "min_reliability" })
            #expect(step.removed == 1 && step.remaining == 0)
            #expect(explanation.message.contains("reliability of at least 0.9") && explanation.message.contains("lower min_reliability to \(shakyScore)"))
            // Ten weeks later the loss hardly counts: the next pass hands the scheduler P's new score and the task runs there.
            // (Two days at a time, both reporting, so that no background sweep finds either stale.)
            for _ in 0..<35 {
                t.clock.advance(2 * 86_400)
                _ = try await shaky.report([TelemetryReport(id: "\(p)/g", freeUnits: 7, healthy: true)])
                _ = try await steady.report([TelemetryReport(id: "\(q)/g", freeUnits: 7, healthy: true)])
            }
            try await t.platform.sweep()
            while await t.platform.drainSlice(maxAttempts: 1000) {}
            #expect(try await alice.task(waiting.id).placement?.parts.first?.resource == "\(p)/g")
            // Out of range is refused naming the field.
            var bad = taskSpec()
            bad.minReliability = 1.5
            let message = await expectAPIError(422, "validation_failed") { _ = try await alice.submit(bad) }
            #expect(message.contains("min_reliability"))
        }
    }

}
