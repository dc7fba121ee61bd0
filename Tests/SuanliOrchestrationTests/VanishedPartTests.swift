import Foundation
import SuanliCore
import SuanliOrchestration
import Testing

/// A part the agent acknowledged but no longer lists (it restarted, or stopped the part at
/// shutdown) is lost at once and placed again, instead of looking like running work forever.
@Suite("Vanished parts")
struct VanishedPartTests {
    @Test func acknowledgedPartsMissingFromThePollAreLostAndRequeued() {
        var h = Harness()
        _ = h.submit(.scheduled(placement(resourceA)))
        let ref = AttemptRef(task: "t1", attempt: 1, resource: resourceA)
        // Assigned but not yet acknowledged: not vanished, whatever the agent lists.
        #expect(h.book.vanished(on: providerA, running: []).isEmpty)
        h.clock.advance(1)
        _ = h.send(event(.running))
        // Listed: still running.
        #expect(h.book.vanished(on: providerA, running: [ref]).isEmpty)
        // No longer listed: gone.
        #expect(h.book.vanished(on: providerA, running: []) == ["t1"])
        #expect(h.book.vanished(on: providerB, running: []).isEmpty, "another provider's poll says nothing about it")
        h.clock.advance(2)
        let actions = h.book.partsVanished(["t1"], on: providerA, now: h.clock.now)
        #expect(h.state() == .queued && h.book["t1"]!.runtime.attempt == 2)
        #expect(actions.has(.requeue(task: "t1")) && actions.has(.persist(task: "t1")))
        #expect(actions.metered.map(\.unitSeconds) == [2], "metered up to when the platform noticed")
        // An ended part is not vanished.
        _ = h.place("t1", placement(resourceB))
        _ = h.send(event(.running, attempt: 2, on: resourceB), from: providerB)
        _ = h.send(event(.succeeded, attempt: 2, on: resourceB, exitCode: 0), from: providerB)
        #expect(h.state() == .succeeded)
        #expect(h.book.vanished(on: providerB, running: []).isEmpty)
    }
}
