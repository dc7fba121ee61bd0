import Foundation
import Synchronization

/// What this platform's own claims took from other platforms' resources since their figures
/// last reached it: the aggregated view lags the owners by up to a sync interval or two, so
/// without this every placement in that window would try the same full resource first.
///
/// A successful claim of `units` on a resource counts against its free units; a claim the owner
/// refused (`409 claim_lost`) marks the resource full. Each entry lasts ``window`` seconds, after
/// which the aggregated view carries the owner's own figure again. The owner's engine stays the
/// only arbiter: this only orders and skips candidates.
final class ClaimLedger: Sendable {
    struct Entry: Sendable {
        var taken: Int
        var full: Bool
        var until: Date
    }

    /// How long an entry counts (seconds).
    let window: Double
    /// Resources tracked at most; a full ledger starts again empty.
    let capacity = 100_000
    private let entries = Mutex<[String: Entry]>([:])

    init(window: Double) {
        self.window = window
    }

    /// The free units of `resource` as this platform should assume them now, given `reported`.
    func free(_ resource: String, reported: Int, now: Date) -> Int {
        entries.withLock { entries in
            guard let entry = entries[resource] else { return reported }
            guard now < entry.until else {
                entries[resource] = nil
                return reported
            }
            return entry.full ? 0 : max(0, reported - entry.taken)
        }
    }

    /// A claim of `units` on `resource` succeeded.
    func claimed(_ resource: String, units: Int, now: Date) {
        update(resource, now: now) { $0.taken += units }
    }

    /// The owner refused a claim on `resource` for lack of capacity.
    func refused(_ resource: String, now: Date) {
        update(resource, now: now) { $0.full = true }
    }

    private func update(_ resource: String, now: Date, _ change: (inout Entry) -> Void) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[resource] == nil { entries.removeAll(keepingCapacity: true) }
            var entry = entries[resource].flatMap { now < $0.until ? $0 : nil } ?? Entry(taken: 0, full: false, until: now)
            change(&entry)
            entry.until = now.addingTimeInterval(window)
            entries[resource] = entry
        }
    }
}
