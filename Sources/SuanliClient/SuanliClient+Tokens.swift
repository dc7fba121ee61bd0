import Foundation
import SuanliCore

// Tokens, auditors and the audit log.
extension SuanliClient {
    /// `GET /v1/tokens`: the tokens this client's token may see, without secrets.
    public func tokens() async throws -> [TokenRecord] {
        let list: ItemList<TokenRecord> = try await call(.GET, Endpoints.tokens.path())
        return list.items
    }

    /// `POST /v1/tokens`: a new token (its secret in ``TokenRecord/token``, shown once).
    public func createToken(_ request: TokenRequest = TokenRequest()) async throws -> TokenRecord {
        try await call(.POST, Endpoints.tokens.path(), body: request)
    }

    /// `DELETE /v1/tokens/{id}`: revokes a token at once.
    public func revokeToken(_ id: String) async throws {
        _ = try await raw(.DELETE, Endpoints.token.path(id), body: nil)
    }

    /// `POST /v1/tokens/{id}/rotate`: a replacement token (secret shown once); the old one is revoked.
    public func rotateToken(_ id: String, _ rotation: TokenRotation = TokenRotation()) async throws -> TokenRecord {
        try await call(.POST, Endpoints.tokenRotation.path(id), body: rotation)
    }

    /// `POST /v1/auditors` (operator): registers an auditor; the result carries its token.
    public func registerAuditor(_ registration: AuditorRegistration) async throws -> AuditorRecord {
        try await call(.POST, Endpoints.auditors.path(), body: registration)
    }

    /// `GET /v1/auditors` (operator, auditors).
    public func auditors() async throws -> [AuditorRecord] {
        let list: ItemList<AuditorRecord> = try await call(.GET, Endpoints.auditors.path())
        return list.items
    }

    /// `GET /v1/audit`: one page of the audit log, newest first (operator, auditors).
    public func audit(
        since: Date? = nil, until: Date? = nil, actor: String? = nil, action: String? = nil, limit: Int? = nil, cursor: String? = nil
    ) async throws -> Page<AuditEntry> {
        var parameters: [(String, String)] = []
        if let since { parameters.append(("since", Timestamp.format(since))) }
        if let until { parameters.append(("until", Timestamp.format(until))) }
        if let actor { parameters.append(("actor", actor)) }
        if let action { parameters.append(("action", action)) }
        if let limit { parameters.append(("limit", String(limit))) }
        if let cursor { parameters.append(("cursor", cursor)) }
        return try await call(.GET, Endpoints.audit.path() + Self.queryString(parameters))
    }
}
