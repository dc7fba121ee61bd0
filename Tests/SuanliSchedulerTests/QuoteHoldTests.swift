import Foundation
import SuanliCore
import Testing

@testable import SuanliScheduler

/// Holds in the engine: held units are taken for every placement until released, expired or
/// accepted; an accepted hold becomes a task on exactly its placement without the units ever
/// being free; offers of one quote are disjoint.
@Suite("Quote holds in the engine")
struct QuoteHoldTests {
    static func held(_ outcome: HoldOutcome) -> Placement? { if case .held(let p) = outcome { p } else { nil } }

    @Test func heldUnitsBlockSubmissionsUntilReleasedOrExpired() throws {
        var e = engine([resource("a", units: 4, price: 100), resource("b", units: 4, price: 300)])
        let first = try #require(Self.held(try e.hold("q1/o1", spec: spec(4), expiresAt: 30, now: 0)))
        #expect(first.parts.map(\.resource) == ["a"])
        #expect(first.parts.map(\.priceFenPerUnitHour) == [100])
        #expect(e.capacity(of: "a")! == (reportedFree: 4, reserved: 4, pending: 4, effectiveFree: 0))
        #expect(e.heldUnits(on: "a") == 4)
        // The next hold of the same quote excludes the offered resource; a third finds nothing.
        let second = try #require(Self.held(try e.hold("q1/o2", spec: spec(4), expiresAt: 30, now: 0, excluding: ["a"])))
        #expect(second.parts.map(\.resource) == ["b"])
        #expect(try e.hold("q2/o1", spec: spec(1), expiresAt: 30, now: 0) == .noCapacity)
        #expect(try e.submit("t1", spec: spec(1), now: 0).isQueued)
        // Expiry frees the units (the queued task takes them at the next drain), release frees at once.
        #expect(e.expireHolds(now: 29.9).isEmpty)
        #expect(e.expireHolds(now: 30) == ["q1/o1", "q1/o2"])
        #expect(e.holdCount == 0 && e.nextHoldExpiry == nil)
        #expect(e.needsDrain(now: 30))
        e.drain(now: 30)
        #expect(e.capacity(of: "a")! == (reportedFree: 4, reserved: 1, pending: 1, effectiveFree: 3))
        #expect(e.status(of: "t1")?.state == .scheduled)
        let again = try #require(Self.held(try e.hold("q3/o1", spec: spec(4), expiresAt: 60, now: 31)))
        #expect(again.parts.map(\.resource) == ["b"])
        e.releaseHold("q3/o1", now: 32)
        #expect(e.capacity(of: "b")!.effectiveFree == 4)
        e.releaseHold("q3/o1", now: 32)  // unknown: ignored
        #expect(e.capacity(of: "b")!.effectiveFree == 4)
    }

    @Test func acceptingMovesTheHeldUnitsToTheTaskAtTheHeldPrice() throws {
        var e = engine([resource("a", units: 4, price: 100)])
        let placement = try #require(Self.held(try e.hold("q1/o1", spec: spec(2), expiresAt: 30, now: 0)))
        // The provider raises its price while the hold stands: the accepted task keeps the held price.
        e.report(ResourceReport(id: "a", freeUnits: 4, priceFenPerUnitHour: 700), now: 1)
        let task = try e.acceptHold("q1/o1", as: "t1", spec: spec(2), now: 2)
        #expect(task == placement)
        #expect(task.parts.map(\.priceFenPerUnitHour) == [100])
        #expect(e.status(of: "t1")?.state == .scheduled)
        #expect(e.status(of: "t1")?.placement == placement)
        #expect(e.holdCount == 0)
        #expect(e.capacity(of: "a")! == (reportedFree: 4, reserved: 2, pending: 2, effectiveFree: 2))
        // The task's reservation behaves as any other: released when the task ends.
        e.release("t1", now: 3)
        #expect(e.capacity(of: "a")! == (reportedFree: 4, reserved: 0, pending: 0, effectiveFree: 4))
        #expect(throws: SuanliError.self) { try e.acceptHold("q1/o1", as: "t2", spec: spec(2), now: 4) }
    }

    @Test func aRemovedOrUnavailableResourceBreaksAHold() throws {
        var e = engine([resource("a", units: 4), resource("b", units: 4, price: 950)])
        _ = try e.hold("q1/o1", spec: spec(4), expiresAt: 30, now: 0)
        _ = try e.hold("q1/o2", spec: spec(4), expiresAt: 30, now: 0, excluding: ["a"])
        e.removeResource("a", now: 1)
        #expect(throws: SuanliError.self) { try e.acceptHold("q1/o1", as: "t1", spec: spec(4), now: 1) }
        #expect(!e.isHeld("q1/o1"))
        e.setAvailable("b", false, now: 1)
        #expect(throws: SuanliError.self) { try e.acceptHold("q1/o2", as: "t1", spec: spec(4), now: 1) }
        #expect(e.isHeld("q1/o2"))
        // A resource with the old id registered again starts with nothing held.
        e.upsertResource(resource("a", units: 4), now: 2)
        #expect(e.capacity(of: "a")!.effectiveFree == 4)
        #expect(e.expireHolds(now: 30) == ["q1/o2"])
        e.setAvailable("b", true, now: 31)
        #expect(e.capacity(of: "b")!.effectiveFree == 4)
    }

    @Test func holdsSurviveARestoreAndAnImpossibleSpecIsSaid() throws {
        var e = engine([resource("a", units: 4)])
        let placement = Placement(
            alternative: 0, parts: [.init(resource: "a", units: 3, priceFenPerUnitHour: 900, rttMs: nil, renewable: 0.5)])
        e.restoreHold("q1/o1", placement: placement, expiresAt: 30)
        #expect(e.capacity(of: "a")!.effectiveFree == 1)
        #expect(try e.acceptHold("q1/o1", as: "t1", spec: spec(3), now: 1) == placement)
        guard case .impossible = try e.hold("q2/o1", spec: spec(64), expiresAt: 30, now: 1) else {
            Issue.record("a 64-unit gang task on 4-unit nodes is impossible")
            return
        }
    }
}
