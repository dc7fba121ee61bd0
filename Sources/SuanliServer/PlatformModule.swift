import Hummingbird
import ServiceLifecycle

/// A capability built around the platform (dashboard, metrics, federation, market): its
/// routes and the background services it needs, added by whoever assembles the server.
///
/// The platform core knows nothing of its modules; `suanli serve` and `suanli up` list them
/// (see `PlatformModules.swift` in the CLI) and hand them to ``PlatformServer``.
public protocol PlatformModule: Sendable {
    /// Adds the module's routes: public ones (pages, `/metrics`) on `router`, API routes that
    /// need the caller's identity on `api`, which authenticates the bearer token first.
    func addRoutes(to router: Router<SuanliRequestContext>, api: RouterGroup<SuanliRequestContext>)

    /// Background services that run beside the server and stop with it.
    var services: [any Service] { get }
}

extension PlatformModule {
    /// No background services.
    public var services: [any Service] { [] }
}
