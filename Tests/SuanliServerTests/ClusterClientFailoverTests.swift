import SuanliClient
import SuanliCore
import Testing

/// `--server URL1,URL2,…`: a client moves on to the next URL when it cannot connect (even for a
/// `POST`: nothing reached a server), stays on a URL that answers, and never repeats a call
/// that a server refused.
@Suite("Cluster: client URL lists")
struct ClusterClientFailoverTests {
    /// A loopback port nothing listens on.
    static let closed = "http://127.0.0.1:1"

    @Test func aRefusedConnectionMovesOnAndTheNextURLStays() async throws {
        try await TestPlatform.with { t in
            let client = SuanliClient(server: "\(Self.closed), \(t.url)/", token: TestPlatform.operatorToken)
            #expect(client.rotation.servers == [Self.closed, t.url])
            #expect(client.server == Self.closed)
            let consumer = try await client.registerConsumer(ConsumerRegistration(name: "failover"))
            #expect(client.rotation.index == 1)
            // Copies share the rotation; later calls go straight to the working URL.
            let copy = client
            #expect(try await copy.consumers().map(\.id) == [consumer.id])
            #expect(copy.rotation.index == 1)
        }
    }

    @Test func aRefusalIsNotRepeatedElsewhere() async throws {
        try await TestPlatform.with { t in
            let client = SuanliClient(server: "\(t.url),\(Self.closed)", token: "not-a-token")
            await expectAPIError(401, "unauthorized") { _ = try await client.registerConsumer(ConsumerRegistration(name: "x")) }
            #expect(client.rotation.index == 0)
        }
    }

    @Test func everyURLDownIsOneTransportError() async throws {
        let client = SuanliClient(server: "\(Self.closed),http://127.0.0.1:2")
        await expectAPIError(0, "transport") { try await client.health() }
    }
}
