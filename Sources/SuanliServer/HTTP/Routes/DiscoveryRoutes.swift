import HTTPTypes
import Hummingbird
import SuanliCore

/// Finding compute (readers): resolve one identifier or a batch, and discovery by filters.
struct DiscoveryRoutes {
    let platform: Platform

    /// The routes, for ``APIRouter``.
    var collection: RouteCollection<SuanliRequestContext> {
        RouteCollection(context: SuanliRequestContext.self)
            .add(middleware: ReadAccessMiddleware(platform: platform))
            .get(Endpoints.resources.route, use: discover)
            .get(Endpoints.resolve.route, use: resolve)
            .post(Endpoints.resolveBatch.route, use: resolveBatch)
    }

    /// `GET /v1/resources?kind=&arch=&…`: one page of matching resources.
    @Sendable func discover(_ request: Request, context: SuanliRequestContext) async throws -> Page<SuanliCore.ResourceRecord> {
        var parameters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let scope = try ReadScope.take(from: &parameters)
        let query: DiscoveryQuery
        do throws(ValidationError) { query = try DiscoveryQuery(parameters: parameters) } catch {
            throw SuanliError(.badRequest, error.message, field: error.field)
        }
        if scope != .local, let reader = platform.scopedReader {
            return try await reader.discover(query, parameters: parameters, scope: scope)
        }
        return try platform.discover(query)
    }

    /// `GET /v1/resolve/{id}` (here, else from the federation: ``Platform/resolveAnywhere(_:hops:)``):
    /// the record written straight into the response buffer
    /// (``ResourceRecordJSON``), the same JSON the response encoder would produce.
    @Sendable func resolve(_ request: Request, context: SuanliRequestContext) async throws -> Response {
        let record = try await platform.resolveAnywhere(try request.rest(of: Endpoints.resolve), hops: try Self.hops(request))
        guard let body = ResourceRecordJSON.body(record) else {
            return try context.responseEncoder.encode(record, from: request, context: context)
        }
        return Response(status: .ok, headers: Self.jsonHeaders, body: ResponseBody(byteBuffer: body))
    }

    /// The headers of a JSON response, built once.
    static let jsonHeaders: HTTPFields = [.contentType: "application/json; charset=utf-8"]

    /// `POST /v1/resolve`: records in request order, null for unknown identifiers (asking the
    /// federation, if any, for those this platform does not hold).
    @Sendable func resolveBatch(_ request: Request, context: SuanliRequestContext) async throws -> ResolveBatchResult {
        let body = try await request.decode(as: ResolveBatch.self, context: context)
        return ResolveBatchResult(items: try await platform.resolveAnywhere(batch: body.ids, hops: try Self.hops(request)))
    }

    /// The `Suanli-Hops` header of a forwarded resolve (0 when absent); 400 `hop_limit` at the limit.
    static func hops(_ request: Request) throws(SuanliError) -> Int {
        guard let name = HTTPField.Name(FederationHeaders.hops), let text = request.headers[name] else { return 0 }
        guard let hops = Int(text), hops >= 0 else {
            throw SuanliError(.badRequest, "the \(FederationHeaders.hops) header must be a whole number ≥ 0", field: FederationHeaders.hops)
        }
        guard hops < FederationHeaders.maxHops else {
            throw SuanliError(
                "hop_limit", "the request was forwarded \(hops) times (limit \(FederationHeaders.maxHops)); the federation's routing loops",
                status: 400)
        }
        return hops
    }
}
