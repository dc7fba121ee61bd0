/// The `type=` and `index=` filters of a Handle resolution (each repeatable): a value is
/// returned if its index is one of the indices or its type matches one of the types; without
/// filters every value is returned.
///
/// A type ending in `.` also matches its period-delimited subtypes (`SUANLI.` matches
/// `SUANLI.KIND`); types are compared ignoring ASCII case, as the Handle system does.
public struct HandleFilter: Sendable, Hashable {
    /// The requested indices.
    public var indices: Set<Int>
    /// The requested types.
    public var types: [String]

    /// Why a query string is not a filter.
    public struct Invalid: Error, Sendable, Equatable {
        /// What is wrong.
        public var message: String
    }

    /// No filter: every value.
    public init(indices: Set<Int> = [], types: [String] = []) {
        self.indices = indices
        self.types = types
    }

    /// The most `type` plus `index` parameters one request may carry.
    public static let maxParameters = 64

    /// Reads `index` and `type` from the query parameters; others (`auth`, `publicOnly`, …) are
    /// accepted and ignored: every answer is authoritative and every value public.
    public init(parameters: [(String, String)]) throws(Invalid) {
        var indices = Set<Int>()
        var types: [String] = []
        var count = 0
        for (name, value) in parameters where name == "index" || name == "type" {
            count += 1
            guard count <= Self.maxParameters else {
                throw Invalid(message: "at most \(Self.maxParameters) index and type parameters per request")
            }
            if name == "index" {
                guard let index = Int32(value), index >= 0 else {
                    throw Invalid(message: "index must be a non-negative integer, got '\(Self.excerpt(value))'")
                }
                indices.insert(Int(index))
            } else {
                guard !value.isEmpty else { throw Invalid(message: "type must not be empty") }
                guard value.utf8.count <= 256 else { throw Invalid(message: "type is longer than 256 bytes") }
                types.append(value)
            }
        }
        self.init(indices: indices, types: types)
    }

    /// Whether the filter lets every value through.
    public var isEmpty: Bool { indices.isEmpty && types.isEmpty }

    /// Whether `value` passes the filter.
    public func matches(_ value: HandleValue) -> Bool {
        if isEmpty || indices.contains(value.index) { return true }
        return types.contains { Self.type(value.type, matches: $0) }
    }

    /// `type` equals `filter`, or `filter` ends in `.` and `type` starts with it (ASCII case ignored).
    static func type(_ type: String, matches filter: String) -> Bool {
        let type = type.lowercased()
        let filter = filter.lowercased()
        return type == filter || (filter.hasSuffix(".") && type.hasPrefix(filter))
    }

    /// At most 64 characters of `text`, for messages.
    static func excerpt(_ text: String) -> String { text.count <= 64 ? text : String(text.prefix(64)) + "…" }
}
