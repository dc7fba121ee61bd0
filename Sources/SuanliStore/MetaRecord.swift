/// A platform setting (platform prefix, next provider, consumer and task numbers).
public struct MetaRecord: StoreRecord, Hashable {
    /// The setting's name.
    public var key: String
    /// Its value.
    public var value: String

    /// Creates a setting.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    public static let table = RecordTable(name: "meta", columns: ["key", "value"], key: ["key"])

    public static let migrations = [
        SchemaMigration("meta.create") { db in
            try db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
        }
    ]

    public var columnValues: [StoreValue] { [.text(key), .text(value)] }

    public init(row: StoreRow) throws {
        key = try row.text(0)
        value = try row.text(1)
    }
}
