import Foundation

/// The answer of `GET /api/handles/{handle}`: `{"responseCode","handle","values"}` on success,
/// `{"responseCode","handle","message"}` on error (Handle.Net HTTP JSON REST API).
public struct HandleRecord: Sendable, Codable, Hashable {
    /// The Handle protocol response code.
    public var responseCode: HandleResponseCode
    /// The handle exactly as requested (%-decoded).
    public var handle: String
    /// What went wrong, on errors and when no value matches.
    public var message: String?
    /// The values (empty when no value matches the filters; absent on errors).
    public var values: [HandleValue]?

    /// Creates an answer.
    public init(responseCode: HandleResponseCode, handle: String, message: String? = nil, values: [HandleValue]? = nil) {
        self.responseCode = responseCode
        self.handle = handle
        self.message = message
        self.values = values
    }

    /// The record as JSON, keys sorted, slashes unescaped.
    public func json() -> Data {
        (try? Self.encoder.encode(self))
            ?? Data(#"{"responseCode":2,"handle":"","message":"the answer could not be encoded"}"#.utf8)
    }

    /// Reads a record (tests, clients).
    public static func decode(_ data: Data) throws -> HandleRecord {
        try decoder.decode(HandleRecord.self, from: data)
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        return decoder
    }
}
