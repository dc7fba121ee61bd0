import Foundation
import SuanliClient
import SuanliCore
import Testing

/// The answer to `POST /v1/agent/events`, as the tests read it.
private struct Ack: Decodable, Equatable {
    var accepted: Int
    var ignored: Int
}

extension SuanliClient {
    /// Posts one event batch with an explicit `sent_at`; returns the acknowledgement.
    fileprivate func post(_ events: [AttemptEvent], sentAt: Date? = nil) async throws -> Ack {
        let body = try SuanliJSON.encoder().encode(AttemptEventBatch(events: events, sentAt: sentAt))
        let (_, data) = try await raw(.POST, "/v1/agent/events", body: body)
        return try JSONDecoder().decode(Ack.self, from: data)
    }
}

@Suite("Agent protocol: idempotent delivery, agent-clock metering, log ownership")
struct AgentProtocolTests {
    @Test func listedPartsAreNotSentAgainAndEventsApplyOnce() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec())
            let (_, alice) = try await t.consumer()
            let task = try await alice.submit(taskSpec())
            let first = try await provider.work(running: [], waitS: 0)
            #expect(first.assignments.count == 1)
            #expect(first.lease?.heartbeatIntervalS == 10 && first.lease.map { $0.fenceAfterS < $0.leaseS } == true)
            let ref = try #require(first.assignments.first).ref
            // Defect 2: the agent accepted the part (it lists it) before its `starting` arrived.
            let listed = try await provider.work(running: [ref], waitS: 0)
            #expect(listed.assignments.isEmpty && listed.cancellations.isEmpty)
            let events = [
                AttemptEvent(task: task.id, attempt: 1, resource: ref.resource, phase: .starting),
                AttemptEvent(task: task.id, attempt: 1, resource: ref.resource, phase: .running),
                AttemptEvent(task: task.id, attempt: 1, resource: ref.resource, phase: .starting),
            ]
            #expect(try await provider.post(events) == Ack(accepted: 2, ignored: 1))
            #expect(try await provider.post(events) == Ack(accepted: 0, ignored: 3), "a redelivered batch changes nothing")
            #expect(try await alice.task(task.id).state == .running)
            #expect(try await provider.work(running: [ref], waitS: 0) == WorkResponse(lease: first.lease))
        }
    }

    @Test func meteringUsesTheAgentsClock() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec(price: 3600))
            let (_, alice) = try await t.consumer()
            let task = try await alice.submit(taskSpec())
            let resource = "\(prefix)/g"
            let placed = t.clock.now
            // The agent's clock is 50 s behind; the run took 0.2 s; the platform hears of it 20 s later.
            let agent = { (seconds: Double) in placed.addingTimeInterval(seconds - 50) }
            t.clock.advance(20)
            let ack = try await provider.post(
                [
                    AttemptEvent(task: task.id, attempt: 1, resource: resource, phase: .running, at: agent(1)),
                    AttemptEvent(task: task.id, attempt: 1, resource: resource, phase: .succeeded, exitCode: 0, at: agent(1.2)),
                ], sentAt: agent(20))
            #expect(ack == Ack(accepted: 2, ignored: 0))
            let usage = try await alice.usage()
            #expect(usage.items.count == 1)
            let item = try #require(usage.items.first)
            #expect(item.unitSeconds == 0.2, "billed for what ran, not 0 s")
            #expect(abs(item.start.timeIntervalSince(placed) - 1) < 0.001)
            #expect(usage.totals.amountFen == 1)
        }
    }

    @Test func logsAreAcceptedOnlyForAttemptsOnTheProvidersResources() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            let (_, other) = try await t.provider("other")
            _ = try await provider.putResource("\(prefix)/g", gpuSpec())
            let (_, alice) = try await t.consumer()
            let task = try await alice.submit(taskSpec())
            try await provider.appendLog(LogChunk(task: task.id, attempt: 1, stream: "stdout", data: "hello\n"))
            #expect(try await alice.logs(task.id).contains("hello"))
            let wrongAttempt = await expectAPIError(403, "forbidden") {
                try await provider.appendLog(LogChunk(task: task.id, attempt: 999, stream: "stdout", data: "x"))
            }
            #expect(wrongAttempt.contains("attempt 999"))
            await expectAPIError(403, "forbidden") {
                try await other.appendLog(LogChunk(task: task.id, attempt: 1, stream: "stdout", data: "x"))
            }
            await expectAPIError(404, "not_found") {
                try await provider.appendLog(LogChunk(task: "t999", attempt: 1, stream: "stdout", data: "x"))
            }
            #expect(try await alice.logs(task.id, attempt: 999).isEmpty)
        }
    }
}
