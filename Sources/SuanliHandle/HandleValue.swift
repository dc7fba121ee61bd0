import Foundation

/// One value of a handle record: `{"index","type","data":{"format","value"},"ttl","timestamp"}`.
public struct HandleValue: Sendable, Codable, Hashable {
    /// The value's index, unique in its record.
    public var index: Int
    /// The value's type, e.g. `URL`, `HS_ADMIN` or `SUANLI.KIND`.
    public var type: String
    /// The value's data.
    public var data: HandleData
    /// How many seconds a resolver may cache the value.
    public var ttl: Int
    /// When the value last changed (encoded as ISO 8601, whole seconds, UTC).
    public var timestamp: Date

    /// Creates a value.
    public init(index: Int, type: String, data: HandleData, ttl: Int, timestamp: Date) {
        self.index = index
        self.type = type
        self.data = data
        self.ttl = ttl
        self.timestamp = timestamp
    }

    enum CodingKeys: String, CodingKey {
        case index, type, data, ttl, timestamp
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        index = try c.decode(Int.self, forKey: .index)
        type = try c.decode(String.self, forKey: .type)
        data = try c.decode(HandleData.self, forKey: .data)
        ttl = try c.decode(Int.self, forKey: .ttl)
        let text = try c.decode(String.self, forKey: .timestamp)
        guard let date = try? Date(text, strategy: .iso8601) else {
            throw DecodingError.dataCorruptedError(forKey: .timestamp, in: c, debugDescription: "not an ISO 8601 time: \(text)")
        }
        timestamp = date
    }

    /// Encodes the value; the timestamp is ISO 8601 in whole seconds (`2026-11-21T22:31:04Z`)
    /// whatever the encoder's date strategy, as Handle servers write it.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(type, forKey: .type)
        try c.encode(data, forKey: .data)
        try c.encode(ttl, forKey: .ttl)
        try c.encode(timestamp.formatted(.iso8601), forKey: .timestamp)
    }

    /// A value of format `string`.
    public static func string(_ index: Int, _ type: String, _ text: String, ttl: Int, at timestamp: Date) -> HandleValue {
        HandleValue(index: index, type: type, data: HandleData(format: "string", value: .string(text)), ttl: ttl, timestamp: timestamp)
    }
}

/// The data of a handle value: its `format` and the decoded `value`.
public struct HandleData: Sendable, Codable, Hashable {
    /// `string`, `base64` or `admin` (the formats this server writes).
    public var format: String
    /// The value, a string or (format `admin`) an admin reference.
    public var value: HandleDataValue

    /// Creates the data of a value.
    public init(format: String, value: HandleDataValue) {
        self.format = format
        self.value = value
    }
}

/// A handle value's data: text, or the admin reference of an `HS_ADMIN` value.
public enum HandleDataValue: Sendable, Codable, Hashable {
    /// Text (formats `string` and `base64`).
    case string(String)
    /// An administrator: the handle and index of its key, and its permission bits.
    case admin(HandleAdmin)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .string(text)
        } else {
            self = .admin(try container.decode(HandleAdmin.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .admin(let admin): try container.encode(admin)
        }
    }
}

/// The value of an `HS_ADMIN`: who administers the handle and with which permissions.
public struct HandleAdmin: Sendable, Codable, Hashable {
    /// The administrator's handle, e.g. `0.NA/86.1`.
    public var handle: String
    /// The index of the administrator's key value in that handle.
    public var index: Int
    /// Twelve `0`/`1` permission bits, as the Handle system writes them.
    public var permissions: String

    /// Creates an admin reference.
    public init(handle: String, index: Int, permissions: String) {
        self.handle = handle
        self.index = index
        self.permissions = permissions
    }
}
