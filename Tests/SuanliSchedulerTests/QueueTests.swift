import Foundation
import SuanliCore
import Testing

@testable import SuanliScheduler

@Suite("Queue and backfill") struct QueueTests {
    @Test func priorityThenAge() throws {
        var e = engine([resource("86.1.1/only")])
        _ = try e.submit("running", spec: spec(8), now: 0)
        for (id, priority) in [("a", 0), ("b", 5), ("c", 0), ("d", 5), ("e", -1)] {
            #expect(try e.submit(id, spec: spec(8, priority: priority), now: 1).isQueued)
        }
        #expect(e.queuedTaskIDs == ["b", "d", "a", "c", "e"])
        #expect(e.status(of: "a")?.queuePosition == 3)
        var order: [String] = []
        var last = "running"
        for step in 0..<5 {
            let result = e.release(last, now: Double(10 + step))
            #expect(result.scheduled.count == 1)
            last = result.scheduled[0].id
            order.append(last)
        }
        #expect(order == ["b", "d", "a", "c", "e"])
    }

    @Test func smallerTasksBackfillWithoutDelayingTheHead() throws {
        var e = engine([resource("86.1.1/r")])
        // A uses 6 of 8 units until t=100.
        _ = try e.submit("A", spec: spec(6, duration: 100), now: 0)
        // The head needs all 8: it can start when A ends (t=100).
        #expect(try e.submit("H", spec: spec(8, duration: 100), now: 1).isQueued)
        // B would hold 2 units past t=100 and delay H: it waits.
        #expect(try e.submit("B", spec: spec(2, duration: 1000), now: 2).isQueued)
        // C ends by t=52 < 100: backfilled now.
        #expect(try e.submit("C", spec: spec(2, duration: 50), now: 2).placement != nil)
        #expect(e.queuedTaskIDs == ["H", "B"])
        let explanation = try #require(e.explain("B"))
        #expect(explanation.verdict == .queued)
        #expect(explanation.queuePosition == 2)
        // C ends: 2 units free again, but B still must not take them.
        #expect(e.release("C", now: 52).scheduled.isEmpty)
        // A ends at t=100: the head starts on time; B follows when H ends.
        #expect(e.release("A", now: 100).scheduled.map(\.id) == ["H"])
        #expect(e.release("H", now: 200).scheduled.map(\.id) == ["B"])
    }

    @Test func cancellingTheBlockedHeadLetsOthersIn() throws {
        var e = engine([resource("86.1.1/r")])
        _ = try e.submit("A", spec: spec(6, duration: 100), now: 0)
        #expect(try e.submit("H", spec: spec(8, duration: 100), now: 1).isQueued)
        #expect(try e.submit("B", spec: spec(2, duration: 1000), now: 2).isQueued)
        #expect(e.release("H", now: 3).scheduled.map(\.id) == ["B"])
    }

    @Test func backfillElsewhereIsFine() throws {
        var e = engine([resource("86.1.1/r"), resource("86.1.2/small", provider: "86.1.2", units: 2, price: 2000)])
        _ = try e.submit("A", spec: spec(6, duration: 100), now: 0)
        #expect(try e.submit("H", spec: spec(8, duration: 100), now: 1).isQueued)
        // B is long but can go to the other resource, which the head could never use.
        let b = try e.submit("B", spec: spec(2, duration: 1000), now: 2)
        #expect(b.resources == ["86.1.2/small"])
    }

    @Test func drainPlacesWhenCapacityAppears() throws {
        var e = engine([resource("86.1.1/r", free: 0)])
        #expect(try e.submit("a", spec: spec(4), now: 0).isQueued)
        #expect(try e.submit("b", spec: spec(4), now: 0).isQueued)
        let result = e.report(ResourceReport(id: "86.1.1/r", freeUnits: 8), now: 5)
        #expect(Set(result.scheduled.map(\.id)) == ["a", "b"])
        #expect(e.queuedCount == 0)
        // A new resource drains too.
        #expect(try e.submit("c", spec: spec(8), now: 6).isQueued)
        #expect(e.upsertResource(resource("86.1.2/new", provider: "86.1.2"), now: 7).scheduled.map(\.id) == ["c"])
    }

    @Test func deadlinesExpireQueuedTasks() throws {
        var e = engine([resource("86.1.1/r", free: 0)])
        var s = spec(1)
        s.deadline = Date(timeIntervalSince1970: 50)
        #expect(try e.submit("late", spec: s, now: 0).isQueued)
        let result = e.drain(now: 60)
        #expect(result.expired == ["late"])
        #expect(e.status(of: "late") == nil)
    }

    @Test func releaseAndRequeue() throws {
        var e = engine([resource("86.1.1/a"), resource("86.1.2/b", provider: "86.1.2", price: 1000)])
        let first = try e.submit("t", spec: spec(8), now: 0)
        #expect(first.resources == ["86.1.1/a"])
        #expect(e.capacity(of: "86.1.1/a")?.effectiveFree == 0)
        // The resource disappears: the task is displaced and requeued elsewhere.
        #expect(e.removeResource("86.1.1/a", now: 1) == ["t"])
        let moved = e.requeue("t", now: 1)
        #expect(moved.scheduled.first?.placement.parts.first?.resource == "86.1.2/b")
        e.release("t", now: 2)
        #expect(e.capacity(of: "86.1.2/b")?.effectiveFree == 8)
        #expect(e.status(of: "t") == nil)
    }

    @Test func restoreReinstallsReservations() throws {
        var e = engine([resource("86.1.1/a")])
        let placement = Placement(
            alternative: 0, parts: [.init(resource: "86.1.1/a", units: 6, priceFenPerUnitHour: 900, rttMs: nil, renewable: 0.5)])
        try e.restore("old", spec: spec(6), placement: placement, placedAt: 0, running: false)
        #expect(e.capacity(of: "86.1.1/a")?.effectiveFree == 2)
        #expect(e.status(of: "old")?.state == .scheduled)
        #expect(try e.submit("new", spec: spec(4), now: 1).isQueued)
    }
}
