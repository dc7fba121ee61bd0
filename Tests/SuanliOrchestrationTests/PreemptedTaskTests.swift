import Foundation
import SuanliCore
import SuanliOrchestration
import SuanliScheduler
import Testing

/// A preempted attempt in the book: metered up to the preemption, `lost` with a message naming
/// it, queued as the next attempt, its agent told to stop it; preemptions use up no retries.
@Suite("Preempted tasks in the book")
struct PreemptedTaskTests {
    @Test func aPreemptedAttemptIsMeteredToNowAndQueuedAsTheNextAttempt() {
        var h = Harness()
        h.submit(.scheduled(placement(resourceA)), spec: spec(maxRetries: 0))
        h.clock.advance(1)
        h.send(event(.running))
        h.clock.advance(7)
        let actions = h.book.preempted("t1", by: "t2", now: h.clock.now)
        #expect(h.state() == .queued && h.book["t1"]!.runtime.attempt == 2)
        #expect(h.book["t1"]!.events.suffix(2).map(\.state) == [.lost, .queued])
        #expect(h.book["t1"]!.events.suffix(2).first?.message == "preempted by task t2 (spot)")
        #expect(actions.metered.map(\.unitSeconds) == [7], "only the time used")
        #expect(actions.metered.map(\.priceFenPerUnitHour) == [3600])
        #expect(actions.has(.requeue(task: "t1")) && actions.woken == [providerA] && actions.has(.persist(task: "t1")))
        let old = AttemptRef(task: "t1", attempt: 1, resource: resourceA)
        #expect(h.book.work(for: providerA, running: [old]).cancellations == [old])
        // No retries, yet preempted twice it still comes back; a real loss then fails it.
        h.place("t1", placement(resourceA))
        h.send(event(.running, attempt: 2))
        _ = h.book.preempted("t1", by: "t3", now: h.clock.now)
        #expect(h.state() == .queued && h.book["t1"]!.runtime.attempt == 3)
        h.place("t1", placement(resourceB))
        _ = h.book.resourceLost(resourceB, lastSeen: h.clock.now, reason: "gone", now: h.clock.now)
        #expect(h.state() == .failed)
        // Nothing to preempt once it ended, or for an unknown task.
        #expect(h.book.preempted("t1", by: "t4", now: h.clock.now).isEmpty)
        #expect(h.book.preempted("nope", by: "t4", now: h.clock.now).isEmpty)
    }
}
