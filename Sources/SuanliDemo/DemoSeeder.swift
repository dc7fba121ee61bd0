import AsyncHTTPClient
import Foundation
import Logging
import SuanliAgent
import SuanliClient
import SuanliCore
import SuanliServer
import SuanliSimulation

/// Registers the providers of a synthetic network on a platform, or takes over the demo
/// providers of an earlier `up` (new tokens), and builds one in-process agent per provider.
public enum DemoSeeder {
    /// The demo providers' prefixes and tokens, by index into `network.providers`.
    ///
    /// On an empty platform every provider is registered. On one an earlier `up` seeded, the
    /// demo providers are taken over (new tokens) and any it did not get to — a seeding that was
    /// interrupted — are registered now. A platform with only other providers is left alone.
    public static func providers(_ network: SyntheticNetwork, on platform: Platform) async throws -> [Int: (Prefix, String)] {
        var out: [Int: (Prefix, String)] = [:]
        let existing = platform.providers()
        let demo = existing.filter { $0.contact.hasSuffix(".demo.suanli") }
        let byContact = Dictionary(network.providers.enumerated().map { ($1.registration.contact, $0) }, uniquingKeysWith: { a, _ in a })
        for record in demo {
            guard let i = byContact[record.contact] else { continue }
            let rotated = try await platform.rotateToken(of: record.prefix, by: .operator)
            out[i] = (record.prefix, rotated.token ?? "")
        }
        guard existing.isEmpty || !demo.isEmpty else { return out }
        for (i, provider) in network.providers.enumerated() where out[i] == nil {
            let record = try await platform.registerProvider(provider.registration, by: .operator)
            out[i] = (record.prefix, record.token ?? "")
        }
        return out
    }

    /// One agent per demo provider, running tasks as local processes under `data/agents`.
    public static func agents(
        _ network: SyntheticNetwork, providers: [Int: (Prefix, String)], url: String, data: String, interval: Double,
        http: HTTPClient, logger: Logger
    ) -> [AgentRunner] {
        var resources: [Int: [AgentResource]] = [:]
        for i in 0..<network.resourceCount {
            let r = network.resource(i)
            resources[r.provider, default: []].append(
                AgentResource(suffix: r.suffix, spec: r.spec, devices: r.spec.kind == .cpu ? nil : Array(0..<r.spec.units)))
        }
        let root = (data as NSString).isAbsolutePath ? data : FileManager.default.currentDirectoryPath + "/" + data
        return providers.sorted { $0.key < $1.key }.map { i, provider in
            let work = "\(root)/agents/\(provider.0)"
            return AgentRunner(
                client: SuanliClient(server: url, token: provider.1, httpClient: http),
                executor: ProcessExecutor(configuration: .init(stateDirectory: WorkLayout(root: work).stateDirectory), logger: logger),
                resources: resources[i] ?? [], configuration: .init(heartbeatInterval: interval, workDirectory: work),
                logger: logger)
        }
    }
}
