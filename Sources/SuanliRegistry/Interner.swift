/// Maps repeated values (models, architectures, label sets) to small integers so that
/// a million records share one copy of each.
struct Interner<Value: Hashable & Sendable>: Sendable {
    private(set) var values: [Value] = []
    private var index: [Value: Int32] = [:]

    /// The number for `value`, adding it if new.
    mutating func intern(_ value: Value) -> Int32 {
        if let i = index[value] { return i }
        let i = Int32(values.count)
        values.append(value)
        index[value] = i
        return i
    }

    /// The number for `value` if it was ever interned.
    func lookup(_ value: Value) -> Int32? { index[value] }

    subscript(i: Int32) -> Value { values[Int(i)] }

    var count: Int { values.count }
}
