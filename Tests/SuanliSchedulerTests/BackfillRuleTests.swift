import Foundation
import SuanliCore
import Testing

@testable import SuanliScheduler

@Suite("Backfill rules") struct BackfillRuleTests {
    @Test func withoutBackfillNothingStartsBehindAWaitingTask() throws {
        var e = engine([resource("86.1.1/r")], configuration: SchedulerConfiguration(backfill: false))
        _ = try e.submit("A", spec: spec(6, duration: 100), now: 0)
        #expect(try e.submit("H", spec: spec(8, duration: 100), now: 1).isQueued)
        // C would end long before H could start (EASY would backfill it): strict order keeps it waiting.
        #expect(try e.submit("C", spec: spec(2, duration: 50), now: 2).isQueued)
        #expect(e.queuedTaskIDs == ["H", "C"])
        // A drain does not start it either.
        #expect(e.drain(now: 3).scheduled.isEmpty)
        // A ends: H starts, and C fits beside it (the queue is walked while tasks fit).
        #expect(e.release("A", now: 100).scheduled.map(\.id) == ["H"])
        #expect(e.release("H", now: 200).scheduled.map(\.id) == ["C"])
        // An impossible task is still rejected, not queued behind the head.
        _ = try e.submit("big", spec: spec(8, duration: 100), now: 201)
        #expect(try e.submit("never", spec: spec(9), now: 202).explanation?.verdict == .impossible)
    }

    @Test func withoutBackfillTheQueueStartsInOrderWhileTasksFit() throws {
        var e = engine([resource("86.1.1/r")], configuration: SchedulerConfiguration(backfill: false))
        e.drainsAutomatically = false
        _ = try e.submit("A", spec: spec(8, duration: 100), now: 0)
        for (id, units) in [("x", 3), ("y", 3), ("z", 4), ("w", 1)] { try e.enqueue(id, spec: spec(units, duration: 10), now: 1) }
        e.release("A", now: 100)
        // x and y fit (6 of 8); z does not, and w (which would fit) may not pass it.
        #expect(e.drain(now: 100).scheduled.map(\.id) == ["x", "y"])
        #expect(e.queuedTaskIDs == ["z", "w"])
    }

    @Test func defaultConfigurationBackfills() {
        #expect(SchedulerConfiguration().backfill)
    }

    @Test func spareUnitsAtTheHeadsStartCountEveryReservationEndingThen() throws {
        // Regression: A and B both end at t=100, when H (6 of 10) can start with 4 units spare.
        // The estimate used to stop counting at A (enough for H) and protect B's units too, so a
        // long task that needs only spare units was kept waiting for no reason.
        var e = engine([resource("86.1.1/r", units: 10)])
        _ = try e.submit("A", spec: spec(4, duration: 100), now: 0)
        _ = try e.submit("B", spec: spec(4, duration: 100), now: 0)
        #expect(try e.submit("H", spec: spec(6, duration: 50), now: 1).isQueued)
        #expect(try e.submit("L", spec: spec(2, duration: 1000), now: 2).placement != nil)
        // With those 2 spare units taken, nothing more may run past t=100.
        e.release("L", now: 3)
        #expect(try e.submit("M", spec: spec(2, duration: 1000), now: 4).placement != nil)
        e.release("A", now: 5)
        // At t=100: 4 free now + B's 4 − H's 6 = 2 spare (M runs past then on units not counted).
        #expect(try e.submit("N", spec: spec(4, duration: 1000), now: 6).isQueued)
        #expect(try e.submit("O", spec: spec(2, duration: 1000), now: 6).placement != nil)
    }

    @Test func splitHeadCountsEveryReservationEndingAtItsStart() throws {
        // Two resources of 4; A and B hold 3 on each until t=100. H (split, 5) can start then,
        // when 8 are free: 3 spare. A long split task of 2 may take 2 of them now. (Regression:
        // the sweep stopped at A's units, enough for H, and protected everything.)
        var e = engine([resource("86.1.1/p", units: 4), resource("86.1.2/q", provider: "86.1.2", units: 4)])
        _ = try e.submit("A", spec: spec(3, duration: 100), now: 0)
        _ = try e.submit("B", spec: spec(3, duration: 100), now: 0)
        let used = [e.status(of: "A"), e.status(of: "B")].compactMap { $0?.placement?.parts.first?.resource }
        #expect(Set(used) == ["86.1.1/p", "86.1.2/q"])
        #expect(try e.submit("H", spec: spec(5, gang: false, duration: 50), now: 1).isQueued)
        #expect(try e.submit("L", spec: spec(2, gang: false, duration: 1000), now: 2).placement != nil)
        // H still starts when A and B end.
        e.release("A", now: 100)
        #expect(e.release("B", now: 100).scheduled.map(\.id) == ["H"])
    }

    @Test func theHeadsEstimateMovesWhenRunningTasksPassTheirEstimates() throws {
        // Regression: the head's estimated start was kept until capacity changed, so once the
        // tasks it counted ran past their estimates (they are then expected to end "now") later
        // decisions used a start already in the past and too few spare units.
        var e = engine([resource("86.1.1/r", units: 10)])
        _ = try e.submit("A", spec: spec(2, duration: 140), now: 0)
        _ = try e.submit("B", spec: spec(4, duration: 100), now: 0)
        #expect(try e.submit("H", spec: spec(8, duration: 10), now: 1).isQueued)
        // H is expected to start at 100, when B ends: 4 + 4 − 8 = 0 units spare, so a long task waits.
        #expect(try e.submit("K", spec: spec(2, duration: 1000), now: 2).isQueued)
        // At 150 A and B are both past their estimates: H's start is now, with 4 + 4 + 2 − 8 = 2 spare.
        #expect(try e.submit("L", spec: spec(2, duration: 1000), now: 150).placement != nil)
    }

    @Test func aTaskKeptBackIsRetriedWhenTheHeadsEstimateMoves() throws {
        var e = engine([resource("86.1.1/r", units: 10)])
        e.drainsAutomatically = false
        _ = try e.submit("A", spec: spec(2, duration: 140), now: 0)
        _ = try e.submit("B", spec: spec(4, duration: 100), now: 0)
        try e.enqueue("H", spec: spec(8, duration: 10), now: 1)
        try e.enqueue("K", spec: spec(2, duration: 1000), now: 2)
        #expect(e.drain(now: 2).scheduled.isEmpty)
        // Nothing changed but time: K fits the 2 units spare at H's moved estimate once a drain
        // runs (here after another task arrives; it does not fit).
        try e.enqueue("big", spec: spec(6, duration: 10), now: 150)
        #expect(e.drain(now: 150).scheduled.map(\.id) == ["K"])
    }
}
