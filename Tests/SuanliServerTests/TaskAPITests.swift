import Foundation
import SuanliClient
import SuanliCore
import Testing

/// A one-alternative spec.
func taskSpec(
    _ name: String = "job", units: Int = 1, kind: ResourceKind = .gpu, gang: Bool = true, priority: Int = 0,
    dataLocation: String? = nil, maxRttMs: Double? = nil, objective: TaskSpec.Objective = .cheapest,
    command: [String] = ["true"]
) -> TaskSpec {
    TaskSpec(
        name: name, priority: priority, units: units, gang: gang,
        accept: [TaskSpec.Alternative(kind: kind, run: TaskSpec.Run(command: command))], dataLocation: dataLocation,
        maxRttMs: maxRttMs, durationS: 60, objective: objective)
}

extension TestPlatform {
    /// Registers a consumer and returns a client with its token.
    func consumer(_ name: String = "alice") async throws -> (id: String, client: SuanliClient) {
        let record = try await operatorClient.registerConsumer(ConsumerRegistration(name: name, contact: "\(name)@example.com"))
        return (record.id, client(record.token))
    }
}

@Suite("Tasks over HTTP")
struct TaskAPITests {
    @Test func consumersAndSubmissionAuth() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec())
            await expectAPIError(401, "unauthorized") { _ = try await t.anonymous.registerConsumer(ConsumerRegistration(name: "x")) }
            await expectAPIError(403, "forbidden") { _ = try await provider.registerConsumer(ConsumerRegistration(name: "x")) }
            let (aliceID, alice) = try await t.consumer("alice")
            let (_, bob) = try await t.consumer("bob")
            #expect(aliceID == "c1")
            #expect(try await t.operatorClient.consumers().map(\.name) == ["alice", "bob"])
            await expectAPIError(401, "unauthorized") { _ = try await t.anonymous.submit(taskSpec()) }
            await expectAPIError(403, "forbidden") { _ = try await provider.submit(taskSpec()) }
            let submitted = try await alice.submit(taskSpec(units: 2))
            #expect(submitted.state == .scheduled)
            #expect(submitted.placement?.parts.map(\.resource) == ["\(prefix)/g"])
            let task = try await alice.task(submitted.id)
            #expect(task.consumer == aliceID && task.state == .scheduled && task.events.map(\.state) == [.queued, .scheduled])
            // Other consumers cannot see it; the operator can.
            await expectAPIError(404, "not_found") { _ = try await bob.task(submitted.id) }
            await expectAPIError(404, "not_found") { _ = try await bob.cancel(submitted.id) }
            #expect(try await bob.tasks().items.isEmpty)
            #expect(try await alice.tasks().items.map(\.id) == [submitted.id])
            #expect(try await t.operatorClient.task(submitted.id).id == submitted.id)
        }
    }

    @Test func badSpecsAreRejectedWithTheField() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec(units: 8))
            let (_, alice) = try await t.consumer()
            await expectAPIError(422, "validation_failed") { _ = try await alice.submit(taskSpec(units: 0)) }
            await expectAPIError(422, "validation_failed") {
                _ = try await alice.submit(taskSpec(dataLocation: "city.atlantis", maxRttMs: 20))
            }
            var empty = taskSpec()
            empty.accept = []
            await expectAPIError(422, "validation_failed") { _ = try await alice.submit(empty) }
            // Could never fit, even on an empty platform: 422 with the explanation.
            let message = await expectAPIError(422, "validation_failed") { _ = try await alice.submit(taskSpec(units: 9)) }
            #expect(message.contains("8"))
            let (status, body) = try await rawRequest(t.url + "/v1/tasks", method: .POST, token: alice.token, body: Data("{\"name\":1}".utf8))
            #expect(status == 400)
            #expect(body.contains("bad_request"))
            #expect(try await alice.tasks().items.isEmpty)
        }
    }

    @Test func concurrentSubmissionsNeverOvercommit() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/a", gpuSpec(units: 8))
            _ = try await provider.putResource("\(prefix)/b", gpuSpec(units: 4, price: 950))
            let (_, alice) = try await t.consumer()
            let results = try await withThrowingTaskGroup(of: TaskSubmission.self) { group in
                for i in 0..<60 { group.addTask { try await alice.submit(taskSpec("race-\(i)", units: 1 + i % 2)) } }
                var out: [TaskSubmission] = []
                for try await r in group { out.append(r) }
                return out
            }
            var used: [String: Int] = [:]
            for r in results where r.state == .scheduled {
                for part in r.placement!.parts { used[part.resource, default: 0] += part.units }
            }
            #expect(used["\(prefix)/a", default: 0] <= 8)
            #expect(used["\(prefix)/b", default: 0] <= 4)
            #expect(used.values.reduce(0, +) >= 11, "the capacity was used, not left idle: \(used)")
            #expect(results.filter { $0.state == .queued }.count > 0)
        }
    }

    @Test func queuedTasksStartWhenCapacityAppearsInPriorityOrder() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/a", gpuSpec(units: 4))
            let (_, alice) = try await t.consumer()
            let running = try await alice.submit(taskSpec("fill", units: 4))
            #expect(running.state == .scheduled)
            let low = try await alice.submit(taskSpec("low", units: 4, priority: 0))
            let high = try await alice.submit(taskSpec("high", units: 4, priority: 5))
            #expect(low.state == .queued && high.state == .queued)
            let explanation = try await alice.explain(low.id)
            #expect(!explanation.message.isEmpty)
            let cancelled = try await alice.cancel(running.id)
            #expect(cancelled.state == .cancelled)
            await expectAPIError(409, "conflict") { _ = try await alice.cancel(running.id) }
            #expect(try await alice.task(high.id).state == .scheduled, "the higher priority goes first")
            #expect(try await alice.task(low.id).state == .queued)
            // A new resource is capacity too.
            _ = try await provider.putResource("\(prefix)/b", gpuSpec(units: 4))
            #expect(try await alice.task(low.id).state == .scheduled)
            #expect(try await alice.tasks(state: .scheduled).items.map(\.id).sorted() == [high.id, low.id].sorted())
        }
    }

    @Test func tasksAndReservationsSurviveARestart() async throws {
        let directory = TestPlatform.temporaryDirectory()
        let (token, scheduledID, queuedID) = try await TestPlatform.with(directory: directory) { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/a", gpuSpec(units: 4))
            let record = try await t.operatorClient.registerConsumer(ConsumerRegistration(name: "alice"))
            let alice = t.client(record.token)
            let scheduled = try await alice.submit(taskSpec(units: 3))
            let queued = try await alice.submit(taskSpec(units: 2))
            #expect(scheduled.state == .scheduled && queued.state == .queued)
            return (record.token!, scheduled.id, queued.id)
        }
        try await TestPlatform.with(directory: directory) { t in
            let alice = t.client(token)
            #expect(try await alice.task(scheduledID).state == .scheduled)
            #expect(try await alice.task(queuedID).state == .queued)
            // The 3 reserved units are still reserved: 2 more do not fit, 1 does.
            #expect(try await alice.submit(taskSpec(units: 2)).state == .queued)
            #expect(try await alice.submit(taskSpec(units: 1)).state == .scheduled)
            _ = try await alice.cancel(scheduledID)
            #expect(try await alice.task(queuedID).state == .scheduled)
        }
    }

    @Test func staleResourcesGetNoNewWork() async throws {
        try await TestPlatform.with(heartbeatInterval: 10) { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/cheap", gpuSpec(units: 8, price: 100))
            _ = try await provider.putResource("\(prefix)/dear", gpuSpec(units: 8, price: 900))
            let (_, alice) = try await t.consumer()
            t.clock.advance(25)
            _ = try await provider.report([TelemetryReport(id: "\(prefix)/dear", freeUnits: 8, healthy: true)])
            t.clock.advance(10)  // cheap: 35 s without a report
            try await t.platform.sweep()
            let placed = try await alice.submit(taskSpec(units: 1))
            #expect(placed.placement?.parts.first?.resource == "\(prefix)/dear")
            _ = try await provider.report([TelemetryReport(id: "\(prefix)/cheap", freeUnits: 8, healthy: true)])
            #expect(try await alice.submit(taskSpec(units: 1)).placement?.parts.first?.resource == "\(prefix)/cheap")
        }
    }
}
