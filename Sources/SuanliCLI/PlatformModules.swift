import SuanliMetrics
import SuanliServer
import SuanliWeb

/// The capabilities `suanli serve` and `suanli up` run around the platform core, in the order
/// their routes are added. A new capability is a module (see ``PlatformModule``) listed here.
func platformModules(for platform: Platform) -> [any PlatformModule] {
    [Dashboard(), MetricsModule(platform: platform)]
}
