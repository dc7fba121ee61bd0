/// Resources of one provider that share a location, a shape (kind, arch, model, memory per unit)
/// and a renewable share: for a given task their RTT and carbon terms are equal, so the cheapest one with enough
/// free units is the best one in the group.
///
/// Members are kept sorted by (price, tie-break key). A segment tree over that order holds the
/// maximum and the sum of effective free units, so "the first member with at least `u` free
/// units" and "free units among members priced at most `p`" take O(log n). Membership or price
/// changes only mark the group dirty; it is re-sorted on its next use.
struct CapacityGroup: Sendable {
    let location: Int32
    let shape: Int32
    let renewable: Double
    /// The provider all members belong to.
    let provider: Int32
    /// Resource slots, in (price, tie-break key) order when clean.
    var members: [Int32] = []
    /// Prices of `members`, same order.
    var prices: [Int64] = []
    /// Segment tree of max effective free units; leaves start at `leafBase`.
    var maxTree: [Int32] = [0, 0]
    /// Segment tree of summed effective free units.
    var sumTree: [Int64] = [0, 0]
    var leafBase = 1
    var dirty = false
    /// Effective free units of all members (kept exact even while dirty).
    var totalFree: Int64 = 0
    /// Lowest member price (valid when clean; `Int64.max` when empty).
    var minPrice: Int64 = .max
    /// Most units of any member (valid when clean).
    var maxUnits: Int32 = 0
    /// Units of all members (valid when clean).
    var totalUnits: Int64 = 0

    init(location: Int32, shape: Int32, renewable: Double, provider: Int32) {
        self.location = location
        self.shape = shape
        self.renewable = renewable
        self.provider = provider
    }

    var count: Int { members.count }

    /// Rebuilds the trees from `free` (one value per member, same order); members and prices must be sorted.
    mutating func rebuild(free: [Int32], units: [Int32]) {
        maxUnits = units.max() ?? 0
        totalUnits = units.reduce(0) { $0 + Int64($1) }
        var base = 1
        while base < members.count { base <<= 1 }
        leafBase = base
        if maxTree.count != 2 * base {
            maxTree = [Int32](repeating: 0, count: 2 * base)
            sumTree = [Int64](repeating: 0, count: 2 * base)
        } else {
            for i in 0..<(2 * base) {
                maxTree[i] = 0
                sumTree[i] = 0
            }
        }
        var total: Int64 = 0
        for i in members.indices {
            let f = free[i]
            maxTree[base + i] = f
            sumTree[base + i] = Int64(f)
            total += Int64(f)
        }
        var i = base - 1
        while i >= 1 {
            maxTree[i] = max(maxTree[2 * i], maxTree[2 * i + 1])
            sumTree[i] = sumTree[2 * i] + sumTree[2 * i + 1]
            i -= 1
        }
        totalFree = total
        minPrice = prices.first ?? .max
        dirty = false
    }

    /// Sets the effective free units of the member at `position` (clean groups only).
    @inline(__always)
    mutating func set(position: Int, free: Int32) {
        var i = leafBase + position
        maxTree[i] = free
        sumTree[i] = Int64(free)
        i >>= 1
        while i >= 1 {
            let m = max(maxTree[2 * i], maxTree[2 * i + 1])
            let s = sumTree[2 * i] + sumTree[2 * i + 1]
            if maxTree[i] == m && sumTree[i] == s { break }
            maxTree[i] = m
            sumTree[i] = s
            i >>= 1
        }
    }

    /// The most free units of any member.
    @inline(__always)
    var maxFree: Int32 { maxTree[1] }

    /// The first position at or after `start` whose member has at least `units` free units.
    @inline(__always)
    func first(atLeast units: Int32, from start: Int = 0) -> Int? {
        if start >= members.count { return nil }
        var i: Int
        if start == 0 {
            if maxTree[1] < units { return nil }
            i = 1
        } else {
            i = leafBase + start
            if maxTree[i] >= units { return start }
            while true {
                while i & 1 == 1 { i >>= 1 }
                if i == 0 { return nil }
                i += 1
                if maxTree[i] >= units { break }
            }
        }
        while i < leafBase { i = maxTree[2 * i] >= units ? 2 * i : 2 * i + 1 }
        return i - leafBase
    }

    /// Free units summed over the first `count` positions.
    func freeSum(prefix count: Int) -> Int64 {
        if count >= members.count { return sumTree[1] }
        var total: Int64 = 0
        var lo = leafBase
        var hi = leafBase + count
        while lo < hi {
            if lo & 1 == 1 {
                total += sumTree[lo]
                lo += 1
            }
            if hi & 1 == 1 {
                hi -= 1
                total += sumTree[hi]
            }
            lo >>= 1
            hi >>= 1
        }
        return total
    }

    /// The number of members priced at most `price` (they form a prefix).
    @inline(__always)
    func countPriced(atMost price: Int64) -> Int {
        if price == .max { return members.count }
        var lo = 0
        var hi = prices.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if prices[mid] <= price { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Effective free units of the member at `position` (clean groups only).
    @inline(__always)
    func free(at position: Int) -> Int32 { maxTree[leafBase + position] }
}
