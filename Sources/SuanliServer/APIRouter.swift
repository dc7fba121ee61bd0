import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SuanliCore

/// The `/v1` HTTP API (see `docs/api.md`) as a Hummingbird router over a ``Platform``.
public enum APIRouter {
    /// Builds the router.
    public static func make(platform: Platform, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorMiddleware(logger: logger))
        let api = Handlers(platform: platform)

        router.get("/healthz") { _, _ in try json(["status": "ok"]) }
        router.get("/v1/whoami") { request, _ in
            let platformPrefix = platform.configuration.prefix.description
            return switch try api.principal(request) {
            case .anonymous: try json(WhoAmI(kind: "anonymous", id: nil, platform: platformPrefix))
            case .operator: try json(WhoAmI(kind: "operator", id: nil, platform: platformPrefix))
            case .provider(let prefix): try json(WhoAmI(kind: "provider", id: prefix.description, platform: platformPrefix))
            case .consumer(let id): try json(WhoAmI(kind: "consumer", id: id, platform: platformPrefix))
            }
        }

        router.post("/v1/providers") { request, context in
            let principal = try api.principal(request)
            let body: ProviderRegistration = try await api.decode(request, context)
            return try json(try await platform.registerProvider(body, by: principal), status: .created)
        }
        router.get("/v1/providers") { request, _ in
            try api.read(request)
            return try json(ItemList(items: platform.providers()))
        }
        router.get("/v1/providers/:prefix") { request, context in
            try api.read(request)
            return try json(try platform.provider(context.parameters.get("prefix") ?? ""))
        }
        router.post("/v1/providers/:prefix/token") { request, context in
            let principal = try api.principal(request)
            let text = context.parameters.get("prefix") ?? ""
            let prefix: Prefix
            do throws(IdentifierError) { prefix = try Prefix(parsing: text) } catch { throw SuanliError.identifier(error, field: "prefix") }
            return try json(try await platform.rotateToken(of: prefix, by: principal))
        }

        router.post("/v1/consumers") { request, context in
            let principal = try api.principal(request)
            let body: ConsumerRegistration = try await api.decode(request, context)
            return try json(try await platform.registerConsumer(body, by: principal), status: .created)
        }
        router.get("/v1/consumers") { request, _ in
            return try json(ItemList(items: try platform.consumers(by: try api.principal(request))))
        }

        router.post("/v1/tasks") { request, context in
            let principal = try api.principal(request)
            let spec: TaskSpec = try await api.decode(request, context)
            return try json(try await platform.submitTask(spec, by: principal), status: .created)
        }
        router.get("/v1/tasks") { request, _ in
            let principal = try api.principal(request)
            var filter: TaskState? = nil
            var limit = 100
            var cursor: String? = nil
            for (key, value) in request.uri.queryParameters {
                switch key {
                case "state":
                    guard let state = TaskState(rawValue: String(value)) else {
                        throw SuanliError(
                            .badRequest, "state must be one of \(TaskState.allCases.map(\.rawValue).joined(separator: ", "))",
                            field: "state")
                    }
                    filter = state
                case "limit":
                    guard let n = Int(value), (1...1000).contains(n) else {
                        throw SuanliError(.badRequest, "limit must be a whole number between 1 and 1000", field: "limit")
                    }
                    limit = n
                case "cursor": cursor = String(value)
                default:
                    throw SuanliError(.badRequest, "unknown query parameter '\(key)'; known: state, limit, cursor", field: String(key))
                }
            }
            return try json(try platform.tasks(state: filter, limit: limit, cursor: cursor, by: principal))
        }
        router.get("/v1/tasks/:id") { request, context in
            let principal = try api.principal(request)
            return try json(try platform.task(context.parameters.get("id") ?? "", by: principal))
        }
        router.delete("/v1/tasks/:id") { request, context in
            let principal = try api.principal(request)
            return try json(try await platform.cancelTask(context.parameters.get("id") ?? "", by: principal))
        }
        router.get("/v1/tasks/:id/explain") { request, context in
            let principal = try api.principal(request)
            return try json(try platform.explainTask(context.parameters.get("id") ?? "", by: principal))
        }

