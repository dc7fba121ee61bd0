/// An open-addressing hash index from identifier text to slot, built for the resolve hot path.
///
/// Each table cell packs a 32-bit hash tag and the slot into one `UInt64`, so a lookup costs
/// one probe into a dense array plus one comparison of the stored identifier; Swift's
/// `Dictionary<String, _>` touches separate metadata, key and value arrays and each key's heap
/// string. Deleted cells become tombstones; the table rebuilds when tombstones pile up.
struct IdentifierIndex: Sendable {
    private var cells: [UInt64]
    private var mask: Int
    private(set) var count = 0
    private var tombstones = 0

    private static let empty: UInt64 = 0
    private static let tombstone: UInt64 = 1

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        cells = [UInt64](repeating: Self.empty, count: size)
        mask = size - 1
    }

    /// A multiply-xorshift hash over 8-byte words (the last one zero-padded, the length mixed
    /// in), with a final avalanche; the high 32 bits are the tag and the probe start. An
    /// identifier of 25 bytes costs four multiplications, where a byte-wise hash costs 25 in a
    /// chain.
    @inline(__always)
    static func hash(_ text: String) -> UInt64 {
        // In place, without the copy (and its atomic reference count) `withUTF8` needs.
        if let h = text.utf8.withContiguousStorageIfAvailable(hash) { return h }
        var text = text
        return text.withUTF8(hash)
    }

    /// ``hash(_:)-(String)`` of an identifier's UTF-8 bytes.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= bytes.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k
            h ^= h >> 29
            i += 8
        }
        if i < bytes.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < bytes.count {
                tail |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* k
            h ^= h >> 29
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }

    @inline(__always)
    private static func cell(tag: UInt64, slot: Int32) -> UInt64 { (tag << 32) | UInt64(UInt32(bitPattern: slot) &+ 2) }

    @inline(__always)
    private static func slot(of cell: UInt64) -> Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: cell) &- 2) }

    /// The slot of `id`; `matches(slot)` confirms that the slot's identifier equals `id`.
    @inline(__always)
    func find(_ id: String, matches: (Int32) -> Bool) -> Int32? {
        let tag = Self.hash(id) >> 32
        return probe(tag: tag, from: Int(tag), matches: matches)
    }

    /// Probes from cell `start` for a slot with `tag` that `matches` confirms.
    @inline(__always)
    private func probe(tag: UInt64, from start: Int, matches: (Int32) -> Bool) -> Int32? {
        var i = start & mask
        while true {
            let c = cells[i]
            if c == Self.empty { return nil }
            if c != Self.tombstone && c >> 32 == tag {
                let slot = Self.slot(of: c)
                if matches(slot) { return slot }
            }
            i = (i + 1) & mask
        }
    }

    /// The slots of `ids` in order (`-1` for a missing one), written to `slots` (at least as
    /// long): the same answers as ``find(_:matches:)`` one by one, but in stages (hash every
    /// identifier, then probe every table cell, then confirm every candidate) so that the
    /// memory accesses of different identifiers are in flight together instead of one miss
    /// after another.
    @inline(__always)
    func findAll(
        _ ids: UnsafeBufferPointer<String>, into slots: UnsafeMutableBufferPointer<Int32>,
        matches: (Int32, String) -> Bool, prefetch: (Int32) -> UInt8
    ) {
        let n = ids.count
        withUnsafeTemporaryAllocation(of: Int.self, capacity: n) { positions in
            cells.withUnsafeBufferPointer { cells in
                // Plain loads of each identifier's first byte, many in flight at once, so that
                // hashing (a chain of multiplications per identifier) finds its bytes in the cache.
                var touched: UInt8 = 0
                for k in 0..<n { touched ^= Self.firstByte(ids[k]) }
                Self.keep(touched)
                for k in 0..<n { positions[k] = Int(Self.hash(ids[k]) >> 32) }
                // The first cell whose tag matches, or an empty one: one independent load per identifier.
                for k in 0..<n {
                    let tag = UInt64(positions[k])
                    var i = positions[k] & mask
                    var found: Int32 = -1
                    while true {
                        let c = cells[i]
                        if c == Self.empty { break }
                        if c != Self.tombstone && c >> 32 == tag {
                            found = Self.slot(of: c)
                            break
                        }
                        i = (i + 1) & mask
                    }
                    slots[k] = found
                    positions[k] = i
                }
            }
            // The same for the candidates' stored identifiers, before comparing them.
            var touched: UInt8 = 0
            for k in 0..<n where slots[k] >= 0 { touched ^= prefetch(slots[k]) }
            Self.keep(touched)
            for k in 0..<n where slots[k] >= 0 && !matches(slots[k], ids[k]) {
                // A tag collision (rare): probe on from the next cell, as `find` would.
                slots[k] = probe(tag: Self.hash(ids[k]) >> 32, from: positions[k] + 1) { matches($0, ids[k]) } ?? -1
            }
        }
    }

    /// The first UTF-8 byte of `text` (0 when empty), read in place.
    @inline(__always)
    static func firstByte(_ text: String) -> UInt8 {
        text.utf8.withContiguousStorageIfAvailable { $0.first ?? 0 } ?? 0
    }

    /// Keeps the loads that computed `value` (the optimiser cannot see through this call).
    @inline(never) @_optimize(none)
    static func keep<T>(_ value: T) {}

    /// Inserts `id` → `slot`; the caller guarantees `id` is not present.
    mutating func insert(_ id: String, slot: Int32) {
        if (count + tombstones + 1) * 4 > cells.count * 3 { rehash(size: count * 4 > cells.count ? cells.count * 2 : cells.count) }
        let tag = Self.hash(id) >> 32
        var i = Int(tag) & mask
        while cells[i] != Self.empty && cells[i] != Self.tombstone { i = (i + 1) & mask }
        if cells[i] == Self.tombstone { tombstones -= 1 }
        cells[i] = Self.cell(tag: tag, slot: slot)
        count += 1
    }

    /// Removes the entry for `slot` under `id`.
    mutating func remove(_ id: String, slot: Int32) {
        let tag = Self.hash(id) >> 32
        let target = Self.cell(tag: tag, slot: slot)
        var i = Int(tag) & mask
        while cells[i] != Self.empty {
            if cells[i] == target {
                cells[i] = Self.tombstone
                count -= 1
                tombstones += 1
                return
            }
            i = (i + 1) & mask
        }
    }

    /// Rebuilds the table at `size` cells; positions derive from the stored tags alone.
    private mutating func rehash(size: Int) {
        var fresh = [UInt64](repeating: Self.empty, count: size)
        let freshMask = size - 1
        for c in cells where c != Self.empty && c != Self.tombstone {
            var i = Int(c >> 32) & freshMask
            while fresh[i] != Self.empty { i = (i + 1) & freshMask }
            fresh[i] = c
        }
        cells = fresh
        mask = freshMask
        tombstones = 0
    }
}
