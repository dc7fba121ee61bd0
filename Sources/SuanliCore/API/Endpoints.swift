/// The paths of the HTTP API, written once and used by both the server's routes and the
/// client's calls (see `docs/api.md`).
public enum Endpoints {
    /// `GET /healthz`.
    public static let health: PathTemplate = "/healthz"
    /// `GET /openapi.json`: the OpenAPI 3.1 document of the API.
    public static let openAPI: PathTemplate = "/openapi.json"
    /// `GET /v1/whoami`.
    public static let whoami: PathTemplate = "/v1/whoami"

    /// `POST/GET /v1/providers`.
    public static let providers: PathTemplate = "/v1/providers"
    /// `GET /v1/providers/{prefix}`.
    public static let provider: PathTemplate = "/v1/providers/{prefix}"
    /// `POST /v1/providers/{prefix}/token`.
    public static let providerToken: PathTemplate = "/v1/providers/{prefix}/token"

    /// `POST/GET /v1/consumers`.
    public static let consumers: PathTemplate = "/v1/consumers"

    /// `POST/GET /v1/auditors`.
    public static let auditors: PathTemplate = "/v1/auditors"
    /// `GET/POST /v1/tokens`: list (without secrets) and create tokens.
    public static let tokens: PathTemplate = "/v1/tokens"
    /// `DELETE /v1/tokens/{id}`: revoke.
    public static let token: PathTemplate = "/v1/tokens/{id}"
    /// `POST /v1/tokens/{id}/rotate`.
    public static let tokenRotation: PathTemplate = "/v1/tokens/{id}/rotate"
    /// `GET /v1/audit`: the audit log.
    public static let audit: PathTemplate = "/v1/audit"

    /// `POST/GET /v1/tasks`.
    public static let tasks: PathTemplate = "/v1/tasks"
    /// `GET /v1/tasks/stream`: the caller's task changes as server-sent events.
    public static let taskStream: PathTemplate = "/v1/tasks/stream"
    /// `GET/DELETE /v1/tasks/{id}`.
    public static let task: PathTemplate = "/v1/tasks/{id}"
    /// `GET /v1/tasks/{id}/explain`.
    public static let taskExplanation: PathTemplate = "/v1/tasks/{id}/explain"
    /// `GET /v1/tasks/{id}/events`.
    public static let taskEvents: PathTemplate = "/v1/tasks/{id}/events"
    /// `GET /v1/tasks/{id}/logs`.
    public static let taskLogs: PathTemplate = "/v1/tasks/{id}/logs"

    /// `POST /v1/agent/work`.
    public static let agentWork: PathTemplate = "/v1/agent/work"
    /// `POST /v1/agent/events`.
    public static let agentEvents: PathTemplate = "/v1/agent/events"
    /// `POST /v1/agent/logs`.
    public static let agentLogs: PathTemplate = "/v1/agent/logs"

    /// `GET /v1/usage`.
    public static let usage: PathTemplate = "/v1/usage"
    /// `GET /v1/bills?consumer=&month=`: consumers' monthly bills.
    public static let bills: PathTemplate = "/v1/bills"
    /// `GET /v1/payouts?provider=&month=`: providers' monthly payouts.
    public static let payouts: PathTemplate = "/v1/payouts"
    /// `GET/PUT /v1/consumers/{id}/budget`: a consumer's budget in fen.
    public static let consumerBudget: PathTemplate = "/v1/consumers/{id}/budget"
    /// `GET/PUT /v1/consumers/{id}/quotas`: a consumer's unit quotas per kind.
    public static let consumerQuotas: PathTemplate = "/v1/consumers/{id}/quotas"
    /// `GET /v1/platform/instances`: the instances of this platform and which one leads.
    public static let platformInstances: PathTemplate = "/v1/platform/instances"

    /// `POST /v1/quotes`: offers whose capacity is held.
    public static let quotes: PathTemplate = "/v1/quotes"
    /// `DELETE /v1/quotes/{id}`: release early.
    public static let quote: PathTemplate = "/v1/quotes/{id}"
    /// `POST /v1/quotes/{id}/accept`: take an offer.
    public static let quoteAcceptance: PathTemplate = "/v1/quotes/{id}/accept"

    /// `GET /v1/resources?…` (discovery).
    public static let resources: PathTemplate = "/v1/resources"
    /// `PUT/GET/DELETE /v1/resources/{id}`: the identifier is the rest of the path, slashes included.
    public static let resource: PathTemplate = "/v1/resources/{id...}"
    /// `GET /v1/resolve/{id}`: the identifier is the rest of the path, slashes included.
    public static let resolve: PathTemplate = "/v1/resolve/{id...}"
    /// `POST /v1/resolve` (batch).
    public static let resolveBatch: PathTemplate = "/v1/resolve"

