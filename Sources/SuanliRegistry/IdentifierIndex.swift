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

    /// 64-bit FNV-1a with a final avalanche; the high 32 bits are the tag and the probe start.
    @inline(__always)
    static func hash(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { bytes in
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            h ^= h >> 33
            h = h &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 33
            return h
        }
    }

    @inline(__always)
    private static func cell(tag: UInt64, slot: Int32) -> UInt64 { (tag << 32) | UInt64(UInt32(bitPattern: slot) &+ 2) }

    @inline(__always)
    private static func slot(of cell: UInt64) -> Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: cell) &- 2) }

    /// The slot of `id`; `matches(slot)` confirms that the slot's identifier equals `id`.
    @inline(__always)
    func find(_ id: String, matches: (Int32) -> Bool) -> Int32? {
        let tag = Self.hash(id) >> 32
        var i = Int(tag) & mask
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
