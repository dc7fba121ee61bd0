import Foundation
import SuanliClient
import SuanliCore
import SuanliServer
import Testing

/// Finished tasks leave the platform's memory after their retention and are read from the store
/// from then on: the API answers for them exactly as before, and counts keep them.
@Suite("Finished tasks archived out of memory")
struct TaskArchiveTests {
    /// Seconds of retention the tests configure.
    static let retention = 20.0  // below 3 heartbeat intervals (30 s): the provider stays live

    @Test func archivedTasksAreReadListedAndCountedFromTheStore() async throws {
        let directory = TestPlatform.temporaryDirectory()
        var before: [String: TaskRecord] = [:]
        var ids: [String] = []
        try await TestPlatform.with(directory: directory, configure: { $0.finishedTaskRetention = Self.retention }) { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec(units: 2))
            let (_, alice) = try await t.consumer("alice")
            let (_, bob) = try await t.consumer("bob")
            // Alice: six tasks, four cancelled (two after being placed, two from the queue); Bob: one.
            for i in 0..<6 { ids.append(try await alice.submit(taskSpec("a\(i)")).id) }
            let bobs = try await bob.submit(taskSpec("b")).id
            for id in [ids[0], ids[2], ids[3], ids[5]] { _ = try await alice.cancel(id) }
            for id in ids + [bobs] { before[id] = try await t.operatorClient.task(id) }
            let countsBefore = t.platform.taskCounts()
            #expect(await t.platform.archiveFinishedTasks() == 0, "nothing is due before the retention has passed")

            t.clock.advance(Self.retention + 1)
            // (The platform's sweeper may get there first.)
            await t.platform.archiveFinishedTasks()
            #expect(t.platform.taskMemory() == (3, 4))
            #expect(t.platform.taskCounts() == countsBefore, "counts keep archived tasks")

            // One task, its events, explanation and logs: as before.
            for id in ids + [bobs] {
                #expect(try await t.operatorClient.task(id) == before[id], "task \(id)")
            }
            #expect(try await alice.task(ids[0]) == before[ids[0]])
            #expect(try await alice.events(ids[2]) == before[ids[2]]!.events)
            _ = try await alice.explain(ids[3])
            #expect(try await alice.logs(ids[5]) == "")
            // Nobody else sees them; they cannot be cancelled again.
            await expectAPIError(404, "not_found") { _ = try await bob.task(ids[0]) }
            await expectAPIError(404, "not_found") { _ = try await bob.cancel(ids[0]) }
            await expectAPIError(409, "conflict") { _ = try await alice.cancel(ids[0]) }
            await expectAPIError(404, "not_found") { _ = try await alice.task("t999") }
            await expectAPIError(404, "not_found") { _ = try await alice.task("t0") }

            // Lists merge memory and store in submission order, page by page, filters included.
            #expect(try await Self.all(alice) == ids)
            #expect(try await Self.all(alice, limit: 1) == ids)
            #expect(try await Self.all(alice, limit: 4) == ids)
            #expect(try await Self.all(bob) == [bobs])
            #expect(try await Self.all(t.operatorClient, limit: 3) == ids + [bobs])
            #expect(try await Self.all(alice, state: .cancelled, limit: 1) == [ids[0], ids[2], ids[3], ids[5]])
            let open = try await Self.all(alice, state: .scheduled)
            #expect(open == [ids[1], ids[4]])
            let page = try await alice.tasks(limit: 2)
            #expect(page.items == [before[ids[0]]!, before[ids[1]]!])
        }
        // After a restart every task loads again, and the finished ones leave memory once more.
        try await TestPlatform.with(directory: directory, configure: { $0.finishedTaskRetention = Self.retention }) { t in
            t.clock.advance(Self.retention + 1)
            // Restart recovery settles first (the first sweep), then the archive runs.
            try await t.platform.sweep()
            await t.platform.archiveFinishedTasks()
            #expect(t.platform.taskMemory() == (3, 4))
            #expect(t.platform.taskCounts()[.cancelled] == 4)
            #expect(try await Self.all(t.operatorClient, limit: 2) == ids + ["t7"])
            #expect(try await t.operatorClient.task(ids[2]).state == .cancelled)
        }
    }

    @Test func atMostTheConfiguredNumberOfFinishedTasksStayInMemory() async throws {
        try await TestPlatform.with(configure: {
            $0.finishedTaskRetention = 3600
            $0.finishedTasksInMemory = 2
        }) { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec(units: 1))
            let (_, alice) = try await t.consumer("alice")
            var ids: [String] = []
            for i in 0..<5 {
                let id = try await alice.submit(taskSpec("a\(i)")).id
                ids.append(id)
                t.clock.advance(1)
                _ = try await alice.cancel(id)
            }
            // The three that ended first leave; the two latest stay, however recent all are.
            await t.platform.archiveFinishedTasks()
            #expect(t.platform.taskMemory() == (2, 3))
            #expect(await t.platform.archiveFinishedTasks() == 0)
            #expect(try await Self.all(alice, limit: 2) == ids)
            #expect(t.platform.taskCounts()[.cancelled] == 5)
        }
    }

    /// Every task id a client lists, following cursors.
    static func all(_ client: SuanliClient, state: TaskState? = nil, limit: Int = 100) async throws -> [String] {
        var ids: [String] = []
        var cursor: String? = nil
        repeat {
            let page = try await client.tasks(state: state, limit: limit, cursor: cursor)
            #expect(page.items.count <= limit)
            ids += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil && ids.count < 1000
        return ids
    }
}
