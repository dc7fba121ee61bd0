import Hummingbird

/// Counts and times every request by route template, method and status into ``PlatformMetrics``.
///
/// The route is the template the router matched (`/v1/resolve/**`, `/v1/tasks/:id`), never the
/// raw path, so label values stay few; a request no route matched is `unmatched`. Added first,
/// it sees the status the error middleware turned a thrown error into.
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: PlatformMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: Int(response.status.code), since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context, status: Int(status), since: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant) {
        let nanoseconds = (ContinuousClock.now - start).nanoseconds
        metrics.recordRequest(
            route: context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched", method: Self.method(request.method), status: status,
            nanoseconds: nanoseconds)
    }

    /// The method as a label value: the standard ones by name, anything else `other` (bounded).
    static func method(_ method: HTTPRequest.Method) -> String {
        switch method {
        case .get, .head, .post, .put, .delete, .patch, .options: method.rawValue
        default: "other"
        }
    }
}
