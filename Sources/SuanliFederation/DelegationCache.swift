import Foundation
import SuanliCore
import Synchronization

/// Delegation records of other platforms' prefixes learned by forwarding, kept for a while so
/// that every signed call from a distant platform does not cost a walk up and down the tree.
///
/// A record is kept ``ttl`` seconds (the federation's `staticTTL`), never past its own
/// ``SuanliCore/DelegationRecord/lifetime``. A signature that does not verify with a cached key
/// is checked once more against a freshly fetched record (a platform that joined again with a
/// new key is recognised at once).
final class DelegationCache: Sendable {
    let ttl: Double
    /// Records kept at most; a full cache starts again empty.
    let capacity = 10_000
    private let entries = Mutex<[Prefix: (record: DelegationRecord, until: Date)]>([:])

    init(ttl: Double) {
        self.ttl = ttl
    }

    /// The cached record of `prefix`, if still within its time.
    func record(of prefix: Prefix, now: Date) -> DelegationRecord? {
        entries.withLock { entries in
            guard let entry = entries[prefix] else { return nil }
            guard now < entry.until else {
                entries[prefix] = nil
                return nil
            }
            return entry.record
        }
    }

    /// Keeps `record` until `ttl` from `now` or its expiry, whichever comes first.
    func store(_ record: DelegationRecord, now: Date) {
        let until = min(now.addingTimeInterval(ttl), record.issuedAt.addingTimeInterval(DelegationRecord.lifetime))
        guard until > now else { return }
        entries.withLock { entries in
            if entries.count >= capacity, entries[record.prefix] == nil { entries.removeAll(keepingCapacity: true) }
            entries[record.prefix] = (record, until)
        }
    }
}
