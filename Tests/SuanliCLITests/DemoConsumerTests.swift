import Foundation
import Logging
import ServiceLifecycle
import SuanliCore
import SuanliServer
import SuanliStore
import Testing

@testable import SuanliCLI

/// `suanli up`'s demo consumer: one consumer whose token survives restarts.
@Suite("Demo consumer")
struct DemoConsumerTests {
    /// A platform on `directory` with its services running (commits need them), for `body`.
    func withPlatform<T: Sendable>(_ directory: String, _ body: (Platform) async throws -> T) async throws -> T {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let store = try SQLiteStore(path: directory + "/suanli.sqlite")
        let platform = try await Platform.open(
            configuration: PlatformConfiguration(dataDirectory: directory, operatorToken: "demo-consumer-test-operator-token"),
            store: store, logger: logger)
        let server = PlatformServer(platform: platform, host: "127.0.0.1", port: 0, logger: logger)
        let group = ServiceGroup(services: [server], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                let result = try await body(platform)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                await platform.close()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                await platform.close()
                throw error
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func sameTokenAcrossRestartsAndANewOneWhenLost() async throws {
        let directory = NSTemporaryDirectory() + "suanli-demo-consumer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await withPlatform(directory) { platform in
            let token = try await demoConsumerToken(platform, data: directory)
            #expect(try await demoConsumerToken(platform, data: directory) == token)
            guard case .consumer = try platform.authenticate(token: token) else {
                Issue.record("not a consumer token")
                return token
            }
            return token
        }
        let path = directory + "/" + demoConsumerTokenFile
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "only its owner reads the token")
        // After a restart: the same consumer and token, no second consumer.
        try await withPlatform(directory) { platform in
            let again = try await demoConsumerToken(platform, data: directory)
            let consumers = try platform.consumers(by: .operator)
            #expect(again == first)
            #expect(consumers.count == 1)
        }
        // A token the platform does not know (another data directory's) is replaced.
        try "slc_not-a-token-of-this-platform\n".write(toFile: path, atomically: true, encoding: .utf8)
        try await withPlatform(directory) { platform in
            let replaced = try await demoConsumerToken(platform, data: directory)
            #expect(replaced != first && replaced != "slc_not-a-token-of-this-platform")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == replaced + "\n")
        }
    }

    @Test func shellSetupLine() {
        let line = shellSetup(url: "http://127.0.0.1:8080", token: "slc_x")
        #expect(line.hasPrefix("export SUANLI_SERVER=http://127.0.0.1:8080 SUANLI_TOKEN=slc_x"))
    }
}
