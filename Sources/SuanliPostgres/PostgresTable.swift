import PostgresNIO
import SuanliStore

/// A record table's statements in PostgreSQL, derived from its ``RecordTable`` like SQLite's.
/// Text columns compare and sort by bytes (`COLLATE "C"`), as in SQLite, whatever the database's locale.
struct PostgresTable: Sendable {
    let table: RecordTable
    /// Columns of a text type, found in the catalog at open.
    let textColumns: Set<String>
    /// Placeholders `$n`; text columns compared and sorted with `COLLATE "C"`.
    let dialect: SQLDialect
    let selectSQL: String
    let upsertSQL: String
    let deleteSQL: String
    private let keyCondition: String

    init(_ table: RecordTable, textColumns: Set<String>) {
        self.table = table
        self.textColumns = textColumns
        let columns = table.columns.map(Self.quote).joined(separator: ", ")
        let dialect = SQLDialect(
            placeholder: { "$\($0)" }, falseLiteral: "FALSE",
            comparable: { SQLDialect.quote($0) + (textColumns.contains($0) ? " COLLATE \"C\"" : "") })
        self.dialect = dialect
        let order = table.orderBy.isEmpty ? "" : " ORDER BY " + table.orderBy.map(dialect.comparable).joined(separator: ", ")
        selectSQL = "SELECT \(columns) FROM \(Self.quote(table.name))\(order)"
        let placeholders = table.columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        let replaced = table.columns.filter { !table.key.contains($0) && !table.insertOnly.contains($0) }
        let conflict = table.key.map(Self.quote).joined(separator: ", ")
        let action =
            replaced.isEmpty
            ? "DO NOTHING" : "DO UPDATE SET " + replaced.map { "\(Self.quote($0)) = excluded.\(Self.quote($0))" }.joined(separator: ", ")
        upsertSQL = "INSERT INTO \(Self.quote(table.name))(\(columns)) VALUES(\(placeholders)) ON CONFLICT(\(conflict)) \(action)"
        keyCondition = table.key.enumerated().map { "\(Self.quote($0.element)) = $\($0.offset + 1)" }.joined(separator: " AND ")
        deleteSQL = "DELETE FROM \(Self.quote(table.name)) WHERE \(keyCondition)"
    }

    static func quote(_ name: String) -> String { "\"\(name)\"" }

    /// The SQL and bound values for `query` (every column by default).
    func selectSQL(_ query: StoreQuery, columns: [String]? = nil) -> (String, [StoreValue]) {
        query.selectSQL(from: table, columns: columns, dialect: dialect)
    }

    /// The statement and arguments of one mutation.
    func statement(for mutation: StoreMutation) throws(StoreError) -> PostgresQuery {
        switch mutation.operation {
        case .upsert:
            guard mutation.values.count == table.columns.count else {
                throw StoreError("a write to \(table.name) has \(mutation.values.count) values for \(table.columns.count) columns")
            }
            return PostgresQuery(unsafeSQL: upsertSQL, binds: .init(storeValues: mutation.values))
        case .update(let columns):
            try checkKey(mutation)
            guard !columns.isEmpty, columns.count == mutation.values.count, columns.allSatisfy(table.columns.contains) else {
                throw StoreError("an update of \(table.name) names columns \(columns) with \(mutation.values.count) values")
            }
            let keyCount = table.key.count
            let assignments = columns.enumerated().map { "\(Self.quote($0.element)) = $\(keyCount + $0.offset + 1)" }
            return PostgresQuery(
                unsafeSQL: "UPDATE \(Self.quote(table.name)) SET \(assignments.joined(separator: ", ")) WHERE \(keyCondition)",
                binds: .init(storeValues: mutation.key + mutation.values))
        case .delete:
            try checkKey(mutation)
            return PostgresQuery(unsafeSQL: deleteSQL, binds: .init(storeValues: mutation.key))
        case .deleteMatching(let query):
            try query.validate(for: table)
            let (select, arguments) = selectSQL(query, columns: table.key)
            let keys = table.key.map(Self.quote).joined(separator: ", ")
            return PostgresQuery(
                unsafeSQL: "DELETE FROM \(Self.quote(table.name)) WHERE (\(keys)) IN (\(select))", binds: .init(storeValues: arguments))
        }
    }

    private func checkKey(_ mutation: StoreMutation) throws(StoreError) {
        guard mutation.key.count == table.key.count else {
            throw StoreError("a write to \(table.name) has \(mutation.key.count) key values for the key \(table.key)")
        }
    }
}

extension PostgresBindings {
    /// Bindings for `values`, in order: integers as `int8`, reals as `float8`, text, bytes as `bytea`.
    init(storeValues values: [StoreValue]) {
        self.init(capacity: values.count)
        for value in values { append(storeValue: value) }
    }

    /// Appends one value.
    mutating func append(storeValue value: StoreValue) {
        switch value {
        case .null: appendNull()
        case .integer(let integer): append(integer)
        case .real(let real): append(real)
        case .text(let text): append(text)
        case .blob(let bytes): append(ByteBuffer(bytes: bytes))
        }
    }
}

extension StoreValue {
    /// The value of one result cell: integer types as integers, floating types as reals,
    /// booleans as 0/1, `bytea` as bytes, anything else as its text.
    init(cell: PostgresCell) throws(StoreError) {
        guard var bytes = cell.bytes else {
            self = .null
            return
        }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8: self = .integer(try cell.decode(Int64.self))
            case .float4, .float8: self = .real(try cell.decode(Double.self))
            case .bool: self = .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .bytea: self = .blob(bytes.readBytes(length: bytes.readableBytes) ?? [])
            default: self = .text(try cell.decode(String.self))
            }
        } catch {
            throw StoreError("PostgreSQL: column \(cell.columnName) of type \(cell.dataType) does not decode: \(error)")
        }
    }
}
