import Foundation
import SuanliCore
import Testing

@testable import SuanliFederation

/// Delegation records learned by forwarding are kept for the static lifetime, never past their own expiry.
@Suite("Delegation cache")
struct DelegationCacheTests {
    static func record(_ prefix: String, issuedAt: Date) -> DelegationRecord {
        DelegationRecord(
            prefix: try! Prefix(parsing: prefix), name: "p", url: "http://127.0.0.1:1", publicKey: "key", parent: nil, issuedAt: issuedAt,
            signature: "sig")
    }

    @Test func keptForItsTimeAndNeverPastItsExpiry() {
        let cache = DelegationCache(ttl: 300)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let prefix = try! Prefix(parsing: "86.1.2")
        cache.store(Self.record("86.1.2", issuedAt: now), now: now)
        #expect(cache.record(of: prefix, now: now.addingTimeInterval(299)) != nil)
        #expect(cache.record(of: prefix, now: now.addingTimeInterval(300)) == nil, "past the ttl")
        // A record a minute from its expiry is kept a minute, not five.
        let old = now.addingTimeInterval(-DelegationRecord.lifetime + 60)
        cache.store(Self.record("86.1.2", issuedAt: old), now: now)
        #expect(cache.record(of: prefix, now: now.addingTimeInterval(59)) != nil)
        #expect(cache.record(of: prefix, now: now.addingTimeInterval(61)) == nil, "past the record's own expiry")
        // An expired record is not kept at all.
        cache.store(Self.record("86.1.3", issuedAt: now.addingTimeInterval(-DelegationRecord.lifetime - 1)), now: now)
        #expect(cache.record(of: try! Prefix(parsing: "86.1.3"), now: now) == nil)
    }
}

/// The home's ledger of its own recent claims, until the aggregated view shows them.
@Suite("Claim ledger")
struct ClaimLedgerTests {
    @Test func claimsCountAgainstTheViewAndRefusalsMarkFullForAWindow() {
        let ledger = ClaimLedger(window: 3)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(ledger.free("86.1.1.1/a", reported: 10, now: now) == 10)
        ledger.claimed("86.1.1.1/a", units: 4, now: now)
        ledger.claimed("86.1.1.1/a", units: 4, now: now.addingTimeInterval(1))
        #expect(ledger.free("86.1.1.1/a", reported: 10, now: now.addingTimeInterval(1)) == 2)
        #expect(ledger.free("86.1.1.1/a", reported: 5, now: now.addingTimeInterval(1)) == 0, "never below zero")
        ledger.refused("86.1.1.1/b", now: now)
        #expect(ledger.free("86.1.1.1/b", reported: 64, now: now.addingTimeInterval(2.9)) == 0)
        // After the window the view's own figure counts again.
        #expect(ledger.free("86.1.1.1/b", reported: 64, now: now.addingTimeInterval(3)) == 64)
        #expect(ledger.free("86.1.1.1/a", reported: 10, now: now.addingTimeInterval(4)) == 10)
    }
}

/// Look-ups of unknown peers on behalf of unverified calls are rationed.
@Suite("Peer look-up budget")
struct LookupBudgetTests {
    @Test func burstThenRate() {
        let budget = LookupBudget(rate: 5, burst: 20)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect((0..<25).filter { _ in budget.take(now: now) }.count == 20, "a burst of 20")
        #expect(!budget.take(now: now.addingTimeInterval(0.1)), "half a token after 0.1 s")
        #expect(budget.take(now: now.addingTimeInterval(0.2)), "one token after 0.2 s")
        #expect((0..<100).filter { _ in budget.take(now: now.addingTimeInterval(60)) }.count == 20, "never more than the burst")
    }
}
