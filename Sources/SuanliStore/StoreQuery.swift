/// A filtered, ordered and limited read of one record table, backend-neutral: the store turns
/// it into SQL (`SELECT … WHERE … ORDER BY … LIMIT`) and the same query can delete the rows it
/// selects (``StoreMutation/deleteMatching(_:_:)``). For tables too large to load at start
/// (the audit log), where reads go to storage rather than memory.
public struct StoreQuery: Sendable, Hashable {
    /// How a column is compared with a value.
    public enum Comparison: String, Sendable, Hashable {
        case equal = "="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
    }

    /// One condition on a row.
    public indirect enum Condition: Sendable, Hashable {
        /// `column <comparison> value` (a `NULL` column never matches).
        case compare(String, Comparison, StoreValue)
        /// At least one of the conditions holds.
        case any([Condition])
    }

    /// One ordering column.
    public struct Ordering: Sendable, Hashable {
        /// The column.
        public var column: String
        /// Largest first.
        public var descending: Bool

        /// Orders by `column`, ascending unless `descending`.
        public init(_ column: String, descending: Bool = false) {
            self.column = column
            self.descending = descending
        }
    }

    /// Conditions that must all hold.
    public var conditions: [Condition]
    /// The order of the rows; the table's ``RecordTable/orderBy`` when empty.
    public var order: [Ordering]
    /// At most this many rows.
    public var limit: Int?

    /// Creates a query.
    public init(_ conditions: [Condition] = [], order: [Ordering] = [], limit: Int? = nil) {
        self.conditions = conditions
        self.order = order
        self.limit = limit
    }

    /// Every column the query names.
    public var columns: Set<String> {
        func names(_ condition: Condition) -> [String] {
            switch condition {
            case .compare(let column, _, _): [column]
            case .any(let conditions): conditions.flatMap(names)
            }
        }
        return Set(conditions.flatMap(names) + order.map(\.column))
    }

    /// Checks that every named column belongs to `table` and the limit is positive.
    public func validate(for table: RecordTable) throws(StoreError) {
        let unknown = columns.subtracting(table.columns)
        guard unknown.isEmpty else { throw StoreError("a query of \(table.name) names unknown columns \(unknown.sorted())") }
        if let limit, limit < 1 { throw StoreError("a query of \(table.name) has limit \(limit); it must be at least 1") }
    }

    /// Whether a row with `values` (in the order of `table.columns`) satisfies every condition.
    /// Values compare as SQL does for one type: numbers numerically, text by bytes.
    public func matches(_ values: [StoreValue], in table: RecordTable) -> Bool {
        conditions.allSatisfy { Self.holds($0, values, table) }
    }

    private static func holds(_ condition: Condition, _ values: [StoreValue], _ table: RecordTable) -> Bool {
        switch condition {
        case .any(let conditions):
            return conditions.contains { holds($0, values, table) }
        case .compare(let column, let comparison, let value):
            guard let index = table.columns.firstIndex(of: column), let order = compare(values[index], value) else { return false }
            switch comparison {
            case .equal: return order == 0
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            case .greater: return order > 0
            case .greaterOrEqual: return order >= 0
            }
        }
    }

    /// -1, 0 or 1; `nil` when either side is `NULL` or the types do not compare.
    static func compare(_ a: StoreValue, _ b: StoreValue) -> Int? {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return sign(x, y)
        case (.integer(let x), .real(let y)): return sign(Double(x), y)
        case (.real(let x), .integer(let y)): return sign(x, Double(y))
        case (.real(let x), .real(let y)): return sign(x, y)
        case (.text(let x), .text(let y)): return x == y ? 0 : (x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1)
        case (.blob(let x), .blob(let y)): return x == y ? 0 : (x.lexicographicallyPrecedes(y) ? -1 : 1)
        default: return nil
        }
    }

    /// `records` ordered by ``order`` and cut at ``limit``.
    func ordered<R: StoreRecord>(_ records: [R], in table: RecordTable) -> [R] {
        let ordering = order.isEmpty ? table.orderBy.map { Ordering($0) } : order
        let indexes = ordering.compactMap { o in table.columns.firstIndex(of: o.column).map { ($0, o.descending) } }
        var sorted = records
        if !indexes.isEmpty {
            let keyed = records.map { ($0, $0.columnValues) }
            sorted = keyed.sorted { lhs, rhs in
                for (index, descending) in indexes {
                    let order = Self.compare(lhs.1[index], rhs.1[index]) ?? 0
                    if order != 0 { return descending ? order > 0 : order < 0 }
                }
                return false
            }.map(\.0)
        }
        if let limit, sorted.count > limit { sorted.removeLast(sorted.count - limit) }
        return sorted
    }
}
