import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SuanliCluster
import SuanliServer

/// With `SUANLI_TEST_VIA_STANDBY=1`, ``TestPlatform`` puts a standby's forwarder
/// (``ClusterResponder``, as a `serve --database` instance that does not lead runs it) in front
/// of every test platform and hands the tests its URL: the HTTP API suites then run through
/// the forwarding path (methods, headers, bodies, status codes, long polls, event streams).
enum ClusterStandbyFront {
    /// Whether the suites run through a forwarder.
    static let enabled = ProcessInfo.processInfo.environment["SUANLI_TEST_VIA_STANDBY"] == "1"

    /// One forwarding client for every front (no shutdown needed).
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        // Below the shortest idle timeout a test gives its platform (0.5 s), so no pooled connection
        // is closed by the platform under a forwarded request.
        configuration.connectionPool = .init(idleTimeout: .milliseconds(200), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Starts a front forwarding to the platform on `leaderPort`; returns its port and its
    /// service group (shut it down before the platform).
    static func start(
        leaderPort: Int, idleTimeout: Double, logger: Logger, in tasks: inout ThrowingTaskGroup<Void, any Error>
    ) async -> (port: Int, group: ServiceGroup) {
        let responder = ClusterResponder(instanceID: "i-test-standby", http: http)
        responder.forward(to: "http://127.0.0.1:\(leaderPort)")
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            responder: responder,
            server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(idleTimeout * 1000)))),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "suanli"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(services: [application], logger: logger)
        tasks.addTask { try await group.run() }
        var port = 0
        for await p in ports { port = p }
        return (port, group)
    }
}
