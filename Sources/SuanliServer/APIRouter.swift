import Hummingbird
import Logging
import SuanliCore

/// The `/v1` HTTP API (see `docs/api.md`) as a Hummingbird router over a ``Platform``.
///
/// The request path: ``ErrorMiddleware`` (every error becomes `{"error":{"code","message"}}`),
/// ``ExactPathMiddleware`` (no `//`, `.` or `..` segments), then for the API routes
/// ``BodyLimitMiddleware`` and ``BearerAuthenticator`` (the caller, once per request, into
/// ``SuanliRequestContext/principal``), then one route collection per area. `GET /healthz`
/// and `GET /openapi.json` need no token.
public enum APIRouter {
    /// Builds the router, with the routes of `modules` after the core's.
    public static func make(
        platform: Platform, logger: Logger, modules: [any PlatformModule] = []
    ) -> Router<SuanliRequestContext> {
        let router = Router(context: SuanliRequestContext.self)
        router.add(middleware: HTTPMetricsMiddleware(metrics: platform.metrics))
        router.add(middleware: ErrorMiddleware(logger: logger))
        router.add(middleware: ExactPathMiddleware())
        router.get(Endpoints.health.route) { _, _ in ["status": "ok"] }
        router.get(Endpoints.openAPI.route) { _, _ in OpenAPIDocument.response() }
        let api = router.group()
            .add(middleware: BodyLimitMiddleware(maxBytes: platform.configuration.maxBodyBytes))
            .add(middleware: BearerAuthenticator(platform: platform))
            .add(
                middleware: RateLimitMiddleware(
                    limiter: RateLimiter(limits: platform.configuration.rateLimits),
                    trustedProxies: platform.configuration.trustedProxies, peerCalls: platform.peerCalls))
            .addRoutes(IdentityRoutes(platform: platform).collection)
            .addRoutes(ProviderRoutes(platform: platform).collection)
            .addRoutes(ConsumerRoutes(platform: platform).collection)
            .addRoutes(ResourceRoutes(platform: platform).collection)
            .addRoutes(DiscoveryRoutes(platform: platform).collection)
            .addRoutes(TopologyRoutes(platform: platform).collection)
            .addRoutes(TaskRoutes(platform: platform).collection)
            .addRoutes(QuoteRoutes(platform: platform).collection)
            .addRoutes(TaskStreamRoutes(platform: platform).collection)
            .addRoutes(AgentRoutes(platform: platform).collection)
            .addRoutes(UsageRoutes(platform: platform).collection)
            .addRoutes(BillingRoutes(platform: platform).collection)
            .addRoutes(BudgetRoutes(platform: platform).collection)
            .addRoutes(TokenRoutes(platform: platform).collection)
            .addRoutes(AuditRoutes(platform: platform).collection)
        for module in modules {
            module.addRoutes(to: router, api: api)
        }
        return router
    }
}
