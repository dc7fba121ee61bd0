import HTTPTypes
import NIOCore
import NIOHTTPTypes
import SuanliCore
import SuanliRegistry
import Synchronization

/// Answers `GET /v1/resolve/{id}` for a record this platform holds right in the channel
/// pipeline, without a task, a `Request` or the router's middleware chain; everything else
/// goes on to Hummingbird unchanged.
///
/// It answers only what the full path would answer the same way: a plain `GET` with no body,
/// no token (an anonymous read, allowed by ``PlatformConfiguration/readAccess``), no
/// `Suanli-Hops` or `Connection` header, an identifier without `%`-escapes, query, empty or
/// dot segments, no rate limit configured for the resolve class, and a record held here that
/// ``ResourceRecordJSON`` can write. Any other request, a miss included (the federation and
/// the `404` live on the full path), is handed on.
///
/// Responses stay in request order: while a request handed on has not had its response's end
/// written, every later request is handed on too. The handler sits after Hummingbird's
/// `HTTPConnectionStateHandler`, so idle timeouts and graceful shutdown see its requests and
/// responses like any other. It counts its answers in ``PlatformMetrics`` under the same route.
///
/// The response of a record whose ``SuanliRegistry/RecordStamp`` is unchanged comes from its
/// event loop's ``ResolveBodyCache``; any other record is built and encoded afresh.
/// The handler is only installed where reads are open and resolves are not rate-limited
/// (``PlatformHTTP1Channel``).
final class ResolveFastPathHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let platform: Platform
    private let cache: ResolveBodyCache
    /// Requests handed on whose response has not ended yet.
    private var handedOn = 0
    /// True from a handed-on request's head to its end.
    private var passingRequest = false
    /// The answer to the fast-path request being read, written when its end arrives.
    private var pending: (answer: ResolveBodyCache.Answer, start: ContinuousClock.Instant)?
    /// Whether anything was written since the last flush.
    private var needsFlush = false

    /// The metrics label of the resolve route (the router's template).
    static let route = Endpoints.resolve.route.description
    static let prefix = Array(Endpoints.resolve.literalPrefix.utf8)

    init(platform: Platform, cache: ResolveBodyCache) {
        self.platform = platform
        self.cache = cache
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if handedOn == 0, !passingRequest, let answer = answer(head) {
                pending = (answer, .now)
                return
            }
            handedOn += 1
            passingRequest = true
            context.fireChannelRead(data)
        case .body:
            if pending == nil { context.fireChannelRead(data) }
        case .end:
            guard let (answer, start) = pending else {
                passingRequest = false
                context.fireChannelRead(data)
                return
            }
            pending = nil
            context.write(wrapOutboundOut(.head(answer.head)), promise: nil)
            context.write(wrapOutboundOut(.body(answer.body)), promise: nil)
            context.write(wrapOutboundOut(.end(nil)), promise: nil)
            needsFlush = true
            platform.metrics.recordRequest(
                route: Self.route, method: "GET", status: 200, nanoseconds: (ContinuousClock.now - start).nanoseconds)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { handedOn = max(0, handedOn - 1) }
        context.write(data, promise: promise)
    }

    /// The response for `head` if this handler may answer it, else nil.
    private func answer(_ head: HTTPRequest) -> ResolveBodyCache.Answer? {
        guard head.method == .get, let path = head.path else { return nil }
        let fields = head.headerFields
        guard fields[.authorization] == nil, fields[.contentLength] == nil, fields[.transferEncoding] == nil,
            fields[.connection] == nil || fields[.connection] == "keep-alive",
            fields[Self.hops] == nil
        else { return nil }
        guard Self.isPlainIdentifierPath(path.utf8),
            let id = try? Identifier(parsing: Substring(path.utf8.dropFirst(Self.prefix.count)))
        else { return nil }
        return cache.answer(for: id, from: platform)
    }

    private static let hops = HTTPField.Name(FederationHeaders.hops)!

    /// Whether `path` is the resolve prefix then an identifier needing no decoding: no `%`,
    /// `?` or `#`, and no empty or dot-led segment (those get the full path's checks and errors).
    static func isPlainIdentifierPath(_ path: String.UTF8View) -> Bool {
        guard path.count > prefix.count, path.starts(with: prefix) else { return false }
        var previous = UInt8(ascii: "/")
        for byte in path.dropFirst(prefix.count) {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"): return false
            case UInt8(ascii: "/"), UInt8(ascii: "."): if previous == UInt8(ascii: "/") { return false }
            default: break
            }
            previous = byte
        }
        return previous != UInt8(ascii: "/")
    }
}

/// The encoded responses of recently resolved records, each kept with the stamp of the record
/// it encodes (``SuanliRegistry/RecordStamp``), reused while the registry's stamp for that
/// resource is unchanged: the same bytes ``ResourceRecordJSON`` would write again.
///
/// One per event loop (``ResolveCaches``), so that the responses' buffers and the map are touched
/// by one thread only. At most ``capacity`` records; when full it starts again empty (a hot
/// record is back after one request). Unavailable resources are never cached (their record
/// says how long ago their last report was).
final class ResolveBodyCache: Sendable {
    /// A response: its head (the headers the router's resolve sends) and its JSON body.
    struct Answer: Sendable {
        var head: HTTPResponse
        var body: ByteBuffer
    }

    /// How many records' responses it keeps at most.
    let capacity: Int
    private let entries = Mutex<[String: (stamp: RecordStamp, answer: Answer)]>([:])

    init(capacity: Int = 16_384) {
        self.capacity = capacity
    }

    /// The response for `id` if `platform` holds it: cached while its stamp is unchanged,
    /// else built, encoded (nil if ``ResourceRecordJSON`` cannot write it) and cached; nil
    /// while the platform's state is locked (the router answers then).
    func answer(for id: Identifier, from platform: Platform) -> Answer? {
        let key = id.string
        let cached = entries.withLock { $0[key] }
        switch platform.resolveHereIfUnlocked(id, unlessStamped: cached?.stamp) {
        case nil, .missing:
            return nil
        case .unchanged:
            return cached?.answer
        case .record(let record, let stamp):
            guard let body = ResourceRecordJSON.body(record) else { return nil }
            let head = HTTPResponse(
                status: .ok,
                headerFields: [
                    .contentType: "application/json; charset=utf-8", .contentLength: String(body.readableBytes), .server: "suanli",
                ])
            let answer = Answer(head: head, body: body)
            entries.withLock { entries in
                guard let stamp else {
                    entries[key] = nil
                    return
                }
                if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
                entries[key] = (stamp, answer)
            }
            return answer
        }
    }
}

/// One ``ResolveBodyCache`` per event loop of a server.
final class ResolveCaches: Sendable {
    private let caches = Mutex<[ObjectIdentifier: ResolveBodyCache]>([:])

    /// The cache of `eventLoop`, made on first use.
    func cache(for eventLoop: any EventLoop) -> ResolveBodyCache {
        caches.withLock { caches in
            let key = ObjectIdentifier(eventLoop)
            if let cache = caches[key] { return cache }
            let cache = ResolveBodyCache()
            caches[key] = cache
            return cache
        }
    }
}
