import Foundation
import SuanliCore
import Testing

@testable import SuanliScheduler

/// Fair share: decayed past usage relative to each consumer's share orders equal-priority tasks.
@Suite("Fair share")
struct FairShareTests {
    @Test func usageDecaysByItsHalfLifeAndFactorsFollowTheFormula() {
        var share = FairShare(halfLife: 100)
        #expect(share.factors(now: 0).isEmpty, "no usage: every consumer has 1")
        share.record(consumer: "a", amount: 300, at: 0)
        share.record(consumer: "b", amount: 100, at: 0)
        #expect(share.decayedUsage(of: "a", now: 100) == 150)
        #expect(share.decayedUsage(of: "a", now: 200) == 75)
        // u_a = 3/4 of all usage, s_a = 1/2 of the shares: 2^(-1.5); b: 2^(-0.5).
        let factors = share.factors(now: 50)
        #expect(abs(factors["a"]! - pow(2, -1.5)) < 1e-12)
        #expect(abs(factors["b"]! - pow(2, -0.5)) < 1e-12)
        // A larger share lifts the factor: a with share 3 has exactly its share.
        share.shares["a"] = 3
        #expect(abs(share.factors(now: 50)["a"]! - 0.5) < 1e-12)
        // Records out of time order give the same decayed usage.
        var forward = FairShare(halfLife: 100)
        forward.record(consumer: "c", amount: 10, at: 0)
        forward.record(consumer: "c", amount: 20, at: 100)
        var backward = FairShare(halfLife: 100)
        backward.record(consumer: "c", amount: 20, at: 100)
        backward.record(consumer: "c", amount: 10, at: 0)
        #expect(abs(forward.decayedUsage(of: "c", now: 300) - backward.decayedUsage(of: "c", now: 300)) < 1e-9)
        // Nonsense is ignored.
        share.record(consumer: "d", amount: -5, at: 0)
        share.record(consumer: "d", amount: .nan, at: 0)
        #expect(share.decayedUsage(of: "d", now: 0) == 0)
    }

    @Test func equalPriorityTasksGoByFactorThenAge() throws {
        var e = engine([resource("86.1.1/only")])
        _ = try e.submit("running", spec: spec(8), now: 0)
        func task(_ consumer: String, priority: Int = 0) -> TaskSpec {
            var s = spec(8, priority: priority)
            s.consumer = consumer
            return s
        }
        for (id, consumer) in [("heavy-1", "heavy"), ("light-1", "light"), ("heavy-2", "heavy"), ("new-1", "new")] {
            #expect(try e.submit(id, spec: task(consumer), now: 1).isQueued)
        }
        #expect(try e.submit("urgent", spec: task("heavy", priority: 5), now: 1).isQueued)
        #expect(e.queuedTaskIDs == ["urgent", "heavy-1", "light-1", "heavy-2", "new-1"], "no factors: priority, then age")
        e.setFairShare(["heavy": 0.2, "light": 0.7])
        // Priority still comes first; then the consumer without usage (1), light, heavy.
        #expect(e.queuedTaskIDs == ["urgent", "new-1", "light-1", "heavy-1", "heavy-2"])
        #expect(e.status(of: "light-1")?.queuePosition == 3)
        // A task submitted later joins by its consumer's factor.
        #expect(try e.submit("light-2", spec: task("light"), now: 2).isQueued)
        #expect(e.queuedTaskIDs == ["urgent", "new-1", "light-1", "light-2", "heavy-1", "heavy-2"])
        var order: [String] = []
        var last = "running"
        for step in 0..<6 {
            let result = e.release(last, now: Double(10 + step))
            #expect(result.scheduled.count == 1)
            last = result.scheduled[0].id
            order.append(last)
        }
        #expect(order == ["urgent", "new-1", "light-1", "light-2", "heavy-1", "heavy-2"])
        // Factors back to 1: plain age order again; out-of-range factors are clamped.
        e.setFairShare(["x": .nan, "y": 7])
        #expect(e.fairShare == [:])
    }
}
