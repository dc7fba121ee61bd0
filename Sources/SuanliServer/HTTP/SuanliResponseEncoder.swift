import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SuanliCore

/// Encodes handler results as the API's JSON (`SuanliJSON.encoder()`), `application/json; charset=utf-8`.
public struct SuanliResponseEncoder: ResponseEncoder {
    /// Creates an encoder.
    public init() {}

    /// Encodes `value` as a 200 JSON response (routes change the status where they answer another).
    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        let data = try SuanliJSON.encoder().encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