        router.get("/v1/tasks/:id/events") { request, context in
            let principal = try api.principal(request)
            return try json(ItemList(items: try platform.task(context.parameters.get("id") ?? "", by: principal).events))
        }
        router.get("/v1/tasks/:id/logs") { request, context in
            let principal = try api.principal(request)
            var stream = "stdout"
            var tail: Int? = nil
            var attempt: Int? = nil
            for (key, value) in request.uri.queryParameters {
                switch key {
                case "stream": stream = String(value)
                case "tail":
                    guard let n = Int(value) else { throw SuanliError(.badRequest, "tail must be a whole number", field: "tail") }
                    tail = n
                case "attempt":
                    guard let n = Int(value), n >= 1 else {
                        throw SuanliError(.badRequest, "attempt must be a whole number from 1", field: "attempt")
                    }
                    attempt = n
                default:
                    throw SuanliError(.badRequest, "unknown query parameter '\(key)'; known: stream, tail, attempt", field: String(key))
                }
            }
            let text = try platform.taskLogs(context.parameters.get("id") ?? "", stream: stream, tail: tail, attempt: attempt, by: principal)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.post("/v1/agent/work") { request, context in
            let principal = try api.principal(request)
            let body: WorkRequest = try await api.decode(request, context)
            return try json(try await platform.work(body, by: principal))
        }
        router.post("/v1/agent/events") { request, context in
            let principal = try api.principal(request)
            let body: AttemptEventBatch = try await api.decode(request, context)
            return try json(try await platform.reportEvents(body, by: principal))
        }
        router.post("/v1/agent/logs") { request, context in
            let principal = try api.principal(request)
            let body: LogChunk = try await api.decode(request, context)
            try platform.appendLog(body, by: principal)
            return Response(status: .noContent)
        }
        router.get("/v1/usage") { request, _ in
            let principal = try api.principal(request)
            var consumer: String? = nil
            var provider: String? = nil
            var from: Date? = nil
            var to: Date? = nil
            for (key, value) in request.uri.queryParameters {
                switch key {
                case "consumer": consumer = String(value)
                case "provider": provider = String(value)
                case "from", "to":
                    guard let date = Timestamp.parse(String(value)) else {
                        throw SuanliError(.badRequest, "\(key) must be an RFC 3339 time such as 2026-11-21T00:00:00Z", field: String(key))
                    }
                    if key == "from" { from = date } else { to = date }
                default:
                    throw SuanliError(
                        .badRequest, "unknown query parameter '\(key)'; known: consumer, provider, from, to", field: String(key))
                }
            }
            return try json(try platform.usage(consumer: consumer, provider: provider, from: from, to: to, by: principal))
        }

        router.get("/v1/resources") { request, _ in
            try api.read(request)
            let parameters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
            let query: DiscoveryQuery
            do throws(ValidationError) { query = try DiscoveryQuery(parameters: parameters) } catch {
                throw SuanliError(.badRequest, error.message, field: error.field)
            }
            return try json(try platform.discover(query))
        }
        router.get("/v1/resources/**") { request, _ in
            try api.read(request)
            return try json(try platform.resolve(try api.identifier(request, after: "/v1/resources/")))
        }
        router.put("/v1/resources/**") { request, context in
            let principal = try api.principal(request)
            let id = try api.identifier(request, after: "/v1/resources/")
            let spec: ResourceSpec = try await api.decode(request, context)
            let (record, created) = try await platform.putResource(id, spec: spec, by: principal)
            return try json(record, status: created ? .created : .ok)
        }
        router.delete("/v1/resources/**") { request, _ in
            let principal = try api.principal(request)
            try await platform.deleteResource(try api.identifier(request, after: "/v1/resources/"), by: principal)
            return Response(status: .noContent)
        }

        router.get("/v1/resolve/**") { request, _ in
            try api.read(request)
            return try json(try platform.resolve(try api.identifier(request, after: "/v1/resolve/")))
        }
        router.post("/v1/resolve") { request, context in
            try api.read(request)
            let body: ResolveBatch = try await api.decode(request, context)
            return try json(ResolveBatchResult(items: try platform.resolve(batch: body.ids)))
        }

        router.post("/v1/telemetry") { request, context in
            let principal = try api.principal(request)
            let body: TelemetryBatch = try await api.decode(request, context)
            return try json(try await platform.report(body, by: principal))
        }

        router.get("/v1/topology") { request, _ in
            try api.read(request)
            return try json(platform.topology())
        }
        router.put("/v1/topology/latency") { request, context in
            let principal = try api.principal(request)
            let body: LatencyOverride = try await api.decode(request, context)
            try await platform.setMeasuredLatency(body, by: principal)
            return try json(platform.topology())
        }
        router.get("/v1/stats") { request, _ in
            try api.read(request)
            return try json(platform.stats())
        }
        return router
    }

