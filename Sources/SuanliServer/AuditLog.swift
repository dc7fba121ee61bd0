import Foundation
import HTTPTypes
import Hummingbird
import SuanliCore
import SuanliStore
import Synchronization

/// What the audit log records, and its numbering. The entries themselves live in storage
/// (``AuditEntry``); see "Audit log" in `docs/operations.md`.
///
/// Audited: every API request that may change something — `POST`, `PUT`, `PATCH`, `DELETE` —
/// allowed or refused, except:
/// - `POST /v1/resolve` is a read (a batch of lookups): never audited;
/// - the agents' calls (`POST /v1/agent/work|events|logs`) and `POST /v1/telemetry` are
///   operational data, many per second per provider, not administrative changes: audited only
///   when refused with 401 or 403 (a stolen, revoked or misused token). Their effects are in
///   each task's events and each resource's live state.
final class AuditLog: Sendable {
    /// How a route is audited.
    enum Policy: Sendable, Equatable {
        /// Not audited (reads).
        case never
        /// Every request, whatever its result.
        case always
        /// Only requests refused with 401 or 403.
        case refusedOnly

        /// Whether a request answered with `status` is recorded.
        func records(_ status: Int) -> Bool {
            switch self {
            case .never: false
            case .always: true
            case .refusedOnly: status == 401 || status == 403
            }
        }
    }

    private let lastID: Mutex<Int64>
    /// The success status each action answered with last (what a request's entry is written with
    /// in its write's batch, before the answer is known).
    private let successes = Mutex<[String: Int]>([:])

    /// Continues the numbering after the last stored entry.
    init(lastID: Int64) { self.lastID = Mutex(lastID) }

    /// The status `action` is expected to answer with: the last success seen, else by method
    /// (`POST` 201, `DELETE` 204, others 200).
    func expectedStatus(for action: String) -> Int {
        if let known = successes.withLock({ $0[action] }) { return known }
        return action.hasPrefix("POST ") ? 201 : action.hasPrefix("DELETE ") ? 204 : 200
    }

    /// Remembers a success status of `action`.
    func learn(_ action: String, status: Int) {
        guard status < 400 else { return }
        successes.withLock { if $0[action] != status { $0[action] = status } }
    }

    /// The next entry's id.
    func nextID() -> Int64 {
        lastID.withLock {
            $0 += 1
            return $0
        }
    }

    /// Routes audited only when refused: high-rate operational calls of agents and telemetry.
    static let operationalRoutes: Set<String> = Set(
        [Endpoints.agentWork, Endpoints.agentEvents, Endpoints.agentLogs, Endpoints.telemetry].map(\.route.description))
    /// `POST` routes that only read.
    static let readRoutes: Set<String> = [Endpoints.resolveBatch.route.description]

    /// How a request to `route` (Hummingbird's endpoint path) with `method` is audited.
    static func policy(method: HTTPRequest.Method, route: String?) -> Policy {
        switch method {
        case .post, .put, .patch, .delete: break
        default: return .never
        }
        guard let route else { return .always }
        if method == .post && readRoutes.contains(route) { return .never }
        if method == .post && operationalRoutes.contains(route) { return .refusedOnly }
        return .always
    }

    /// The documented templates by Hummingbird route text (`/v1/resources/**` → `/v1/resources/{id...}`).
    static let templates: [String: PathTemplate] = Dictionary(
        Endpoints.identifierPaths.map { ($0.route.description, $0) }, uniquingKeysWith: { first, _ in first })

    /// `METHOD /v1/route/{param}` for an audited request.
    static func action(method: HTTPRequest.Method, route: String?) -> String {
        let path = route.map { templates[$0]?.description ?? $0 } ?? "?"
        return "\(method.rawValue) \(path)"
    }

    /// The client's address: the peer, or — when the peer is a trusted proxy — the last address
    /// in `X-Forwarded-For` that is not one, written `client (via proxy)`.
    static func client(peer: String?, forwardedFor: String?, trustedProxies: Set<String>) -> String {
        let peer = peer ?? "unknown"
        guard trustedProxies.contains(peer), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let client = hops.last(where: { !trustedProxies.contains($0) }) else { return peer }
        return "\(Validation.excerpt(client, maxCharacters: 64)) (via \(peer))"
    }
}
