import Hummingbird
import SuanliCore

/// The provider agent's protocol: work long-poll, attempt events, log chunks (provider tokens).
struct AgentRoutes {
    let platform: Platform

    /// The routes, for ``APIRouter``.
    var collection: RouteCollection<SuanliRequestContext> {
        RouteCollection(context: SuanliRequestContext.self)
            .post(Endpoints.agentWork.route, use: work)
            .post(Endpoints.agentEvents.route, use: events)
            .post(Endpoints.agentLogs.route, use: logs)
    }

    /// `POST /v1/agent/work`: parts to start and stop; waits up to `wait_s` for news.
    @Sendable func work(_ request: Request, context: SuanliRequestContext) async throws -> WorkResponse {
        let body = try await request.decode(as: WorkRequest.self, context: context)
        return try await platform.work(body, by: context.principal)
    }

    /// `POST /v1/agent/events`.
    @Sendable func events(_ request: Request, context: SuanliRequestContext) async throws -> EventAck {
        let body = try await request.decode(as: AttemptEventBatch.self, context: context)
        return try await platform.reportEvents(body, by: context.principal)
    }

    /// `POST /v1/agent/logs`: 204.
    @Sendable func logs(_ request: Request, context: SuanliRequestContext) async throws -> HTTPResponse.Status {
        let body = try await request.decode(as: LogChunk.self, context: context)
        try platform.appendLog(body, by: context.principal)
        return .noContent
    }
}
