import Hummingbird
import SuanliCore

/// A provider's resources: create or replace, delete, and live-state telemetry (provider
/// tokens); `GET /v1/resources/{id}` resolves, as `/v1/resolve/{id}` does.
struct ResourceRoutes {
    let platform: Platform

    /// The routes, for ``APIRouter``.
    var collection: RouteCollection<SuanliRequestContext> {
        let routes = RouteCollection(context: SuanliRequestContext.self)
        routes.put(Endpoints.resource.route, use: put)
        routes.delete(Endpoints.resource.route, use: delete)
        routes.post(Endpoints.telemetry.route, use: report)
        routes.group().add(middleware: ReadAccessMiddleware(platform: platform))
            .get(Endpoints.resource.route, use: get)
        return routes
    }

    /// `PUT /v1/resources/{id}`: 201 when created, 200 when replaced.
    @Sendable func put(_ request: Request, context: SuanliRequestContext) async throws -> EditedResponse<SuanliCore.ResourceRecord> {
        let id = try request.rest(of: Endpoints.resource)
        let spec = try await request.decode(as: ResourceSpec.self, context: context)
        var (record, created) = try await platform.putResource(id, spec: spec, by: context.principal)
        record.platform = platform.configuration.prefix  // as resolve names it
        return EditedResponse(status: created ? .created : .ok, response: record)
    }

    /// `DELETE /v1/resources/{id}`: 204.
    @Sendable func delete(_ request: Request, context: SuanliRequestContext) async throws -> HTTPResponse.Status {
        try await platform.deleteResource(try request.rest(of: Endpoints.resource), by: context.principal)
        return .noContent
    }

    /// `GET /v1/resources/{id}`: the record and live state, as `GET /v1/resolve/{id}` answers it.
    @Sendable func get(_ request: Request, context: SuanliRequestContext) async throws -> SuanliCore.ResourceRecord {
        try await platform.resolveAnywhere(try request.rest(of: Endpoints.resource), hops: try DiscoveryRoutes.hops(request))
    }

    /// `POST /v1/telemetry`: live state for many resources, all or nothing.
    @Sendable func report(_ request: Request, context: SuanliRequestContext) async throws -> TelemetryAck {
        let body = try await request.decode(as: TelemetryBatch.self, context: context)
        return try await platform.report(body, by: context.principal)
    }
}
