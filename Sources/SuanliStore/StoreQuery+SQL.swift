/// What differs between SQL backends when a ``StoreQuery`` is rendered: parameter placeholders,
/// the literal for false, and how a column is written where it is compared or sorted.
public struct SQLDialect: Sendable {
    /// The placeholder for the `n`th bound value (1-based): `?n` in SQLite, `$n` in PostgreSQL.
    public var placeholder: @Sendable (Int) -> String
    /// An always-false condition (an empty `any`).
    public var falseLiteral: String
    /// A quoted column as compared and sorted (PostgreSQL adds a byte-order collation to text).
    public var comparable: @Sendable (String) -> String

    /// Creates a dialect.
    public init(placeholder: @escaping @Sendable (Int) -> String, falseLiteral: String, comparable: @escaping @Sendable (String) -> String) {
        self.placeholder = placeholder
        self.falseLiteral = falseLiteral
        self.comparable = comparable
    }

    /// A double-quoted identifier.
    public static func quote(_ name: String) -> String { "\"\(name)\"" }
}

extension StoreQuery {
    /// `SELECT columns FROM table WHERE … ORDER BY … LIMIT n` for this query on `table` (every
    /// column by default, in the table's order unless the query orders) and the values to bind.
    public func selectSQL(from table: RecordTable, columns: [String]? = nil, dialect: SQLDialect) -> (String, [StoreValue]) {
        var arguments: [StoreValue] = []
        func render(_ condition: Condition) -> String {
            switch condition {
            case .compare(let column, let comparison, let value):
                arguments.append(value)
                return "\(dialect.comparable(column)) \(comparison.rawValue) \(dialect.placeholder(arguments.count))"
            case .any(let conditions):
                return conditions.isEmpty ? dialect.falseLiteral : "(" + conditions.map(render).joined(separator: " OR ") + ")"
            }
        }
        let quote = SQLDialect.quote
        var sql = "SELECT \((columns ?? table.columns).map(quote).joined(separator: ", ")) FROM \(quote(table.name))"
        if !conditions.isEmpty { sql += " WHERE " + conditions.map(render).joined(separator: " AND ") }
        let order = self.order.isEmpty ? table.orderBy.map { Ordering($0) } : self.order
        if !order.isEmpty {
            sql += " ORDER BY " + order.map { dialect.comparable($0.column) + ($0.descending ? " DESC" : "") }.joined(separator: ", ")
        }
        if let limit { sql += " LIMIT \(limit)" }
        return (sql, arguments)
    }
}
