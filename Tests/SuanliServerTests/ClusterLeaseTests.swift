import SuanliCluster
import Testing

/// The leader lease's state machine with a manual clock (seconds): who leads, when a leader
/// gives up, and that a standby never leads before the old leader's lease, as the leader itself
/// counts it, has run out.
@Suite("Cluster lease")
struct ClusterLeaseTests {
    @Test func aStandbyTakesTheLeaseAndRenewsItEveryThird() {
        var lease = LeaderLease(duration: 3)
        #expect(lease.role == .standby)
        #expect(lease.heldGeneration == nil)
        #expect(lease.renewInterval == 1)
        #expect(lease.attempted(sentAt: 10, outcome: .held(generation: 4)) == .lead(generation: 4))
        #expect(lease.role == .leader(generation: 4))
        #expect(lease.heldGeneration == 4)
        #expect(lease.validUntil == 13)
        #expect(lease.forwardURL == nil)
        // Renewals extend the lease from their send time.
        #expect(lease.attempted(sentAt: 11, outcome: .held(generation: 4)) == .none)
        #expect(lease.validUntil == 14)
        #expect(lease.tick(now: 13.9) == .none)
        #expect(lease.role == .leader(generation: 4))
    }

    @Test func aLeaderWhoseRenewalsFailStepsDownWhenItsOwnCountRunsOut() {
        var lease = LeaderLease(duration: 3)
        _ = lease.attempted(sentAt: 0, outcome: .held(generation: 1))
        #expect(lease.attempted(sentAt: 1, outcome: .failed) == .none)
        #expect(lease.attempted(sentAt: 2, outcome: .failed) == .none)
        #expect(lease.tick(now: 2.99) == .none)
        #expect(lease.tick(now: 3) == .stepDown(generation: 1))
        #expect(lease.role == .standby)
        #expect(lease.tick(now: 4) == .none)
        // The database answers again and the lease expired there: taken anew, a new generation.
        #expect(lease.attempted(sentAt: 5, outcome: .held(generation: 2)) == .lead(generation: 2))
    }

    @Test func aRenewalThatFindsAnotherLeaderStepsDownAndForwardsToIt() {
        var lease = LeaderLease(duration: 3)
        _ = lease.attempted(sentAt: 0, outcome: .held(generation: 1))
        let other = LeaderLease.Outcome.heldByOther(instance: "i-b", url: "http://10.0.0.2:8080", generation: 2)
        #expect(lease.attempted(sentAt: 1, outcome: other) == .stepDown(generation: 1))
        #expect(lease.forwardURL == "http://10.0.0.2:8080")
        #expect(lease.leaderID == "i-b")
        #expect(lease.attempted(sentAt: 2, outcome: other) == .none)
    }

    @Test func aRenewalUnderAnotherGenerationStepsDown() {
        // The lease expired and this instance took it again: the platform in memory may have
        // missed another leader's writes in between, so it must be reopened.
        var lease = LeaderLease(duration: 3)
        _ = lease.attempted(sentAt: 0, outcome: .held(generation: 1))
        #expect(lease.attempted(sentAt: 1, outcome: .held(generation: 3)) == .stepDown(generation: 1))
        #expect(lease.attempted(sentAt: 2, outcome: .held(generation: 4)) == .lead(generation: 4))
    }

    @Test func standbysFollowTheLeaderAndKeepItThroughFailedAttempts() {
        var lease = LeaderLease(duration: 3)
        #expect(lease.forwardURL == nil)
        #expect(lease.attempted(sentAt: 0, outcome: .heldByOther(instance: "i-a", url: "http://a", generation: 7)) == .none)
        #expect(lease.forwardURL == "http://a")
        #expect(lease.attempted(sentAt: 1, outcome: .failed) == .none)
        #expect(lease.forwardURL == "http://a")
        #expect(lease.tick(now: 100) == .none)
        #expect(lease.attempted(sentAt: 2, outcome: .heldByOther(instance: "i-c", url: "http://c", generation: 8)) == .none)
        #expect(lease.forwardURL == "http://c")
    }

    @Test func resigningGivesTheLeaseUpOnlyWhenHeld() {
        var lease = LeaderLease(duration: 3)
        #expect(lease.resign() == .none)
        _ = lease.attempted(sentAt: 0, outcome: .held(generation: 9))
        #expect(lease.resign() == .stepDown(generation: 9))
        #expect(lease.role == .standby)
        #expect(lease.validUntil == nil)
    }

    /// Two instances on one simulated database row, with the database counting each lease from
    /// when it received the attempt (later than sent) and attempts every third of the lease: at
    /// no instant do both consider themselves leader, across a crash of the leader's link.
    @Test func twoInstancesNeverLeadAtOnce() {
        struct Row { var holder: String; var generation: Int64; var expires: Double }
        var row: Row?
        let duration = 3.0
        func attempt(_ who: String, held: Int64?, at now: Double) -> LeaderLease.Outcome {
            if var current = row {
                if current.holder == who && current.generation == held {
                    current.expires = now + duration
                } else if current.expires < now {
                    current = Row(holder: who, generation: current.generation + 1, expires: now + duration)
                } else {
                    return .heldByOther(instance: current.holder, url: "http://\(current.holder)", generation: current.generation)
                }
                row = current
                return .held(generation: current.generation)
            }
            row = Row(holder: who, generation: 1, expires: now + duration)
            return .held(generation: 1)
        }
        var a = LeaderLease(duration: duration)
        var b = LeaderLease(duration: duration)
        var leaders: [Double: Set<String>] = [:]
        let delay = 0.2  // each attempt reaches the database this much after it is sent
        for step in 0..<300 {
            let time = Double(step) / 10
            let aCutOff = time >= 10 && time < 20  // a cannot reach the database
            if step % 10 == 0 {
                if aCutOff {
                    _ = a.attempted(sentAt: time, outcome: .failed)
                } else {
                    _ = a.attempted(sentAt: time, outcome: attempt("a", held: a.heldGeneration, at: time + delay))
                }
            }
            if step % 10 == 5 {
                _ = b.attempted(sentAt: time, outcome: attempt("b", held: b.heldGeneration, at: time + delay))
            }
            _ = a.tick(now: time)
            _ = b.tick(now: time)
            var now: Set<String> = []
            if a.heldGeneration != nil { now.insert("a") }
            if b.heldGeneration != nil { now.insert("b") }
            leaders[time] = now
        }
        #expect(leaders.values.allSatisfy { $0.count <= 1 })
        #expect(leaders[5] == ["a"])
        #expect(leaders[15] == ["b"], "b took over while a was cut off")
        #expect(leaders[25] == ["b"], "a, back, follows b")
        #expect(a.forwardURL == "http://b")
    }
}
