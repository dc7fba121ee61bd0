import Foundation
import SuanliCore
import Testing

@testable import SuanliScheduler

/// Spot prices and preemption in the engine: only preemptible tasks pay the spot price; a
/// queued non-preemptible task that fits nowhere takes the units of the fewest, most recently
/// placed preemptible tasks on its plan's resources, which go back to the queue.
@Suite("Spot preemption in the engine")
struct PreemptionTests {
    static func spot(_ id: String, units: Int, price: Int64 = 100, spot: Int64 = 20) -> SchedulerResource {
        var r = resource(id, units: units, price: price)
        r.spotPriceFenPerUnitHour = spot
        return r
    }

    static func preemptible(_ units: Int) -> TaskSpec {
        var s = spec(units)
        s.preemptible = true
        return s
    }

    @Test func onlyPreemptibleTasksPayTheSpotPrice() throws {
        var e = engine([Self.spot("a", units: 4)])
        #expect(try e.submit("p", spec: Self.preemptible(1), now: 0).placement?.parts.map(\.priceFenPerUnitHour) == [20])
        #expect(try e.submit("n", spec: spec(1), now: 0).placement?.parts.map(\.priceFenPerUnitHour) == [100])
        var notSpot = spec(1)
        notSpot.preemptible = false
        #expect(try e.submit("f", spec: notSpot, now: 0).placement?.parts.map(\.priceFenPerUnitHour) == [100])
        // Without a spot price a preemptible task pays the price.
        var plain = engine([resource("b", units: 2, price: 300)])
        #expect(try plain.submit("p", spec: Self.preemptible(1), now: 0).placement?.parts.map(\.priceFenPerUnitHour) == [300])
    }

    @Test func aWaitingNonPreemptibleTaskTakesTheNewestPreemptibleUnits() throws {
        var e = engine([Self.spot("a", units: 2), Self.spot("b", units: 2)])
        _ = try e.submit("old", spec: Self.preemptible(2), now: 0)
        _ = try e.submit("new", spec: Self.preemptible(2), now: 5)
        for id in ["old", "new"] { e.markRunning(id, now: 6) }
        e.report([ResourceReport(id: "a", freeUnits: 0), ResourceReport(id: "b", freeUnits: 0)], now: 7)
        #expect(e.preempt(now: 8).isEmpty, "nothing waits")
        #expect(try e.submit("n", spec: spec(2), now: 9).isQueued)
        let done = e.preempt(now: 10)
        #expect(done.count == 1)
        let preemption = try #require(done.first)
        #expect(preemption.task == "n" && preemption.victims == ["new"])
        let newResource = try #require(preemption.placement.parts.first?.resource)
        #expect(preemption.placement.parts.map(\.priceFenPerUnitHour) == [100])
        #expect(e.status(of: "n")?.state == .scheduled)
        #expect(e.status(of: "new")?.state == .queued)
        #expect(e.status(of: "old")?.state == .running)
        // The victim's units went to the task, not back to the victim, and nothing is promised twice.
        #expect(e.capacity(of: newResource)!.effectiveFree == 0)
        e.drain(now: 11)
        #expect(e.status(of: "new")?.state == .queued)
        #expect(e.preempt(now: 12).isEmpty, "a preemptible task never preempts")
        // When the non-preemptible task ends the victim gets its units back.
        e.release("n", now: 13)
        e.report(ResourceReport(id: newResource, freeUnits: 2), now: 14)
        e.drain(now: 14)
        #expect(e.status(of: "new")?.state == .scheduled)
    }

    @Test func noPreemptionWhenTheTaskFitsOrCannotFit() throws {
        var e = engine([Self.spot("a", units: 2), resource("free", units: 1, price: 500)])
        _ = try e.submit("p", spec: Self.preemptible(2), now: 0)
        e.markRunning("p", now: 1)
        e.report(ResourceReport(id: "a", freeUnits: 0), now: 2)
        // One unit fits on the free resource: placed there, nobody preempted.
        #expect(try e.submit("one", spec: spec(1), now: 3).resources == ["free"])
        // Three units fit nowhere, even without the preemptible task: nobody preempted.
        #expect(try e.submit("three", spec: spec(3, gang: false), now: 4).isQueued)
        #expect(e.preempt(now: 5).isEmpty)
        #expect(e.status(of: "p")?.state == .running)
    }
}

extension PreemptionTests {
    @Test func aHeldOfferForAPreemptibleTaskIsAtTheSpotPrice() throws {
        var e = engine([Self.spot("a", units: 4)])
        guard case .held(let spotOffer) = try e.hold("q1/o1", spec: Self.preemptible(1), expiresAt: 30, now: 0) else {
            Issue.record("no hold")
            return
        }
        #expect(spotOffer.parts.map(\.priceFenPerUnitHour) == [20])
        guard case .held(let listOffer) = try e.hold("q2/o1", spec: spec(1), expiresAt: 30, now: 0) else {
            Issue.record("no hold")
            return
        }
        #expect(listOffer.parts.map(\.priceFenPerUnitHour) == [100])
    }
}
