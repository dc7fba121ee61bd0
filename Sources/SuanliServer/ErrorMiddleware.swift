import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOHTTP1
import SuanliCore

/// Turns every error into `{"error":{"code","message"}}` with the matching status: a
/// ``SuanliError`` renders itself (`HTTPResponseError`), Hummingbird's own errors (no route,
/// body too large) are mapped to a code, a malformed body is a 400, and anything else is a logged 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as SuanliError {
            return error.response()
        } catch let error as HTTPError {
            let message =
                error.status == .notFound
                ? "no endpoint \(request.method) \(ExactPathMiddleware<Context>.excerpt(request.uri.path)); see docs/api.md"
                : (error.body ?? error.status.reasonPhrase)
            return Self.error(for: error.status, message).response()
        } catch let error as HTTPParserError {
            // A body that breaks HTTP/1.1 (a bad chunk size, conflicting lengths) or ends early
            // is only found while the handler reads it.
            return SuanliError(.badRequest, "the request is not valid HTTP/1.1: \(error.debugDescription)").response()
        } catch let error as any HTTPResponseError {
            return Self.error(for: error.status, error.status.reasonPhrase).response()
        } catch {
            logger.error("unhandled error", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return SuanliError(.internal, "internal error; see the server log").response()
        }
    }

    /// The platform error for a status Hummingbird answered with.
    static func error(for status: HTTPResponse.Status, _ message: String) -> SuanliError {
        let code: SuanliError.Code =
            switch status {
            case .notFound: .notFound
            case .contentTooLarge: .tooLarge
            case .methodNotAllowed: .methodNotAllowed
            case .unauthorized: .unauthorized
            case .forbidden: .forbidden
            default: status.code < 500 ? .badRequest : .internal
            }
        return SuanliError(code, message, status: status.code)
    }
}