    /// Encodes `value` as a JSON response.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try SuanliJSON.encoder().encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Shared request plumbing: tokens, identifiers in paths, bodies.
struct Handlers: Sendable {
    let platform: Platform

    /// The caller, from `Authorization: Bearer TOKEN`.
    func principal(_ request: Request) throws -> Principal {
        guard let header = request.headers[.authorization] else { return .anonymous }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw SuanliError(.unauthorized, "the Authorization header must be 'Bearer TOKEN'")
        }
        return try platform.authenticate(token: String(parts[1]).trimmingCharacters(in: .whitespaces))
    }

    /// Checks read access.
    func read(_ request: Request) throws {
        try platform.authorizeRead(try principal(request))
    }

    /// The identifier in the path after `prefix`, percent-decoded but otherwise exactly as sent.
    func identifier(_ request: Request, after prefix: String) throws -> String {
        let path = request.uri.path
        guard path.hasPrefix(prefix) else { throw SuanliError(.notFound, "no such endpoint") }
        let raw = String(path.dropFirst(prefix.count))
        guard let decoded = raw.removingPercentEncoding else {
            throw SuanliError(.invalidIdentifier, "the identifier in the path has a malformed %-escape", field: "id")
        }
        return decoded
    }

    /// Decodes a JSON body of at most the configured size.
    func decode<T: Decodable>(_ request: Request, _ context: BasicRequestContext) async throws -> T {
        var request = request
        let limit = platform.configuration.maxBodyBytes
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw SuanliError(.tooLarge, "the request body is larger than \(limit) bytes; split it into smaller calls")
        } catch is NIOTooManyBytesError {
            throw SuanliError(.tooLarge, "the request body is larger than \(limit) bytes; split it into smaller calls")
        }
        guard buffer.readableBytes > 0 else {
            throw SuanliError(.badRequest, "the request needs a JSON body")
        }
        do {
            return try SuanliJSON.decoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw SuanliError(.badRequest, DecodingMessages.describe(error), field: DecodingMessages.field(error))
        }
    }
}

/// Turns `DecodingError`s into messages that name the field.
enum DecodingMessages {
    static func path(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue { out += "[\(index)]" } else { out += out.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return out
    }

    static func field(_ error: DecodingError) -> String? {
        switch error {
        case .keyNotFound(let key, let context): return path(context.codingPath + [key])
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let p = path(context.codingPath)
            return p.isEmpty ? nil : p
        @unknown default: return nil
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field '\(path(context.codingPath + [key]))'"
        case .typeMismatch(let type, let context):
            return "field '\(path(context.codingPath))' has the wrong type; expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "field '\(path(context.codingPath))' is null; expected \(typeName(type))"
        case .dataCorrupted(let context):
            let p = path(context.codingPath)
            if p.isEmpty { return "the body is not valid JSON" }
            return "field '\(p)' is invalid: \(context.debugDescription)"
        @unknown default:
            return "the body could not be decoded"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type, is UInt64.Type: "a whole number"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "\(type)".contains("Array") ? "an array" : "an object"
        }
    }
}
