import Foundation
import Hummingbird
import NIOCore
import SuanliCore

/// Decodes JSON request bodies for the API: at most `context.maxUploadSize` bytes (413 above),
/// `SuanliJSON.decoder()` conventions, and `DecodingError`s turned into 400s that name the field.
public struct SuanliRequestDecoder: RequestDecoder {
    /// Creates a decoder.
    public init() {}

    /// Collects the body and decodes it, throwing ``SuanliError`` for every failure.
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let limit = context.maxUploadSize
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Self.tooLarge(limit)
        } catch is NIOTooManyBytesError {
            throw Self.tooLarge(limit)
        }
        guard buffer.readableBytes > 0 else {
            throw SuanliError(.badRequest, "the request needs a JSON body")
        }
        do {
            return try SuanliJSON.decoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw SuanliError(.badRequest, DecodingMessages.describe(error), field: DecodingMessages.field(error))
        }
    }

    static func tooLarge(_ limit: Int) -> SuanliError {
        SuanliError(.tooLarge, "the request body is larger than \(limit) bytes; split it into smaller calls")
    }
}

/// Turns `DecodingError`s into messages that name the field.
enum DecodingMessages {
    /// The field path, e.g. `accept[0].run.command`; keys sent by the client (dictionary keys)
    /// are cut to 64 characters and the path to 200, so that no message echoes input whole.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                let name = ExactPathMiddleware<SuanliRequestContext>.excerpt(key.stringValue, limit: 64)
                out += out.isEmpty ? name : ".\(name)"
            }
        }
        return ExactPathMiddleware<SuanliRequestContext>.excerpt(out)
    }

    static func field(_ error: DecodingError) -> String? {
        switch error {
        case .keyNotFound(let key, let context): return path(context.codingPath + [key])
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let p = path(context.codingPath)
            return p.isEmpty ? nil : p
        @unknown default: return nil
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field '\(path(context.codingPath + [key]))'"
        case .typeMismatch(let type, let context):
            return "field '\(path(context.codingPath))' has the wrong type; expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "field '\(path(context.codingPath))' is null; expected \(typeName(type))"
        case .dataCorrupted(let context):
            let p = path(context.codingPath)
            if p.isEmpty { return "the body is not valid JSON" }
            return "field '\(p)' is invalid: \(context.debugDescription)"
        @unknown default:
            return "the body could not be decoded"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type, is UInt64.Type: "a whole number"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "\(type)".contains("Array") ? "an array" : "an object"
        }
    }
}
