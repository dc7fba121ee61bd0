import Foundation
import HTTPTypes
import Hummingbird
import SuanliCore

/// Establishes the caller once per request from `Authorization: Bearer TOKEN` and stores it
/// (principal and token id) in the context; records the request in the audit log when
/// ``AuditLog/policy(method:route:)`` says so.
///
/// The shape of hummingbird-auth's `AuthenticatorMiddleware`: `authenticate` returns the
/// identity, or nil to leave the request anonymous (no header); a malformed header or an
/// unknown, revoked or expired token ends the request with 401.
///
/// Auditing sits here because only here are both the refused token (401) and the final status
/// known: an audited request's entry is durable before its response is sent, and joins the
/// batch of the request's own write (``AuditScope``).
struct BearerAuthenticator<Context: PrincipalRequestContext>: RouterMiddleware {
    let platform: Platform

    /// The caller named by the request's bearer token; nil when it sends none.
    func authenticate(request: Request, context: Context) -> Result<Credential, RefusedToken>? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return .failure(RefusedToken(error: SuanliError(.unauthorized, "the Authorization header must be 'Bearer TOKEN'"), token: nil))
        }
        return platform.identify(secret: String(parts[1]).trimmingCharacters(in: .whitespaces))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let policy = AuditLog.policy(method: request.method, route: context.endpointPath)
        var context = context
        switch authenticate(request: request, context: context) {
        case nil: break
        case .success(let credential)?:
            context.principal = credential.principal
            context.tokenID = credential.tokenID
        case .failure(let refused)?:
            if policy.records(401) {
                let entry = auditEntry(
                    request, context, token: refused.token?.id, role: refused.token?.role.rawValue ?? "anonymous",
                    owner: refused.token?.owner)
                await platform.completeAudit(entry, scope: nil, status: 401, error: refused.error.code.rawValue)
            }
            throw refused.error
        }
        guard policy != .never else { return try await next(request, context) }
        // Every write is audited: the entry rides in the batch of the request's own write.
        let entry =
            policy == .always
            ? auditEntry(request, context, token: context.tokenID, role: context.principal.role?.rawValue ?? "anonymous", owner: context.principal.owner)
            : nil
        let scope = entry.map(AuditScope.init(entry:))
        let response: Response
        do {
            response = try await AuditScope.$current.withValue(scope) { try await next(request, context) }
        } catch {
            let (status, code) = Self.outcome(of: error)
            await complete(entry, scope: scope, request, context, status: status, error: code, policy: policy)
            throw error
        }
        await complete(entry, scope: scope, request, context, status: Int(response.status.code), error: nil, policy: policy)
        return response
    }

    /// Makes the request's entry durable with its result (a refused agent call gets one now).
    private func complete(
        _ entry: AuditEntry?, scope: AuditScope?, _ request: Request, _ context: Context, status: Int, error: String?, policy: AuditLog.Policy
    ) async {
        guard policy.records(status) else { return }
        let entry =
            entry
            ?? auditEntry(request, context, token: context.tokenID, role: context.principal.role?.rawValue ?? "anonymous", owner: context.principal.owner)
        await platform.completeAudit(entry, scope: scope, status: status, error: error)
    }

    /// A new entry describing the request (action, target, client) and its caller.
    private func auditEntry(_ request: Request, _ context: Context, token: String?, role: String, owner: String?) -> AuditEntry {
        let route = context.endpointPath
        var target: [String: String] = [:]
        for (key, value) in context.parameters where key != "**" && key != ":**:" {
            target[String(key)] = Validation.excerpt(value, maxCharacters: 256)
        }
        if let route, let template = AuditLog.templates[route], let rest = try? request.rest(of: template) {
            if case .rest(let name) = template.segments.last { target[name] = Validation.excerpt(rest, maxCharacters: 256) }
        }
        let from = AuditLog.client(
            peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[.xForwardedFor],
            trustedProxies: platform.configuration.trustedProxies)
        return platform.auditEntry(
            token: token, role: role, owner: owner, action: AuditLog.action(method: request.method, route: route), target: target, from: from)
    }

    /// The status and error code an error will be answered with (see ``ErrorMiddleware``).
    static func outcome(of error: any Error) -> (Int, String) {
        switch error {
        case let error as SuanliError: (error.statusCode, error.code.rawValue)
        case let error as HTTPError: (Int(error.status.code), ErrorMiddleware<Context>.error(for: error.status, "").code.rawValue)
        case let error as any HTTPResponseError: (Int(error.status.code), ErrorMiddleware<Context>.error(for: error.status, "").code.rawValue)
        default: (500, SuanliError.Code.internal.rawValue)
        }
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-For`, believed only from ``PlatformConfiguration/trustedProxies``.
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
