import Foundation
import Hummingbird
import SuanliCore

/// Establishes the caller once per request from `Authorization: Bearer TOKEN` (the operator
/// token, or a provider's or consumer's token) and stores it in the context.
///
/// The shape of hummingbird-auth's `AuthenticatorMiddleware`: `authenticate` returns the
/// identity, or nil to leave the request anonymous (no header); a malformed header or an
/// unknown token ends the request with 401.
struct BearerAuthenticator<Context: PrincipalRequestContext>: RouterMiddleware {
    let platform: Platform

    /// The caller named by the request's bearer token; nil when it sends none.
    func authenticate(request: Request, context: Context) throws -> Principal? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw SuanliError(.unauthorized, "the Authorization header must be 'Bearer TOKEN'")
        }
        return try platform.authenticate(token: String(parts[1]).trimmingCharacters(in: .whitespaces))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let principal = try authenticate(request: request, context: context) else {
            return try await next(request, context)
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}
