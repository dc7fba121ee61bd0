import Foundation

/// One audited request (`GET /v1/audit`): who did what, to what, when, from where, and the result.
public struct AuditEntry: Sendable, Codable, Hashable {
    /// Increasing in the order requests arrived; also the paging cursor.
    public var id: Int64
    /// When the platform answered.
    public var at: Date
    /// The id of the token presented (also for a revoked or expired one); `nil` without a known token.
    public var token: String?
    /// The caller's role: `operator`, `provider`, `consumer`, `auditor`, or `anonymous` (no or unknown token).
    public var role: String
    /// The caller: provider prefix, consumer or auditor id, `operator`; `nil` for anonymous callers.
    public var owner: String?
    /// Method and route template, e.g. `POST /v1/tasks` or `DELETE /v1/tokens/{id}`.
    public var action: String
    /// The path parameters, e.g. `{"id":"t7"}`.
    public var target: [String: String]
    /// The client address (see `X-Forwarded-For` and trusted proxies in `docs/operations.md`).
    public var from: String
    /// The HTTP status answered.
    public var status: Int
    /// The error code when refused or failed (`forbidden`, `token_revoked`, …).
    public var error: String?

    /// Creates an entry.
    public init(
        id: Int64, at: Date, token: String?, role: String, owner: String?, action: String, target: [String: String],
        from: String, status: Int, error: String?
    ) {
        self.id = id
        self.at = at
        self.token = token
        self.role = role
        self.owner = owner
        self.action = action
        self.target = target
        self.from = from
        self.status = status
        self.error = error
    }

    /// Encodes every field, `null` included.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(at, forKey: .at)
        try c.encode(token, forKey: .token)
        try c.encode(role, forKey: .role)
        try c.encode(owner, forKey: .owner)
        try c.encode(action, forKey: .action)
        try c.encode(target, forKey: .target)
        try c.encode(from, forKey: .from)
        try c.encode(status, forKey: .status)
        try c.encode(error, forKey: .error)
    }
}
