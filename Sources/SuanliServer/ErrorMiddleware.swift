import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SuanliCore

/// Turns every error into `{"error":{"code","message"}}` with the matching status.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as SuanliError {
            return Self.response(error)
        } catch let error as HTTPError {
            let code: SuanliError.Code =
                switch error.status {
                case .notFound: .notFound
                case .contentTooLarge: .tooLarge
                case .methodNotAllowed: .methodNotAllowed
                case .unauthorized: .unauthorized
                case .forbidden: .forbidden
                default: error.status.code < 500 ? .badRequest : .internal
                }
            let message =
                error.status == .notFound
                ? "no endpoint \(request.method) \(request.uri.path); see docs/api.md"
                : (error.body ?? error.status.reasonPhrase)
            return Self.response(SuanliError(code, message), status: error.status)
        } catch {
            logger.error("unhandled error", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return Self.response(SuanliError(.internal, "internal error; see the server log"))
        }
    }

    static func status(for code: SuanliError.Code) -> HTTPResponse.Status {
        switch code {
        case .badRequest, .invalidIdentifier: .badRequest
        case .validation: .unprocessableContent
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .methodNotAllowed: .methodNotAllowed
        case .unavailable: .serviceUnavailable
        default: .internalServerError
        }
    }

    static func response(_ error: SuanliError, status: HTTPResponse.Status? = nil) -> Response {
        // Written by hand so that "code" comes before "message", as documented.
        let encoder = SuanliJSON.encoder()
        let code = (try? encoder.encode(error.code.rawValue)) ?? Data("\"internal\"".utf8)
        let message = (try? encoder.encode(error.message)) ?? Data("\"\"".utf8)
        let data = Data(#"{"error":{"code":"#.utf8) + code + Data(#","message":"#.utf8) + message + Data("}}".utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if error.code == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(
            status: status ?? Self.status(for: error.code), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
