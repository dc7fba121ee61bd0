import Foundation

/// One column value as a store reads and writes it; backend-neutral (SQLite, PostgreSQL).
public enum StoreValue: Sendable, Hashable {
    /// SQL `NULL`.
    case null
    /// A 64-bit signed integer.
    case integer(Int64)
    /// A double-precision number.
    case real(Double)
    /// UTF-8 text.
    case text(String)
    /// Raw bytes.
    case blob([UInt8])

    /// `text` for a value, `null` for `nil`.
    public static func text(_ value: String?) -> StoreValue { value.map { .text($0) } ?? .null }
    /// `real` for a value, `null` for `nil`.
    public static func real(_ value: Double?) -> StoreValue { value.map { .real($0) } ?? .null }
    /// An integer from an `Int`.
    public static func integer(_ value: Int) -> StoreValue { .integer(Int64(value)) }
    /// An integer from a `UInt64` that fits in 63 bits (sequence numbers, versions); larger values are clamped.
    public static func integer(_ value: UInt64) -> StoreValue { .integer(Int64(clamping: value)) }
    /// `1` or `0`.
    public static func bool(_ value: Bool) -> StoreValue { .integer(value ? 1 : 0) }
    /// Seconds since 1970 as a `real`.
    public static func date(_ value: Date) -> StoreValue { .real(value.timeIntervalSince1970) }

    /// The SQL type name of the value, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .integer: "integer"
        case .real: "real"
        case .text: "text"
        case .blob: "blob"
        }
    }
}

extension StoreValue: CustomStringConvertible {
    /// A short rendering for error messages: text is quoted and truncated.
    public var description: String {
        switch self {
        case .null: "null"
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .text(let value): value.count > 60 ? "'\(value.prefix(60))…'" : "'\(value)'"
        case .blob(let bytes): "blob of \(bytes.count) bytes"
        }
    }
}
