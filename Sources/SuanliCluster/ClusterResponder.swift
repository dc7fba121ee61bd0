import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import SuanliCore
import SuanliServer
import Synchronization

/// The HTTP responder of a clustered instance: the platform's own router while this instance
/// leads, otherwise a forwarder that sends each request as it is (method, path and query,
/// headers including `Authorization`, body) to the leader and streams its answer back, so long
/// polls and server-sent events work through any instance.
///
/// `GET /healthz` is answered by every instance itself (a load balancer asks whether *this*
/// instance can take requests). A request that already went through one instance
/// (`X-Suanli-Forwarded-By`) is never forwarded again: a stale view of the leader answers 503
/// instead of looping. With no known leader, or while this instance opens the platform after
/// taking the lease, requests get 503 `unavailable` with `Retry-After: 1`.
public final class ClusterResponder: HTTPResponder, Sendable {
    public typealias Context = SuanliRequestContext

    /// The header naming the instance that forwarded a request.
    public static let forwardedByHeader = HTTPField.Name("X-Suanli-Forwarded-By")!

    enum Mode: Sendable {
        case standby(leaderURL: String?)
        case starting(generation: Int64)
        case leading(any HTTPResponder<SuanliRequestContext>)
    }

    let instanceID: String
    let mode = Mutex<Mode>(.standby(leaderURL: nil))
    let http: HTTPClient
    /// The largest request body forwarded (the platform's ``PlatformConfiguration/maxBodyBytes``).
    let maxBodyBytes: Int

    /// A standby forwarder for `instanceID`, with `http` to reach the leader, forwarding bodies
    /// up to `maxBodyBytes` (larger ones get 413, as from the leader).
    public init(instanceID: String, http: HTTPClient, maxBodyBytes: Int = 4 << 20) {
        self.instanceID = instanceID
        self.http = http
        self.maxBodyBytes = maxBodyBytes
    }

    /// Forwards to `url` (or answers 503 with `nil`) from now on.
    public func forward(to url: String?) { mode.withLock { $0 = .standby(leaderURL: url) } }

    /// Answers 503 while the platform of `generation` opens.
    public func starting(generation: Int64) { mode.withLock { $0 = .starting(generation: generation) } }

    /// Serves requests with the platform's own responder from now on, if this instance is still
    /// starting to lead `generation` (it may have stepped down while the platform opened).
    public func lead(generation: Int64, with responder: any HTTPResponder<SuanliRequestContext>) -> Bool {
        mode.withLock { mode in
            guard case .starting(generation) = mode else { return false }
            mode = .leading(responder)
            return true
        }
    }

    /// Serves, forwards, or answers 503, by the instance's mode.
    public func respond(to request: Request, context: SuanliRequestContext) async throws -> Response {
        let current = mode.withLock { $0 }
        if case .leading(let responder) = current {
            return try await responder.respond(to: request, context: context)
        }
        if request.method == .get && request.uri.path == Endpoints.health.path() {
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        switch current {
        case .standby(let url?) where request.headers[Self.forwardedByHeader] == nil:
            return try await forward(request, to: url, context: context)
        case .standby(.some):
            return unavailable("instance \(request.headers[Self.forwardedByHeader] ?? "?") forwarded this request to an instance that does not lead the platform (the leader changed); retry", request, context)
        case .standby(nil):
            return unavailable("no instance leads the platform at the moment (an election is under way); retry in a second", request, context)
        case .starting, .leading:
            return unavailable("this instance is taking over as the platform's leader; retry in a second", request, context)
        }
    }

    private func unavailable(_ message: String, _ request: Request, _ context: SuanliRequestContext) -> Response {
        var error = SuanliError(.unavailable, message)
        error.retryAfter = 1
        return (try? error.response(from: request, context: context)) ?? Response(status: .serviceUnavailable)
    }

    /// Hop-by-hop headers (RFC 9110 §7.6.1) and those the client sets itself: not forwarded.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "host",
        "proxy-authorization", "proxy-authenticate",
    ]

