import CoreMetrics
import Foundation
import Hummingbird
import Prometheus
import SuanliCore
import SuanliRegistry
import SuanliServer

/// `GET /metrics` in the Prometheus text format (version 0.0.4).
///
/// The module owns a `PrometheusCollectorRegistry` and installs a `PrometheusMetricsFactory`
/// over it into the platform's instruments (``PlatformMetrics``): HTTP requests, placements,
/// commits and agent heartbeats are recorded through the swift-metrics API as they happen.
/// Capacity, free units, tasks by state, the queue and coverage are gauges set from a
/// statistics snapshot at each scrape. Nothing uses the process-wide `MetricsSystem`, so each
/// platform (several in one test process) has its own metrics.
///
/// The endpoint needs a token only when the platform's reads do (`--read-access token`).
public struct MetricsModule: PlatformModule {
    /// The path Prometheus scrapes.
    public static let path = "/metrics"
    /// The content type of the text exposition format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The registry the platform's metrics are collected in.
    public let registry: PrometheusCollectorRegistry
    let platform: Platform
    let gauges: ScrapeGauges

    /// Creates the module and starts recording the platform's metrics into `registry`.
    public init(platform: Platform, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.platform = platform
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2_5), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
        ]
        // Queue waits run from nothing (placed at submission) to hours.
        factory.durationHistogramBuckets[PlatformMetrics.Name.placementLatency] = [
            .milliseconds(1), .milliseconds(10), .milliseconds(100), .seconds(1), .seconds(5), .seconds(10),
            .seconds(30), .seconds(60), .seconds(300), .seconds(900), .seconds(3600), .seconds(4 * 3600),
        ]
        self.gauges = ScrapeGauges(factory: factory)
        platform.metrics.install(factory: factory)
    }

    /// Adds `GET /metrics`.
    public func addRoutes(to router: Router<SuanliRequestContext>, api: RouterGroup<SuanliRequestContext>) {
        let platform = self.platform
        let registry = self.registry
        let gauges = self.gauges
        api.get(RouterPath(Self.path)) { _, context -> Response in
            try platform.authorizeRead(context.principal)
            return Self.scrape(platform: platform, registry: registry, gauges: gauges)
        }
    }

    /// Sets the gauges from a fresh snapshot and renders every metric.
    static func scrape(platform: Platform, registry: PrometheusCollectorRegistry, gauges: ScrapeGauges) -> Response {
        gauges.update(from: platform.statisticsSnapshot())
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
}
