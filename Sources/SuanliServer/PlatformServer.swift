import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SuanliCore

/// Runs a ``Platform`` behind its HTTP API as one `Service` (server plus group committer).
public struct PlatformServer: Service {
    /// Where to listen.
    public var host: String
    public var port: Int
    public let platform: Platform
    /// Capabilities around the platform core: their routes and services run with the server.
    public var modules: [any PlatformModule]
    public var logger: Logger
    /// Called with the bound port once the server listens (useful with port 0).
    public var onListening: @Sendable (Int) async -> Void

    /// Creates a server.
    public init(
        platform: Platform, host: String = "127.0.0.1", port: Int = 8080, modules: [any PlatformModule] = [],
        logger: Logger = Logger(label: "suanli"), onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.platform = platform
        self.modules = modules
        self.host = host
        self.port = port
        self.logger = logger
        self.onListening = onListening
    }

    /// Builds the Hummingbird application.
    public func application() -> some ApplicationProtocol {
        let onListening = self.onListening
        let idle = platform.configuration.idleTimeout
        return Application(
            router: APIRouter.make(platform: platform, logger: logger, modules: modules),
            server: .platformHTTP1(platform: platform, configuration: .init(idleTimeout: .milliseconds(Int64(idle * 1000)))),
            configuration: .init(address: .hostname(host, port: port), serverName: "suanli", backlog: 1024),
            services: platform.services + modules.flatMap(\.services),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Runs until graceful shutdown; a failure to listen is a ``SuanliError`` that names the fix.
    public func run() async throws {
        Self.raiseOpenFileLimit(logger: logger)
        do {
            try await application().run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw SuanliError(.unavailable, "port \(port) on \(host) is in use; use --port N for another port, or --port 0 for any free one")
        } catch let error as IOError where error.errnoCode == EACCES {
            throw SuanliError(.unavailable, "not allowed to listen on port \(port); use a port above 1023 with --port N")
        } catch let error as IOError where error.errnoCode == EADDRNOTAVAIL {
            throw SuanliError(.unavailable, "address \(host) is not on this machine; use --host 127.0.0.1 or 0.0.0.0")
        }
    }

    /// Raises the soft open-file limit to the hard one, so that many agents' connections fit.
    static func raiseOpenFileLimit(logger: Logger) {
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        let before = limit.rlim_cur
        limit.rlim_cur = limit.rlim_max
        if setrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0 {
            logger.debug("raised the open-file limit", metadata: ["from": "\(before)", "to": "\(limit.rlim_max)"])
        }
    }
}

#if canImport(Glibc)
import Glibc
private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
private let RLIMIT_NOFILE_VALUE = RLIMIT_NOFILE
#endif
