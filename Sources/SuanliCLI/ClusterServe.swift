import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SuanliCluster
import SuanliCore
import SuanliPostgres
import SuanliServer
import Synchronization

/// `suanli serve --database URL`: one instance of a platform shared through PostgreSQL. It
/// listens at once, campaigns for the leader lease, runs the platform while it leads and
/// forwards every request to the leader otherwise (see `docs/operations.md`).
enum ClusterServe {
    /// `modules` adds modules beyond `platformModules(for:instances:)` to each leadership's
    /// platform (federation), given the platform and this instance's URL.
    static func run(
        options: ServeOptions, databaseURL: String,
        modules: @escaping @Sendable (Platform, String) async throws -> [any PlatformModule] = { _, _ in [] }
    ) async throws {
        _ = bootstrapLogging
        let logger = options.logger
        let database: PostgresConfiguration
        do {
            database = try PostgresConfiguration(url: databaseURL)
        } catch {
            fail("--database: \(error.message)")
        }
        guard options.configuration.operatorToken != nil else {
            fail(
                "with --database, every instance needs the same operator token: pass --operator-token or set SUANLI_OPERATOR_TOKEN (at least 16 characters)"
            )
        }
        do {
            try FileManager.default.createDirectory(atPath: options.data, withIntermediateDirectories: true)
        } catch {
            fail("cannot create the data directory \(options.data): \(error.localizedDescription); choose another with --data")
        }
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.timeout.connect = .seconds(2)
        // Each forwarded long poll or event stream holds one connection to the leader.
        // Idle pooled connections close before the leader's idle timeout could close them under a request.
        let poolIdle = max(0.05, min(20, options.idleTimeout / 2))
        httpConfiguration.connectionPool = .init(
            idleTimeout: .milliseconds(Int64(poolIdle * 1000)), concurrentHTTP1ConnectionsPerHostSoftLimit: 1024)
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        httpConfiguration.decompression = .disabled
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        do {
            try await PostgresStore.withStore(database, logger: logger) { store in
                try await serve(options: options, store: store, http: http, logger: logger, modules: modules)
            }
        } catch let error as SuanliError {
            try? await http.shutdown()
            fail(error.message)
        } catch {
            try? await http.shutdown()
            fail("the platform's database at \(database.host):\(database.port) failed: \(error)")
        }
        try? await http.shutdown()
    }

    private static func serve(
        options: ServeOptions, store: PostgresStore, http: HTTPClient, logger: Logger,
        modules: @escaping @Sendable (Platform, String) async throws -> [any PlatformModule]
    ) async throws {
        let listeningURL = Mutex<String?>(nil)
        let clusterDatabase = ClusterDatabase(client: store.client, logger: logger)
        let instanceID = ClusterIdentity.newInstanceID()
        let configuration = options.configuration
        let responder = ClusterResponder(instanceID: instanceID, http: http, maxBodyBytes: configuration.maxBodyBytes)
        let lease = options.lease
        let node = ClusterNode(
            instanceID: instanceID, database: clusterDatabase, leaseDuration: options.lease, responder: responder,
            publicURL: options.publicURL, logger: logger
        ) { generation in
            // Every transaction of this leadership first checks that the lease is still ours.
            store.setTransactionGuard { connection in
                try await ClusterDatabase.fence(
                    instance: instanceID, generation: generation, lease: lease, on: connection, logger: logger)
            }
            let platform = try await Platform.open(configuration: configuration, store: store, logger: logger)
            let extra = try await modules(platform, listeningURL.withLock { $0 } ?? "")
            return LeaderRuntime(platform: platform, modules: platformModules(for: platform, instances: clusterDatabase) + extra)
        }
        let host = options.host
        let publicURL = options.publicURL
        let prefix = options.prefix
        let data = options.data
        let application = Application(
            responder: responder,
            server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(options.idleTimeout * 1000)))),
            configuration: .init(address: .hostname(host, port: options.port), serverName: "suanli", backlog: 1024),
            services: [node],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let reachable = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
                listeningURL.withLock { $0 = publicURL ?? "http://\(reachable):\(port)" }
                node.listening(host: host, port: port)
                print("Suanli platform \(prefix) instance \(instanceID) listening on http://\(host):\(port) (data: \(data); database shared)")
                fflush(nil)
            },
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
