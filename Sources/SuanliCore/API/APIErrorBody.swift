/// The error envelope every failed API call returns: `{"error":{"code","message"}}`.
public struct APIErrorBody: Sendable, Codable, Hashable {
    /// The error detail.
    public struct Detail: Sendable, Codable, Hashable {
        /// A stable machine code such as `invalid_identifier` or `forbidden`.
        public var code: String
        /// What went wrong and how to fix it.
        public var message: String
    }

    public var error: Detail

    /// Creates an error body.
    public init(code: String, message: String) {
        self.error = Detail(code: code, message: message)
    }
}

/// A page of items with an opaque cursor for the next page.
public struct Page<Item: Sendable & Codable & Hashable>: Sendable, Codable, Hashable {
    public var items: [Item]
    /// Pass as `cursor` to get the next page; `nil` on the last page.
    public var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    /// Creates a page.
    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(nextCursor, forKey: .nextCursor)
    }
}

/// A list response `{"items":[…]}`.
public struct ItemList<Item: Sendable & Codable & Hashable>: Sendable, Codable, Hashable {
    public var items: [Item]

    /// Creates a list.
    public init(items: [Item]) { self.items = items }
}
