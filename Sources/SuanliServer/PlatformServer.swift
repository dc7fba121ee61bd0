import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Runs a ``Platform`` behind its HTTP API as one `Service` (server plus group committer).
public struct PlatformServer: Service {
    /// Where to listen.
    public var host: String
    public var port: Int
    public let platform: Platform
    public var logger: Logger
    /// Called with the bound port once the server listens (useful with port 0).
    public var onListening: @Sendable (Int) async -> Void

    /// Creates a server.
    public init(
        platform: Platform, host: String = "127.0.0.1", port: Int = 8080, logger: Logger = Logger(label: "suanli"),
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.platform = platform
        self.host = host
        self.port = port
        self.logger = logger
        self.onListening = onListening
    }

    /// Builds the Hummingbird application.
    public func application() -> some ApplicationProtocol {
        let onListening = self.onListening
        return Application(
            router: APIRouter.make(platform: platform, logger: logger),
            configuration: .init(address: .hostname(host, port: port), serverName: "suanli"),
            services: platform.services,
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    public func run() async throws {
        try await application().run()
    }
}
