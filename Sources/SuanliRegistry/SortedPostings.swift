/// Sorted lists of slots; slots grow with registration order, so appends are O(1).
extension Array where Element == Int32 {
    /// Index of the first element `>= slot`.
    func lowerBound(_ slot: Int32) -> Int {
        var low = 0
        var high = count
        while low < high {
            let mid = (low &+ high) >> 1
            if self[mid] < slot { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Inserts `slot` keeping the array sorted (append when it is the largest).
    mutating func insertSorted(_ slot: Int32) {
        if let last, last >= slot {
            let i = lowerBound(slot)
            if i < count && self[i] == slot { return }
            insert(slot, at: i)
        } else {
            append(slot)
        }
    }

    /// Removes `slot` if present.
    mutating func removeSorted(_ slot: Int32) {
        let i = lowerBound(slot)
        if i < count && self[i] == slot { remove(at: i) }
    }
}
