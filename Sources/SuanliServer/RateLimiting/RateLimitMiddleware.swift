import Dispatch
import HTTPTypes
import Hummingbird
import SuanliCore

/// Refuses requests over their class's limit (``RateLimiter``) with `429` and `Retry-After`,
/// before any work is done for them.
///
/// Runs after ``BearerAuthenticator``: an authenticated caller is limited per token, an
/// anonymous one per client address (the peer, or `X-Forwarded-For` from a trusted proxy).
/// A discovery or resolve read signed by a platform of the federation (``PeerCallRecognition``)
/// is not limited: it is that platform's consumers' query, and they are limited at their home.
struct RateLimitMiddleware<Context: PrincipalRequestContext>: RouterMiddleware {
    let limiter: RateLimiter
    let trustedProxies: Set<String>
    let peerCalls: PeerCallRecognition

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !limiter.isEmpty,
            let limitClass = RateLimitClass.of(method: request.method.rawValue, path: Substring(request.uri.path))
        else { return try await next(request, context) }
        if await isPeerRead(request, limitClass: limitClass, context: context) { return try await next(request, context) }
        let key: String
        if let token = context.tokenID {
            key = "token " + token
        } else {
            key = "address " + AuditLog.client(
                peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[.xForwardedFor],
                trustedProxies: trustedProxies)
        }
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        switch limiter.admit(limitClass, key: key, now: now) {
        case .allowed:
            return try await next(request, context)
        case .limited(let retryAfter):
            let limit = limiter.limits[limitClass].map { " (limit \($0))" } ?? ""
            var error = SuanliError(
                .rateLimited,
                "too many \(limitClass.rawValue) requests from this client\(limit); retry after \(max(1, Int(retryAfter.rounded(.up)))) s")
            error.retryAfter = retryAfter
            throw error
        }
    }

    /// Whether `request` is a body-less discovery or resolve read whose peer signature verifies.
    private func isPeerRead(_ request: Request, limitClass: RateLimitClass, context: Context) async -> Bool {
        guard limitClass == .discovery || limitClass == .resolve, context.tokenID == nil,
            request.method == .get || request.method == .head,
            let name = HTTPField.Name(FederationHeaders.signature), request.headers[name] != nil,
            let verifier = peerCalls.current
        else { return false }
        let headers = request.headers
        let peer = await verifier.verifiedPeer(method: request.method.rawValue, target: request.head.path ?? request.uri.description) { text in
            HTTPField.Name(text).flatMap { headers[$0] }
        }
        return peer != nil
    }
}
