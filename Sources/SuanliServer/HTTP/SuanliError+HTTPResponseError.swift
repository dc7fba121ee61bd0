import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SuanliCore

/// The platform's errors are Hummingbird errors: each one knows its status and renders
/// itself as `{"error":{"code","message"}}`.
extension SuanliError: HTTPResponseError {
    /// The HTTP status of this error (500 if ``SuanliError/status`` is not an HTTP status).
    public var status: HTTPResponse.Status {
        let code = statusCode
        return (100...599).contains(code) ? HTTPResponse.Status(code: code) : .internalServerError
    }

    /// The error as a response: the JSON envelope, and `WWW-Authenticate: Bearer` on 401.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    /// The error as a response, independent of any request.
    func response() -> Response {
        // Sorted keys: "code" before "message", as documented.
        let encoder = SuanliJSON.encoder()
        encoder.outputFormatting.insert(.sortedKeys)
        let data =
            (try? encoder.encode(body))
            ?? Data(#"{"error":{"code":"internal","message":"the error could not be encoded"}}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        let status: HTTPResponse.Status = self.status
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if let retryAfter { headers[.retryAfter] = String(max(1, Int(retryAfter.rounded(.up)))) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
