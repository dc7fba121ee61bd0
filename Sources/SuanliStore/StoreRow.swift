import Foundation

/// A stored row that cannot be turned back into its record. Loading stops with this error
/// rather than dropping the row: the message names the table, the row's key and the column.
public struct RecordDecodingError: Error, Sendable, CustomStringConvertible {
    /// The table the row belongs to.
    public var table: String
    /// The row's key, e.g. `t17` or `(city.beijing, city.shanghai)`.
    public var key: String
    /// The column that does not decode, when one is to blame.
    public var column: String?
    /// What is wrong.
    public var reason: String

    /// Creates a decoding error.
    public init(table: String, key: String, column: String?, reason: String) {
        self.table = table
        self.key = key
        self.column = column
        self.reason = reason
    }

    public var description: String {
        "\(table) row \(key): " + (column.map { "\($0) \(reason)" } ?? reason)
    }
}

/// One row being loaded, read by column index in the order of the record type's
/// ``RecordTable/columns``. Valid only inside the decoding call it is passed to.
///
/// The typed accessors check the stored type (SQLite accepts any value in any column) and
/// throw a ``RecordDecodingError`` naming the table, the row key and the column.
public struct StoreRow {
    /// The table being loaded.
    public let table: RecordTable
    private let read: (Int) -> StoreValue

    /// Creates a row view over a backend's current row; `read(i)` returns column `i` of `table.columns`.
    public init(table: RecordTable, read: @escaping (Int) -> StoreValue) {
        self.table = table
        self.read = read
    }

    /// The raw value of column `index`.
    public subscript(_ index: Int) -> StoreValue { read(index) }

    /// The row's key as shown in error messages.
    public var keyDescription: String {
        let parts = table.keyIndexes.map { index -> String in
            switch read(index) {
            case .text(let text): text
            case let other: other.description
            }
        }
        return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: ", ") + ")"
    }

    /// An error about column `index` of this row.
    public func failure(_ index: Int, _ reason: String) -> RecordDecodingError {
        RecordDecodingError(
            table: table.name, key: keyDescription, column: table.columns.indices.contains(index) ? table.columns[index] : nil,
            reason: reason)
    }

    private func wrongType(_ index: Int, _ expected: String, _ value: StoreValue) -> RecordDecodingError {
        failure(index, "is not \(expected) (\(value.typeName) \(value))")
    }

    /// Text; `NULL` and other types are errors.
    public func text(_ index: Int) throws(RecordDecodingError) -> String {
        let value = read(index)
        guard case .text(let text) = value else { throw wrongType(index, "text", value) }
        return text
    }

    /// Text or `nil` for `NULL`.
    public func optionalText(_ index: Int) throws(RecordDecodingError) -> String? {
        let value = read(index)
        switch value {
        case .null: return nil
        case .text(let text): return text
        default: throw wrongType(index, "text or null", value)
        }
    }

    /// A 64-bit integer.
    public func integer(_ index: Int) throws(RecordDecodingError) -> Int64 {
        let value = read(index)
        guard case .integer(let integer) = value else { throw wrongType(index, "an integer", value) }
        return integer
    }

    /// An `Int`.
    public func int(_ index: Int) throws(RecordDecodingError) -> Int {
        let value = try integer(index)
        guard let int = Int(exactly: value) else { throw failure(index, "is out of range (\(value))") }
        return int
    }

    /// A non-negative integer (sequence numbers, versions).
    public func unsigned(_ index: Int) throws(RecordDecodingError) -> UInt64 {
        let value = try integer(index)
        guard value >= 0 else { throw failure(index, "is negative (\(value))") }
        return UInt64(value)
    }

    /// `0` or `1`.
    public func bool(_ index: Int) throws(RecordDecodingError) -> Bool {
        switch try integer(index) {
        case 0: return false
        case 1: return true
        case let other: throw failure(index, "is not 0 or 1 (\(other))")
        }
    }

    /// A number (an integer is accepted); `NULL` is an error.
    public func real(_ index: Int) throws(RecordDecodingError) -> Double {
        let value = read(index)
        switch value {
        case .real(let real): return real
        case .integer(let integer): return Double(integer)
        default: throw wrongType(index, "a number", value)
        }
    }

    /// A number or `nil` for `NULL`.
    public func optionalReal(_ index: Int) throws(RecordDecodingError) -> Double? {
        if case .null = read(index) { return nil }
        return try real(index)
    }

    /// A date stored as seconds since 1970.
    public func date(_ index: Int) throws(RecordDecodingError) -> Date {
        Date(timeIntervalSince1970: try real(index))
    }

    /// Text that must be a JSON document; the text itself is returned.
    public func json(_ index: Int) throws(RecordDecodingError) -> String {
        let text = try text(index)
        do {
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw failure(index, "does not decode: not JSON (\(StoreValue.text(text)))")
        }
        return text
    }

    /// JSON text or `nil` for `NULL`.
    public func optionalJSON(_ index: Int) throws(RecordDecodingError) -> String? {
        if case .null = read(index) { return nil }
        return try json(index)
    }

    /// A value decoded from JSON text with `decoder`.
    public func decode<T: Decodable>(_ type: T.Type, _ index: Int, decoder: JSONDecoder = JSONDecoder()) throws(RecordDecodingError) -> T {
        let text = try text(index)
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw failure(index, "does not decode: \(error)")
        }
    }
}

@available(*, unavailable)
extension StoreRow: Sendable {}