    /// Whether a failure of `execute` proves no connection to the leader was made (nothing was sent).
    static func neverConnected(_ error: any Error) -> Bool {
        if let io = error as? IOError {
            return [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL].contains(io.errnoCode)
        }
        if let http = error as? HTTPClientError, http == .connectTimeout { return true }
        let text = String(describing: error)
        return text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("connectTimeout")
    }

    private func forward(_ request: Request, to leader: String, context: SuanliRequestContext) async throws -> Response {
        // Only origin-form targets (`/path?query`): an absolute URL, `*` or an authority appended
        // to the leader's URL would name another host (or crash the URL parser).
        guard request.uri.string.hasPrefix("/") else {
            let failure = SuanliError(.badRequest, "the request target must be a path (/v1/…), not '\(request.uri.string.prefix(100))'")
            return (try? failure.response(from: request, context: context)) ?? Response(status: .badRequest)
        }
        // The API serves no TRACE or CONNECT (and the HTTP client refuses a TRACE with a body): answered here
        // as the leader would, not turned into a 502.
        if request.method == .trace || request.method == .connect {
            let failure = SuanliError(.methodNotAllowed, "\(request.method.rawValue) is not allowed on \(request.uri.path.prefix(100))")
            return (try? failure.response(from: request, context: context)) ?? Response(status: .methodNotAllowed)
        }
        var outgoing = HTTPClientRequest(url: leader + request.uri.string)
        outgoing.method = NIOHTTP1.HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where !Self.hopByHop.contains(field.name.canonicalName) && field.name != .contentLength {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        // The Host the client used, for the leader's information (AsyncHTTPClient sets Host to the leader's).
        if let authority = request.head.authority { outgoing.headers.add(name: "X-Forwarded-Host", value: authority) }
        outgoing.headers.add(name: Self.forwardedByHeader.rawName, value: instanceID)
        if let address = context.remoteAddress?.ipAddress {
            outgoing.headers.add(name: "X-Forwarded-For", value: address)
        }
        // The body is read whole before the request goes on. Streamed, its upload could still be
        // reading the client's body when the leader had answered (a refusal does not wait for the
        // body) and the server began draining what was left: two readers of one body, which
        // NIO's sequence traps on. API bodies are small (the leader's own limit bounds them).
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            let failure = SuanliError(.tooLarge, "the request body is larger than \(maxBodyBytes) bytes; split it into smaller calls")
            return (try? failure.response(from: request, context: context)) ?? Response(status: .contentTooLarge)
        } catch {
            // The client's body broke off or was malformed: the client's fault, as it would be without the hop.
            let failure = SuanliError(.badRequest, "the request body could not be read: \(error)")
            return (try? failure.response(from: request, context: context)) ?? Response(status: .badRequest)
        }
        if body.readableBytes > 0 || request.headers[.contentLength] != nil || request.headers[.transferEncoding] != nil {
            outgoing.body = .bytes(body)
        }
        let response: HTTPClientResponse
        do {
            // No deadline: a long poll or an event stream lasts as long as the leader keeps it open.
            response = try await http.execute(outgoing, deadline: .distantFuture)
        } catch where Self.neverConnected(error) {
            return unavailable(
                "the platform's leader at \(leader) cannot be reached (\(error)); another instance takes over within the lease, retry shortly",
                request, context)
        } catch let error as HTTPClientError where error == .invalidURL {
            let failure = SuanliError(.badRequest, "the request target '\(request.uri.string.prefix(100))' is not a valid path")
            return (try? failure.response(from: request, context: context)) ?? Response(status: .badRequest)
        } catch {
            // The request may have reached the leader: its outcome is unknown, so not a 503 (which says nothing was applied).
            let failure = SuanliError(
                status: 502, code: "leader_lost",
                message: "the platform's leader at \(leader) failed while handling this request (\(error)); it may or may not have been applied: check before repeating a change")
            return (try? failure.response(from: request, context: context)) ?? Response(status: .badGateway)
        }
        var headers = HTTPFields()
        for (name, value) in response.headers where !Self.hopByHop.contains(name.lowercased()) {
            if let fieldName = HTTPField.Name(name) { headers.append(HTTPField(name: fieldName, value: value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase),
            headers: headers, body: ResponseBody(asyncSequence: response.body))
    }
}
