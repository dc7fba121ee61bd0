import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import SuanliAgent
import SuanliCore
import SuanliDemo
import SuanliServer
import SuanliSimulation
import SuanliStore
import Testing

@Suite("Demo network") struct DemoSeederTests {
    static let operatorToken = "demo-test-operator-token-0000"

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "suanli-demo-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func open(_ directory: String) async throws -> Platform {
        var logger = Logger(label: "demo-test")
        logger.logLevel = .warning
        return try await Platform.open(
            configuration: PlatformConfiguration(dataDirectory: directory, operatorToken: operatorToken),
            store: try SQLiteStore(path: directory + "/suanli.sqlite"), logger: logger)
    }

    /// Runs `body` with a platform on `directory` whose server (and so its committer) runs.
    static func withRunningPlatform<T: Sendable>(_ directory: String, _ body: (Platform, Int) async throws -> T) async throws -> T {
        var logger = Logger(label: "demo-test")
        logger.logLevel = .warning
        let platform = try await open(directory)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = PlatformServer(platform: platform, host: "127.0.0.1", port: 0, logger: logger) { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        let group = ServiceGroup(services: [server], logger: logger)
        let result = try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var port = 0
            for await p in ports { port = p }
            do {
                let result = try await body(platform, port)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
        await platform.close()
        return result
    }

    @Test func seedsAnEmptyPlatformThenTakesItsProvidersOver() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let network = SyntheticNetwork(providers: 6, resources: 20, seed: 3)

        let first = try await Self.withRunningPlatform(directory) { platform, _ in
            let seeded = try await DemoSeeder.providers(network, on: platform)
            #expect(platform.providers().count == 6)
            return seeded.mapValues { "\($0.0)|\($0.1)" }
        }
        #expect(first.keys.sorted() == Array(0..<6))
        #expect(Set(first.values.map { $0.split(separator: "|")[0] }).count == 6)
        #expect(first.values.allSatisfy { $0.split(separator: "|").count == 2 })

        // A restart on the same data takes the same providers over with new tokens, registering none.
        let second = try await Self.withRunningPlatform(directory) { platform, _ in
            let seeded = try await DemoSeeder.providers(network, on: platform)
            #expect(platform.providers().count == 6)
            return seeded.mapValues { "\($0.0)|\($0.1)" }
        }
        for i in 0..<6 {
            let a = first[i]?.split(separator: "|")
            let b = second[i]?.split(separator: "|")
            #expect(a?[0] == b?[0])
            #expect(a?[1] != b?[1])
        }
    }

    @Test func anInterruptedSeedingIsCompletedOnTheNextStart() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let network = SyntheticNetwork(providers: 6, resources: 20, seed: 3)
        // An earlier `up` registered only the first two providers before it was stopped.
        try await Self.withRunningPlatform(directory) { platform, _ in
            for provider in network.providers.prefix(2) {
                _ = try await platform.registerProvider(provider.registration, by: .operator)
            }
        }
        let seeded = try await Self.withRunningPlatform(directory) { platform, _ in
            let seeded = try await DemoSeeder.providers(network, on: platform)
            #expect(platform.providers().count == 6, "the missing four are registered")
            return seeded.count
        }
        #expect(seeded == 6)
    }

    @Test func demoAgentsRegisterEveryResourceOverLoopback() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "demo-test")
        logger.logLevel = .warning
        let network = SyntheticNetwork(providers: 3, resources: 12, seed: 5)
        let platform = try await Self.open(directory)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = PlatformServer(platform: platform, host: "127.0.0.1", port: 0, logger: logger) { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        let (ready, readyContinuation) = AsyncStream.makeStream(of: [AgentRunner].self)
        let group = ServiceGroup(services: [server, DemoAgents(ready: ready)], logger: logger)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var port = 0
            for await p in ports { port = p }
            let providers = try await DemoSeeder.providers(network, on: platform)
            let agents = DemoSeeder.agents(
                network, providers: providers, url: "http://127.0.0.1:\(port)", data: directory, interval: 5, http: http,
                logger: logger)
            #expect(agents.count == 3)
            readyContinuation.yield(agents)
            readyContinuation.finish()
            while !agents.allSatisfy(\.isRegistered) { try await Task.sleep(for: .milliseconds(20)) }
            #expect(platform.stats().resources == network.resourceCount)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try await http.shutdown()
        await platform.close()
    }
}