    /// `POST /v1/telemetry`.
    public static let telemetry: PathTemplate = "/v1/telemetry"
    /// `GET /v1/topology`.
    public static let topology: PathTemplate = "/v1/topology"
    /// `PUT /v1/topology/latency`.
    public static let latency: PathTemplate = "/v1/topology/latency"
    /// `GET /v1/stats`.
    public static let stats: PathTemplate = "/v1/stats"

    /// `GET /v1/federation`: this platform's place in the federation.
    public static let federation: PathTemplate = "/v1/federation"
    /// `POST/GET /v1/federation/children`: delegate a child prefix (operator), list children.
    public static let federationChildren: PathTemplate = "/v1/federation/children"
    /// `GET /v1/federation/settlements?peer=&month=`: what this platform and a peer owe each other (operator, auditors).
    public static let federationSettlements: PathTemplate = "/v1/federation/settlements"
    /// `GET /v1/federation/delegations/{prefix}`: the signed delegation record of a prefix.
    public static let federationDelegation: PathTemplate = "/v1/federation/delegations/{prefix}"
    /// `POST /v1/federation/join`: a child joins with its one-time token (signed peer call).
    public static let federationJoin: PathTemplate = "/v1/federation/join"
    /// `POST /v1/federation/sync`: a child's heartbeat (signed peer call).
    public static let federationSync: PathTemplate = "/v1/federation/sync"

    /// Paths whose last parameter takes the rest of the path (identifiers with slashes).
    public static let identifierPaths: [PathTemplate] = [resource, resolve]

    /// `GET /api/handles/{handle}`: Handle-compatible resolution (the Handle.Net REST API's path).
    public static let handles: PathTemplate = "/api/handles/{handle...}"
    /// Paths whose handler checks the rest of the path itself and answers in its own format
    /// (the Handle API answers malformed handles with Handle response codes).
    public static let selfCheckedPaths: [PathTemplate] = [handles]
}

/// A path of the API with named parameters: `{name}` is one segment, `{name...}` (last only)
/// is the rest of the path, slashes included.
public struct PathTemplate: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// One part of a template between slashes.
    public enum Segment: Sendable, Hashable {
        /// Text matched exactly.
        case literal(String)
        /// One segment, named.
        case parameter(String)
        /// The rest of the path, slashes included, named.
        case rest(String)
    }

    /// The segments after the leading `/`.
    public let segments: [Segment]

    /// Parses a template such as `/v1/tasks/{id}/logs`.
    public init(stringLiteral text: String) {
        precondition(text.hasPrefix("/"), "a path template starts with '/': \(text)")
        segments = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { part in
            guard part.hasPrefix("{"), part.hasSuffix("}") else { return .literal(String(part)) }
            let name = part.dropFirst().dropLast()
            return name.hasSuffix("...") ? .rest(String(name.dropLast(3))) : .parameter(String(name))
        }
        precondition(
            segments.dropLast().allSatisfy { if case .rest = $0 { false } else { true } },
            "only the last parameter may take the rest of the path: \(text)")
    }

    /// The literal text before the first parameter, e.g. `/v1/resources/` for
    /// `/v1/resources/{id...}`; the whole path when there are no parameters.
    public var literalPrefix: String {
        var out = ""
        for segment in segments {
            guard case .literal(let text) = segment else { return out + "/" }
            out += "/" + text
        }
        return out
    }

    /// Whether the last parameter takes the rest of the path.
    public var takesRest: Bool {
        if case .rest = segments.last { true } else { false }
    }

    /// A concrete path with `values` for the parameters in order, each percent-escaped
    /// outside the identifier alphabet; slashes are kept only in a rest parameter, and a
    /// value that is a whole `.` or `..` segment is escaped so that no client resolves it.
    public func path(_ values: String...) -> String {
        var values = values.makeIterator()
        var out = ""
        for segment in segments {
            out += "/"
            switch segment {
            case .literal(let text): out += text
            case .parameter: out += Self.escape(values.next() ?? "", keepingSlashes: false)
            case .rest: out += Self.escape(values.next() ?? "", keepingSlashes: true)
            }
        }
        return out
    }

    /// The template as written, e.g. `/v1/tasks/{id}`.
    public var description: String {
        segments.map { segment in
            switch segment {
            case .literal(let text): "/" + text
            case .parameter(let name): "/{\(name)}"
            case .rest(let name): "/{\(name)...}"
            }
        }.joined()
    }

    /// Percent-escapes every byte outside `A-Z a-z 0-9 - . _ ~ :` (and `/` if kept), and the
    /// dots of whole `.` and `..` segments.
    static func escape(_ text: String, keepingSlashes: Bool) -> String {
        let parts = keepingSlashes ? text.split(separator: "/", omittingEmptySubsequences: false) : [Substring(text)]
        return parts.map { part -> String in
            if part == "." || part == ".." { return String(repeating: "%2E", count: part.count) }
            var out = ""
            for byte in part.utf8 {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                    UInt8(ascii: "~"), UInt8(ascii: ":"):
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                default:
                    out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
                }
            }
            return out
        }.joined(separator: "/")
    }
}
