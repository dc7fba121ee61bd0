import Foundation
import SuanliCore

/// Everything a resolved record is built from, as plain numbers: two equal stamps of an
/// available resource give the same ``SuanliCore/ResourceRecord``, so a cache of encoded
/// records can be checked without building the record (no strings copied, nothing retained).
///
/// Only an available resource has a stamp: an unavailable one's record says how long ago its
/// last report was, which changes with the clock.
public struct RecordStamp: Sendable, Equatable {
    /// The slot (a deleted and re-created resource has another).
    var slot: Int32
    /// Bumped by every change of the spec or the price.
    var version: UInt64
    var createdAt: Double
    var updatedAt: Double
    /// The live state.
    var heartbeatAt: Double
    var freeUnits: Int32
    var utilization: UInt64
    var price: Int64
    /// The renewable share in effect (the resource's own, else its provider's).
    var renewable: Double
}

/// What ``Registry/resolve(_:now:unlessStamped:)`` found.
public enum StampedLookup: Sendable {
    /// No such resource.
    case missing
    /// The resource's stamp equals the one given: the caller's copy of its record is current.
    case unchanged
    /// The record, with its stamp (nil when the resource is unavailable).
    case record(ResourceRecord, RecordStamp?)
}

extension Registry {
    /// The record for `id`, unless its stamp equals `stamp` (then ``StampedLookup/unchanged``).
    public func resolve(_ id: String, now: Date, unlessStamped stamp: RecordStamp?) -> StampedLookup {
        guard let slot = slot(of: id) else { return .missing }
        let seconds = now.timeIntervalSince1970
        let current = self.stamp(slot, now: seconds)
        if let current, current == stamp { return .unchanged }
        return .record(record(slot, now: seconds), current)
    }

    /// The stamp of the resource in `slot`, nil when it is unavailable at `now`.
    func stamp(_ slot: Int32, now: Double) -> RecordStamp? {
        let index = Int(slot)
        guard isAvailable(entries[index], now: now) else { return nil }
        let renewable = entries[index].renewableOverride
        return RecordStamp(
            slot: slot, version: entries[index].version, createdAt: entries[index].createdAt, updatedAt: entries[index].updatedAt,
            heartbeatAt: entries[index].heartbeatAt, freeUnits: entries[index].freeUnits,
            utilization: entries[index].utilization.bitPattern, price: entries[index].price,
            renewable: renewable.isNaN ? providers[Int(entries[index].provider)].renewable : renewable)
    }
}
