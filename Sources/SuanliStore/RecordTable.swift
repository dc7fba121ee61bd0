/// Where a record type lives: its table, columns, key and load order. Backend-neutral: a store
/// derives its upsert, update, delete and select statements from it. The table itself is
/// created and evolved by the record type's named migrations.
public struct RecordTable: Sendable, Hashable {
    /// The table name (`[a-z_][a-z0-9_]*`).
    public var name: String
    /// Every column a record writes and loads, in the order of ``StoreRecord/columnValues`` and ``StoreRow``.
    public var columns: [String]
    /// The columns that identify a row (a primary key or unique constraint); upserts conflict on them.
    public var key: [String]
    /// Columns written when a row is first inserted and kept when it is replaced (e.g. `created_at`, `seq`).
    public var insertOnly: Set<String>
    /// Columns that order a load (ascending); empty for any order.
    public var orderBy: [String]

    /// Positions of ``key`` in ``columns``.
    public let keyIndexes: [Int]

    /// Describes a table.
    public init(name: String, columns: [String], key: [String], insertOnly: Set<String> = [], orderBy: [String] = []) {
        self.name = name
        self.columns = columns
        self.key = key
        self.insertOnly = insertOnly
        self.orderBy = orderBy
        keyIndexes = key.compactMap { columns.firstIndex(of: $0) }
    }

    /// Checks names and that key, insert-only and order columns are columns of the table.
    public func validate() throws(StoreError) {
        for name in [name] + columns where !Self.isIdentifier(name) {
            throw StoreError("record table \(self.name): '\(name)' is not a plain SQL identifier ([a-z_][a-z0-9_]*)")
        }
        guard Set(columns).count == columns.count else { throw StoreError("record table \(name): a column is listed twice") }
        guard !key.isEmpty, keyIndexes.count == key.count else {
            throw StoreError("record table \(name): the key \(key) must be one or more of its columns")
        }
        let unknown = insertOnly.union(orderBy).subtracting(columns)
        guard unknown.isEmpty else { throw StoreError("record table \(name): unknown columns \(unknown.sorted())") }
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first)
        else { return false }
        return name.utf8.allSatisfy {
            $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
        }
    }
}
