import Foundation
import Logging
import SuanliStore
import Synchronization
import Testing

@testable import SuanliServer

/// Readers that hand memory to the outside world (an agent's work poll) wait until storage
/// holds what they saw, and hear when it never will.
@Suite("Group commit: readers wait for storage")
struct GroupCommitterTests {
    final class RepairHook: Sendable {
        let committer = Mutex<GroupCommitter?>(nil)
    }

    final class Answer: Sendable {
        let value = Mutex<Bool?>(nil)
    }

    @Test func aReaderWaitsUntilWhatItSawIsDurableAndHearsOfAFailure() async throws {
        let store = try FaultyStore(path: TestPlatform.temporaryDirectory() + "/suanli.sqlite")
        var logger = Logger(label: "group-committer-test")
        logger.logLevel = .critical
        let hook = RepairHook()
        let committer = GroupCommitter(store: store, logger: logger) { hook.committer.withLock { $0 }?.repaired() }
        hook.committer.withLock { $0 = committer }

        // Storage is slow: the write is in memory (ticket issued) but not durable.
        store.paused.withLock { $0 = true }
        _ = try committer.enqueue([.setMeta(key: "a", value: "1")])
        let seen = committer.watermark()
        #expect(seen.issued == 1 && seen.durable == 0)
        let answer = Answer()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await committer.flush() }
            group.addTask {
                let ok = await committer.waitSettled(through: seen.issued, since: seen.durable)
                answer.value.withLock { $0 = ok }
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(answer.value.withLock { $0 } == nil, "the reader went ahead before storage had the write")
            store.paused.withLock { $0 = false }
            try await group.waitForAll()
        }
        #expect(answer.value.withLock { $0 } == true)
        #expect(committer.watermark().durable == 1)

        // A failed transaction: the reader that saw its change is told so; one that saw only
        // durable state is not.
        store.failing.withLock { $0 = true }
        _ = try committer.enqueue([.setMeta(key: "b", value: "2")])
        let doomed = committer.watermark()
        await committer.flush()
        #expect(await committer.waitSettled(through: doomed.issued, since: doomed.durable) == false)
        #expect(await committer.waitSettled(through: seen.issued, since: doomed.issued) == true)
    }
}
