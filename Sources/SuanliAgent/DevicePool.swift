/// Hands out the device indexes (or CPU numbers) of one resource to jobs, a value type for
/// the agent's own state.
///
/// ``allocate(_:)`` takes the lowest free indexes, so jobs pack onto the first devices and
/// large requests find contiguous runs when they exist.
public struct DevicePool: Sendable, Hashable {
    /// Every index of the resource, ascending.
    public private(set) var all: [Int]
    /// The indexes not held by a job.
    public private(set) var free: Set<Int>

    /// A pool of `devices`, all free.
    public init(_ devices: [Int]) {
        all = Array(Set(devices)).sorted()
        free = Set(devices)
    }

    /// How many indexes are free.
    public var freeCount: Int { free.count }

    /// Takes `count` free indexes (lowest first), or returns `nil` and takes none.
    public mutating func allocate(_ count: Int) -> [Int]? {
        guard count >= 0, count <= free.count else { return nil }
        let available = free
        let taken = Array(all.lazy.filter { available.contains($0) }.prefix(count))
        for index in taken { free.remove(index) }
        return taken
    }

    /// Marks specific indexes as held (e.g. for jobs recovered after a restart); `false` if any was not free.
    public mutating func claim(_ indexes: [Int]) -> Bool {
        guard indexes.allSatisfy({ free.contains($0) }) else { return false }
        for index in indexes { free.remove(index) }
        return true
    }

    /// Returns indexes to the pool (unknown ones are ignored).
    public mutating func release(_ indexes: [Int]) {
        for index in indexes where all.contains(index) { free.insert(index) }
    }
}
