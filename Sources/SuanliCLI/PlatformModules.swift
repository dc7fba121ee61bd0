import SuanliCluster
import SuanliFederation
import SuanliHandle
import SuanliMetrics
import SuanliServer
import SuanliWeb

/// The capabilities `suanli serve` and `suanli up` run around the platform core, in the order
/// their routes are added. A new capability is a module (see ``PlatformModule``) listed here.
/// `instances` answers `GET /v1/platform/instances` (the cluster's table on PostgreSQL).
func platformModules(for platform: Platform, instances: any InstanceDirectory = StandaloneInstance()) -> [any PlatformModule] {
    [Dashboard(), MetricsModule(platform: platform), HandleModule(platform: platform), InstancesModule(directory: instances)]
}

/// The modules of a platform's federation: the control plane, aggregation (`scope=`), which
/// decorates the federation as the platform's resolver, and placement across platforms (claims).
func federationModules(_ federation: FederationModule) async throws -> [any PlatformModule] {
    let aggregation = AggregationModule(federation: federation)
    return [federation, aggregation, try await FederatedPlacementModule.open(federation: federation, aggregation: aggregation)]
}
