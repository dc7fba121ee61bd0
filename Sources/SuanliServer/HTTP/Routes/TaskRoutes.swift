import Hummingbird
import NIOCore
import SuanliCore

/// Tasks, for their consumers (and the operator): submit, list, follow, cancel, explain,
/// events and logs.
struct TaskRoutes {
    let platform: Platform

    /// The routes, for ``APIRouter``.
    var collection: RouteCollection<SuanliRequestContext> {
        RouteCollection(context: SuanliRequestContext.self)
            .post(Endpoints.tasks.route, use: submit)
            .get(Endpoints.tasks.route, use: list)
            .get(Endpoints.task.route, use: get)
            .delete(Endpoints.task.route, use: cancel)
            .get(Endpoints.taskExplanation.route, use: explain)
            .get(Endpoints.taskEvents.route, use: events)
            .get(Endpoints.taskLogs.route, use: logs)
    }

    /// `POST /v1/tasks`: 201, scheduled or queued (422 if it can never fit).
    @Sendable func submit(_ request: Request, context: SuanliRequestContext) async throws -> EditedResponse<TaskSubmission> {
        let body = try await request.decode(as: ScopedTaskSpec.self, context: context)
        return EditedResponse(status: .created, response: try await platform.submitTask(body.spec, scope: body.scope, by: context.principal))
    }

    /// `GET /v1/tasks?state=&limit=&cursor=`.
    @Sendable func list(_ request: Request, context: SuanliRequestContext) async throws -> Page<TaskRecord> {
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
            default: throw QueryParameters.unknown(key, known: "state, limit, cursor")
            }
        }
        return try await platform.tasks(state: filter, limit: limit, cursor: cursor, by: context.principal)
    }

    /// `GET /v1/tasks/{id}`.
    @Sendable func get(_ request: Request, context: SuanliRequestContext) async throws -> TaskRecord {
        let id = context.parameter("id")
        if let placer = platform.federatedPlacement.current, placer.isFederatedTask(id) {
            return try await placer.federatedRecord(id, by: context.principal)
        }
        return try await platform.task(id, by: context.principal)
    }

    /// `DELETE /v1/tasks/{id}`: the task as it is after cancelling.
    @Sendable func cancel(_ request: Request, context: SuanliRequestContext) async throws -> TaskRecord {
        let id = context.parameter("id")
        if let placer = platform.federatedPlacement.current, placer.isFederatedTask(id) {
            return try await placer.cancelFederatedTask(id, by: context.principal)
        }
        return try await platform.cancelTask(id, by: context.principal)
    }

    /// `GET /v1/tasks/{id}/explain`.
    @Sendable func explain(_ request: Request, context: SuanliRequestContext) async throws -> Explanation {
        let id = context.parameter("id")
        if let placer = platform.federatedPlacement.current, placer.isFederatedTask(id) {
            return try await placer.federatedExplanation(id, by: context.principal)
        }
        return try await platform.explainTask(id, by: context.principal)
    }

    /// `GET /v1/tasks/{id}/events`.
    @Sendable func events(_ request: Request, context: SuanliRequestContext) async throws -> ItemList<TaskEvent> {
        let id = context.parameter("id")
        if let placer = platform.federatedPlacement.current, placer.isFederatedTask(id) {
            return ItemList(items: try await placer.federatedRecord(id, by: context.principal).events)
        }
        return ItemList(items: try await platform.task(id, by: context.principal).events)
    }

    /// `GET /v1/tasks/{id}/logs?stream=&tail=&attempt=`: plain text.
    @Sendable func logs(_ request: Request, context: SuanliRequestContext) async throws -> Response {
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
            default: throw QueryParameters.unknown(key, known: "stream, tail, attempt")
            }
        }
        let id = context.parameter("id")
        let text: String
        if let placer = platform.federatedPlacement.current, placer.isFederatedTask(id) {
            text = try await placer.federatedLogs(id, stream: stream, tail: tail, attempt: attempt, by: context.principal)
        } else {
            text = try await platform.taskLogs(id, stream: stream, tail: tail, attempt: attempt, by: context.principal)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
