import SuanliCore

/// Operator-measured RTTs, keyed by the pair of locations.
extension LatencyOverride: StoreRecord {
    public static let table = RecordTable(name: "latency", columns: ["from_code", "to_code", "rtt_ms"], key: ["from_code", "to_code"])

    public static let migrations = [
        SchemaMigration("latency.create") { db in
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS latency(
                  from_code TEXT NOT NULL, to_code TEXT NOT NULL, rtt_ms REAL NOT NULL, PRIMARY KEY(from_code, to_code)
                ) WITHOUT ROWID
                """)
        }
    ]

    public var columnValues: [StoreValue] { [.text(from), .text(to), .real(rttMs)] }

    public init(row: StoreRow) throws {
        self.init(from: try row.text(0), to: try row.text(1), rttMs: try row.real(2))
    }
}
