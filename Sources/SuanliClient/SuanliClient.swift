import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SuanliCore

/// The typed HTTP client for the Suanli API, shared by the CLI, agents and peer platforms.
public struct SuanliClient: Sendable {
    /// Base URL, e.g. `http://127.0.0.1:8080`: the first of ``rotation``'s.
    public var server: String
    /// Every URL given (`URL1,URL2,…`, the instances of one platform) and the one in use: a call
    /// that cannot connect or gets 503 (502 too, unless a `POST`) is sent to the next one (see ``ServerRotation``).
    public let rotation: ServerRotation
    /// Bearer token sent with every request, if any.
    public var token: String?
    /// Time allowed for one call.
    public var timeout: TimeAmount
    let http: HTTPClient

    /// A process-wide HTTP client that fails fast when the server is unreachable (no silent
    /// connection retries until the deadline) and is never shut down.
    public static let defaultHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(5)
        // Agents hold a long poll open beside their other calls, and CLIs and tests send bursts:
        // enough connections per host that no call waits for a pooled one; idle ones are closed
        // before the server's idle timeout (30 s by default) would close them under a request.
        configuration.connectionPool = .init(idleTimeout: .seconds(20), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Creates a client. The default ``defaultHTTPClient`` needs no shutdown.
    public init(
        server: String, token: String? = nil, httpClient: HTTPClient = SuanliClient.defaultHTTPClient,
        timeout: TimeAmount = .seconds(30)
    ) {
        self.rotation = ServerRotation(server)
        self.server = rotation.servers[0]
        self.token = token
        self.http = httpClient
        self.timeout = timeout
    }

    // MARK: Calls

    /// `GET /healthz`.
    public func health() async throws {
        let _: [String: String] = try await call(.GET, Endpoints.health.path())
    }

    /// `POST /v1/providers` (operator): registers a provider; the result carries its token.
    public func registerProvider(_ registration: ProviderRegistration) async throws -> ProviderRecord {
        try await call(.POST, Endpoints.providers.path(), body: registration)
    }

    /// `GET /v1/providers`.
    public func providers() async throws -> [ProviderRecord] {
        let list: ItemList<ProviderRecord> = try await call(.GET, Endpoints.providers.path())
        return list.items
    }

    /// `GET /v1/providers/{prefix}`.
    public func provider(_ prefix: String) async throws -> ProviderRecord {
        try await call(.GET, Endpoints.provider.path(prefix))
    }

    /// `POST /v1/consumers` (operator): registers a consumer; the result carries its token.
    public func registerConsumer(_ registration: ConsumerRegistration) async throws -> ConsumerRecord {
        try await call(.POST, Endpoints.consumers.path(), body: registration)
    }

    /// `GET /v1/consumers` (operator).
    public func consumers() async throws -> [ConsumerRecord] {
        let list: ItemList<ConsumerRecord> = try await call(.GET, Endpoints.consumers.path())
        return list.items
    }

    /// `POST /v1/tasks` (consumer): submits a task; it is scheduled, queued, or rejected (422).
    public func submit(_ spec: TaskSpec) async throws -> TaskSubmission {
        try await call(.POST, Endpoints.tasks.path(), body: spec)
    }

    /// `GET /v1/tasks/{id}`.
    public func task(_ id: String) async throws -> TaskRecord {
        try await call(.GET, Endpoints.task.path(id))
    }

    /// `GET /v1/tasks?state=&limit=&cursor=`.
    public func tasks(state: TaskState? = nil, limit: Int = 100, cursor: String? = nil) async throws -> Page<TaskRecord> {
        var parameters: [(String, String)] = []
        if let state { parameters.append(("state", state.rawValue)) }
        if limit != 100 { parameters.append(("limit", String(limit))) }
        if let cursor { parameters.append(("cursor", cursor)) }
        return try await call(.GET, Endpoints.tasks.path() + Self.queryString(parameters))
    }

    /// `DELETE /v1/tasks/{id}`: cancels; returns the task as it is now.
    public func cancel(_ id: String) async throws -> TaskRecord {
        try await call(.DELETE, Endpoints.task.path(id))
    }

    /// `GET /v1/tasks/{id}/explain`.
    public func explain(_ id: String) async throws -> Explanation {
        try await call(.GET, Endpoints.taskExplanation.path(id))
    }

    /// `GET /v1/whoami`: who this client's token belongs to.
    public func whoami() async throws -> WhoAmI { try await call(.GET, Endpoints.whoami.path()) }

    /// `POST /v1/agent/work` (provider): parts to start and stop; long-polls up to `waitS` seconds.
    public func work(running: [AttemptRef], waitS: Double) async throws -> WorkResponse {
        try await call(.POST, Endpoints.agentWork.path(), body: WorkRequest(running: running, waitS: waitS))
    }

    /// `POST /v1/agent/events` (provider); `sentAt` is the agent's clock at sending, which maps
    /// the events' `at` onto the platform's clock.
    public func report(events: [AttemptEvent], sentAt: Date? = nil) async throws {
        let batch = AttemptEventBatch(events: events, sentAt: sentAt)
        _ = try await raw(.POST, Endpoints.agentEvents.path(), body: try SuanliJSON.encoder().encode(batch))
    }

    /// `POST /v1/agent/logs` (provider).
    public func appendLog(_ chunk: LogChunk) async throws {
        _ = try await raw(.POST, Endpoints.agentLogs.path(), body: try SuanliJSON.encoder().encode(chunk))
    }

    /// `GET /v1/tasks/{id}/logs`: the last `tail` lines of a stream.
    public func logs(_ id: String, stream: String = "stdout", tail: Int? = nil, attempt: Int? = nil) async throws -> String {
        var parameters: [(String, String)] = [("stream", stream)]
        if let tail { parameters.append(("tail", String(tail))) }
        if let attempt { parameters.append(("attempt", String(attempt))) }
        let (_, data) = try await raw(.GET, Endpoints.taskLogs.path(id) + Self.queryString(parameters), body: nil)
        return String(decoding: data, as: UTF8.self)
    }

    /// `GET /v1/tasks/{id}/events`.
    public func events(_ id: String) async throws -> [TaskEvent] {
        let list: ItemList<TaskEvent> = try await call(.GET, Endpoints.taskEvents.path(id))
        return list.items
    }

    /// `GET /v1/usage`.
    public func usage(consumer: String? = nil, provider: String? = nil, from: Date? = nil, to: Date? = nil) async throws
        -> UsageReport
    {
        var parameters: [(String, String)] = []
        if let consumer { parameters.append(("consumer", consumer)) }
        if let provider { parameters.append(("provider", provider)) }
        if let from { parameters.append(("from", Timestamp.format(from))) }
        if let to { parameters.append(("to", Timestamp.format(to))) }
        return try await call(.GET, Endpoints.usage.path() + Self.queryString(parameters))
    }

    /// `PUT /v1/resources/{id}` (provider): creates or replaces a resource.
    public func putResource(_ id: String, _ spec: ResourceSpec) async throws -> (record: ResourceRecord, created: Bool) {
        let (record, status): (ResourceRecord, Int) = try await callWithStatus(
            .PUT, Endpoints.resource.path(id), body: spec)
        return (record, status == 201)
    }

    /// `DELETE /v1/resources/{id}` (provider).
    public func deleteResource(_ id: String) async throws {
        _ = try await raw(.DELETE, Endpoints.resource.path(id), body: nil)
    }

    /// `GET /v1/resolve/{id}`.
    public func resolve(_ id: String) async throws -> ResourceRecord {
        try await call(.GET, Endpoints.resolve.path(id))
    }

    /// `POST /v1/resolve`: records in request order, `nil` for unknown identifiers.
    public func resolve(batch ids: [String]) async throws -> [ResourceRecord?] {
        let result: ResolveBatchResult = try await call(.POST, Endpoints.resolveBatch.path(), body: ResolveBatch(ids: ids))
        return result.items
    }

    /// `GET /v1/resources?…`: one page of discovery results.
    public func find(_ query: DiscoveryQuery) async throws -> Page<ResourceRecord> {
        try await call(.GET, Endpoints.resources.path() + Self.queryString(query.parameters))
    }

    /// `POST /v1/telemetry` (provider).
    public func report(_ reports: [TelemetryReport]) async throws -> TelemetryAck {
        try await call(.POST, Endpoints.telemetry.path(), body: TelemetryBatch(reports: reports))
    }

    /// `GET /v1/topology`.
    public func topology() async throws -> TopologyDocument { try await call(.GET, Endpoints.topology.path()) }

    /// `PUT /v1/topology/latency` (operator): records a measured RTT.
    public func setLatency(_ override: LatencyOverride) async throws -> TopologyDocument {
        try await call(.PUT, Endpoints.latency.path(), body: override)
    }

    /// `GET /v1/stats`.
    public func stats() async throws -> StatsReport { try await call(.GET, Endpoints.stats.path()) }

    // MARK: Plumbing

    struct Empty: Encodable {}

    func call<R: Decodable>(_ method: HTTPMethod, _ path: String) async throws -> R {
        try await callWithStatus(method, path, body: nil as Empty?).0
    }

    func call<R: Decodable, B: Encodable>(_ method: HTTPMethod, _ path: String, body: B) async throws -> R {
        try await callWithStatus(method, path, body: body).0
    }

    func callWithStatus<R: Decodable, B: Encodable>(_ method: HTTPMethod, _ path: String, body: B?) async throws -> (R, Int) {
        let data = try body.map { try SuanliJSON.encoder().encode($0) }
        let (status, bytes) = try await raw(method, path, body: data)
        do {
            return (try SuanliJSON.decoder().decode(R.self, from: bytes), status)
        } catch {
            throw SuanliError(.badResponse, "the server's answer could not be read: \(error)", status: status)
        }
    }

    /// Sends one request to `path` (from ``Endpoints``); returns status and body, or throws
    /// ``SuanliError`` for non-2xx answers (rebuilt from the server's error body) and for
    /// transport failures (status 0, code `transport`).
    public func raw(_ method: HTTPMethod, _ path: String, body: Data?) async throws -> (Int, Data) {
        var tries = 1
        var resentOnStaleConnections = 0
        while true {
            let index = rotation.index
            let server = rotation.servers[index]
            do {
                return try await raw(method, path, body: body, server: server)
            } catch let failure as TransportFailure where failure.staleConnection && resentOnStaleConnections < 3 {
                resentOnStaleConnections += 1  // again to the same server: the pool drops the dead connection
            } catch let failure as TransportFailure {
                guard tries < rotation.servers.count, method != .POST || failure.notConnected else { throw failure.error }
                rotation.failed(index)
                tries += 1
            } catch let error as SuanliError
                where tries < rotation.servers.count && (error.status == 503 || (error.status == 502 && method != .POST))
            {
                rotation.failed(index)
                tries += 1
            }
        }
    }

    private func raw(_ method: HTTPMethod, _ path: String, body: Data?, server: String) async throws -> (Int, Data) {
        var request = HTTPClientRequest(url: server + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let status: Int
        let data: Data
        var retryAfter: Double?
        do {
            let response = try await http.execute(request, timeout: timeout)
            status = Int(response.status.code)
            retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init)
            data = Data(try await response.body.collect(upTo: 256 << 20).readableBytesView)
        } catch {
            throw TransportFailure(
                error: SuanliError(
                    .transport,
                    "cannot reach the Suanli server at \(server): \(Self.describeTransport(error)); start one with 'suanli up' or 'suanli serve', or point --server / SUANLI_SERVER at it"
                ), notConnected: Self.isConnectionFailure(error), staleConnection: Self.isWriteOnClosedConnection(error))
        }
        guard (200..<300).contains(status) else {
            if let envelope = try? SuanliJSON.decoder().decode(APIErrorBody.self, from: data) {
                var error = SuanliError(status: status, body: envelope)
                error.retryAfter = retryAfter
                throw error
            }
            throw SuanliError(status: status, code: "http_\(status)", message: "the server answered HTTP \(status)")
        }
        return (status, data)
    }

    /// A transport failure in a few plain words ("connection refused", "connection timed out"),
    /// not the layers of the network stack's description.
    static func describeTransport(_ error: any Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case ECONNRESET: return "connection reset by the server"
            case ETIMEDOUT: return "connection timed out"
            case EHOSTUNREACH: return "host unreachable"
            case ENETUNREACH: return "network unreachable"
            case EADDRNOTAVAIL: return "address not available"
            default: return "\(io)"
            }
        }
        if let http = error as? HTTPClientError {
            switch http {
            case .connectTimeout: return "connection timed out"
            case .deadlineExceeded, .readTimeout: return "no answer in time"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: return "\(http)"
            }
        }
        return "\(error)"
    }

    static let queryAllowed: CharacterSet = {
        var set = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        set.insert(charactersIn: "-._~:/")
        return set
    }()

    /// `?key=value&…` with values percent-escaped, or nothing for no parameters.
    static func queryString(_ parameters: [(String, String)]) -> String {
        guard !parameters.isEmpty else { return "" }
        return "?"
            + parameters.map {
                "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? $0.1)"
            }.joined(separator: "&")
    }
}
