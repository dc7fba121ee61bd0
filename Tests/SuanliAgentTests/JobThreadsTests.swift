import Foundation
import Synchronization
import Testing

@testable import SuanliAgent

@Suite("Job threads")
struct JobThreadsTests {
    /// Runs `count` bodies that each block until all of them have started: they can only finish
    /// if every body got a thread of its own at once.
    /// `whileAllBusy` runs on the last body to start, while every body is still blocked.
    private func runBlockingBodies(
        _ count: Int, on threads: JobThreads, whileAllBusy: @escaping @Sendable () -> Void = {}
    ) async throws {
        let started = Atomic<Int>(0)
        let allStarted = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<count {
            try threads.run {
                if started.add(1, ordering: .sequentiallyConsistent).newValue == count {
                    whileAllBusy()
                    for _ in 0..<count { allStarted.signal() }
                }
                allStarted.wait()
                finished.signal()
            }
        }
        for _ in 0..<count {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                DispatchQueue.global().async {
                    let ok = finished.wait(timeout: .now() + 30) == .success
                    continuation.resume(with: ok ? .success(()) : .failure(CancellationError()))
                }
            }
        }
    }

    /// Waits until every thread is idle (a body's last lines run after it signalled).
    private func settle(_ threads: JobThreads) async throws {
        for _ in 0..<300 where threads.counts.idle != threads.counts.threads {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test func everyBodyGetsAThreadOfItsOwnAndThreadsAreKept() async throws {
        let threads = JobThreads(idleSeconds: 30)
        try await runBlockingBodies(16, on: threads)
        try await settle(threads)
        #expect(threads.counts.threads == 16 && threads.counts.idle == 16)
        // The same 16, idle now, serve the next 16 bodies; 4 more need 4 new threads.
        try await runBlockingBodies(16, on: threads)
        try await settle(threads)
        #expect(threads.counts.threads == 16)
        try await runBlockingBodies(20, on: threads)
        try await settle(threads)
        #expect(threads.counts.threads == 20)
    }

    @Test func idleThreadsEnd() async throws {
        let threads = JobThreads(idleSeconds: 1)
        // Counted while the bodies block: once they return, a second is all the threads have
        // left, and a loaded machine may take longer than that to come back here.
        let aliveWhileBusy = Atomic<Int>(0)
        try await runBlockingBodies(4, on: threads) { aliveWhileBusy.store(threads.counts.threads, ordering: .sequentiallyConsistent) }
        #expect(aliveWhileBusy.load(ordering: .sequentiallyConsistent) == 4)
        var waited = 0
        while threads.counts.threads > 0, waited < 100 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        #expect(threads.counts.threads == 0)
        // Bodies still run after every thread has gone.
        try await runBlockingBodies(2, on: threads)
    }
}
