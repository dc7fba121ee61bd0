import Foundation
import Hummingbird
import NIOCore
import SuanliCore

/// `GET /v1/tasks/stream`: the caller's task changes as server-sent events (a consumer's own
/// tasks, every task for the operator), for live task lists such as the dashboard's.
///
/// The stream opens with `event: ready`; from then on every change of a visible task that
/// became durable is one `event: task` whose data is a ``TaskUpdate``. A client loads
/// `GET /v1/tasks` after `ready` and keeps, per task, the update with the latest `updated_at`.
/// `event: reset` says that changes were dropped because the reader fell behind (reload the
/// list). A comment line every ``keepAlive`` keeps proxies from closing a quiet stream. The
/// stream ends when the client goes away or the server shuts down.
struct TaskStreamRoutes {
    let platform: Platform
    /// How long a quiet stream waits before sending a keep-alive comment.
    static let keepAlive: Duration = .seconds(15)
    /// Changes sent in one write at most.
    static let batchLimit = 500

    /// The routes, for ``APIRouter``.
    var collection: RouteCollection<SuanliRequestContext> {
        RouteCollection(context: SuanliRequestContext.self)
            .get(Endpoints.taskStream.route, use: stream)
    }

    /// `GET /v1/tasks/stream`.
    @Sendable func stream(_ request: Request, context: SuanliRequestContext) async throws -> Response {
        for (key, _) in request.uri.queryParameters { throw QueryParameters.unknown(key, known: "none") }
        let consumer: String?
        switch context.principal {
        case .operator, .auditor: consumer = nil
        case .consumer(let id): consumer = id
        case .anonymous: throw SuanliError(.unauthorized, "the task stream needs a consumer or operator token")
        case .provider: throw SuanliError(.forbidden, "providers follow their work through the agent API, not /v1/tasks/stream")
        }
        let feed = platform.taskFeed
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                var seen = feed.open()
                defer { feed.close() }
                try await writer.write(ByteBuffer(string: "retry: 2000\nevent: ready\ndata: {}\n\n"))
                let encoder = SuanliJSON.encoder()
                streaming: while true {
                    let batch = feed.changes(after: seen, consumer: consumer, limit: Self.batchLimit)
                    seen = batch.through
                    var text = batch.missed ? "event: reset\ndata: {}\n\n" : ""
                    for change in batch.changes {
                        let json = String(decoding: try encoder.encode(change.update), as: UTF8.self)
                        text += "id: \(change.generation)\nevent: task\ndata: \(json)\n\n"
                    }
                    if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
                    if batch.more { continue }
                    switch await feed.wait(after: seen, timeout: Self.keepAlive) {
                    case .changed: continue
                    case .timeout: try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    case .shutdown: break streaming
                    }
                }
                try await writer.finish(nil)
            })
    }
}
