/// A kind of durable record. A feature declares its own record type — table, named
/// migrations, how a record becomes column values and back — and registers it in the
/// ``StoreSchema`` it opens the store with; no central enum or switch changes.
///
/// ```swift
/// struct Invoice: StoreRecord {
///     static let table = RecordTable(name: "invoices", columns: ["id", "amount_fen"], key: ["id"])
///     static let migrations = [SchemaMigration("invoices.create") { db in
///         try db.execute("CREATE TABLE invoices(id TEXT PRIMARY KEY, amount_fen INTEGER NOT NULL)")
///     }]
///     var id: String, amountFen: Int64
///     var columnValues: [StoreValue] { [.text(id), .integer(amountFen)] }
///     init(row: StoreRow) throws { id = try row.text(0); amountFen = try row.integer(1) }
/// }
/// var schema = StoreSchema.core
/// schema.register(Invoice.self)
/// ```
public protocol StoreRecord: Sendable {
    /// The table the records live in.
    static var table: RecordTable { get }
    /// Named migrations that create and evolve the table, in order. Names are global and
    /// permanent (convention: `table.step`); a migration, once released, never changes.
    static var migrations: [SchemaMigration] { get }
    /// The record's values in the order of `table.columns`.
    var columnValues: [StoreValue] { get }
    /// Decodes one row; throws (preferably a ``RecordDecodingError`` from the row's accessors)
    /// when the row does not decode — a load never skips a row.
    init(row: StoreRow) throws
    /// A decoder for the rows of one load; it may cache across rows (parsed prefixes, labels).
    /// The default calls ``init(row:)``.
    static func rowDecoder() -> (StoreRow) throws -> Self
}

extension StoreRecord {
    /// Decodes each row with ``init(row:)``.
    public static func rowDecoder() -> (StoreRow) throws -> Self { { try Self(row: $0) } }

    /// The values of `table.key` for this record.
    public var keyValues: [StoreValue] {
        let values = columnValues
        return Self.table.keyIndexes.map { values[$0] }
    }
}
