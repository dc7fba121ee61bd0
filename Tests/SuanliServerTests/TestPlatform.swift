import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import SuanliClient
import SuanliCore
import SuanliServer
import SuanliStore
import Synchronization
import Testing

/// A clock the tests move by hand.
final class ManualClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A real platform with its HTTP server on a loopback port, for one test.
struct TestPlatform {
    static let operatorToken = "test-operator-token-0123456789"
    let platform: Platform
    let port: Int
    let clock: ManualClock
    let directory: String

    var url: String { "http://127.0.0.1:\(port)" }
    /// A client with the operator token.
    var operatorClient: SuanliClient { SuanliClient(server: url, token: Self.operatorToken) }
    /// A client without a token.
    var anonymous: SuanliClient { SuanliClient(server: url) }
    func client(_ token: String?) -> SuanliClient { SuanliClient(server: url, token: token) }

    /// Registers a provider and returns its prefix and token.
    func provider(_ name: String = "p", location: String = "cluster.zhangjiakou", renewable: Double = 0.5) async throws -> (prefix: String, client: SuanliClient) {
        let record = try await operatorClient.registerProvider(
            ProviderRegistration(name: name, contact: "ops@example.com", location: location, renewable: renewable, pue: 1.2))
        return (record.prefix.description, client(record.token))
    }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "suanli-test-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Starts a platform (on `directory`, fresh if nil), runs `body`, then shuts it down.
    static func with<T>(
        directory: String? = nil, readAccess: PlatformConfiguration.ReadAccess = .open, heartbeatInterval: Double = 10,
        clock: ManualClock = ManualClock(), idleTimeout: Double = 30, modules: [any PlatformModule] = [],
        configure: (inout PlatformConfiguration) -> Void = { _ in },
        modulesFor: (Platform) -> [any PlatformModule] = { _ in [] },
        openModules: (Platform) async throws -> [any PlatformModule] = { _ in [] },
        _ body: (TestPlatform) async throws -> T
    ) async throws -> T {
        let directory = directory ?? temporaryDirectory()
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        // SQLite, or PostgreSQL with SUANLI_TEST_STORE=postgres (its pool runs for this scope).
        let testStore = try PostgresTestStore(directory: directory)
        async let _ = testStore.run()
        let store = try await testStore.open()
        var configuration = PlatformConfiguration(
            dataDirectory: directory, heartbeatInterval: heartbeatInterval, operatorToken: operatorToken, readAccess: readAccess)
        configuration.idleTimeout = idleTimeout
        // Tests call discovery in tight loops: no limits unless a test configures them (RateLimitTests).
        configuration.rateLimits = [:]
        // Through a standby's forwarder, the leader trusts it as an operator would (`--trusted-proxy`).
        if ClusterStandbyFront.enabled { configuration.trustedProxies.insert("127.0.0.1") }
        configure(&configuration)
        let platform = try await Platform.open(
            configuration: configuration,
            store: store, logger: logger, clock: { clock.now })
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = PlatformServer(
            platform: platform, host: "127.0.0.1", port: 0, modules: modules + modulesFor(platform) + (try await openModules(platform)), logger: logger
        ) { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        let group = ServiceGroup(services: [server], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var port = 0
            for await p in ports { port = p }
            // SUANLI_TEST_VIA_STANDBY=1: every request goes through a standby's forwarder.
            var front: ServiceGroup?
            if ClusterStandbyFront.enabled {
                (port, front) = await ClusterStandbyFront.start(leaderPort: port, idleTimeout: idleTimeout, logger: logger, in: &tasks)
            }
            let test = TestPlatform(platform: platform, port: port, clock: clock, directory: directory)
            do {
                let result = try await body(test)
                await front?.triggerGracefulShutdown()
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                await platform.close()
                return result
            } catch {
                await front?.triggerGracefulShutdown()
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                await platform.close()
                throw error
            }
        }
    }
}

/// A representative GPU node spec.
func gpuSpec(
    units: Int = 8, location: String = "cluster.zhangjiakou", price: Int64 = 900, model: String = "NVIDIA A100-SXM4-80GB",
    kind: ResourceKind = .gpu, arch: String = "x86_64", labels: [String: String] = [:]
) -> ResourceSpec {
    ResourceSpec(
        kind: kind, arch: arch, model: model, units: units, memoryGiB: 80,
        tflops: TFLOPS(fp64: 9.7, fp32: 19.5, fp16: 312, int8: 624), location: location, priceFenPerUnitHour: price,
        labels: labels)
}

/// Expects `body` to fail with a platform error of `status` and `code`; returns the message.
@discardableResult
func expectAPIError(
    _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> String {
    do {
        try await body()
        Issue.record("expected HTTP \(status) \(code), got success", sourceLocation: sourceLocation)
    } catch let error as ClientError {
        #expect(error.status == status, "status for \(error.message)", sourceLocation: sourceLocation)
        #expect(error.code == code, "code for \(error.message)", sourceLocation: sourceLocation)
        return error.message
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
    return ""
}

/// Sends a raw request and returns status and body text (for malformed input the typed client cannot send).
func rawRequest(
    _ url: String, method: HTTPMethod = .GET, token: String? = nil, body: Data? = nil, headers: [String: String] = [:]
) async throws -> (Int, String) {
    var request = HTTPClientRequest(url: url)
    request.method = method
    if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(.init(bytes: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let buffer = try await response.body.collect(upTo: 64 << 20)
    return (Int(response.status.code), String(buffer: buffer))
}

import NIOHTTP1
