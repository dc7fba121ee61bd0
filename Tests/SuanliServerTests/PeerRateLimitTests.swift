import Foundation
import SuanliCore
import SuanliServer
import Testing

@testable import SuanliFederation

/// A platform's signed reads of another platform (a hub asking the root for the federation's
/// resources on its consumers' behalf) are not limited as one anonymous client; unsigned and
/// forged ones are.
@Suite("Rate limits and the federation's signed reads")
struct PeerRateLimitTests {
    @Test func signedReadsOfAPlatformOfTheFederationAreNotLimited() async throws {
        try await AggregationTests.member(prefix: "86.1", rateLimits: [.discovery: RateLimit(perSecond: 0.01, burst: 2)]) { root, _ in
            let east = try await root.addChild("east")
            try await AggregationTests.member(prefix: east.prefix, parent: root.url, token: east.token) { child, _ in
                try await child.waitJoined()
                // As `scope=federation` asks the root: signed by the child, many more than the burst.
                for i in 0..<10 {
                    let (status, _) = try await child.module.peers.send(.GET, base: root.url, target: "/v1/resources?kind=cpu&limit=\(i + 1)")
                    #expect(status == 200)
                }
                // The same address without a signature: one anonymous client, limited after the burst.
                var statuses: [Int] = []
                for _ in 0..<3 { statuses.append(try await rawRequest(root.url + "/v1/resources?kind=cpu").0) }
                #expect(statuses == [200, 200, 429])
                // A signature that does not verify is no exemption, and no error of its own: still 429.
                let (status, _) = try await forged(root.url + "/v1/resources?kind=cpu", peer: east.prefix)
                #expect(status == 429)
            }
        }
    }

    /// A GET with peer headers whose signature is garbage.
    func forged(_ url: String, peer: String) async throws -> (Int, String) {
        try await rawRequest(
            url,
            headers: [
                FederationHeaders.peer: peer, FederationHeaders.timestamp: String(Int(Date().timeIntervalSince1970)),
                FederationHeaders.nonce: "forged-nonce-0123456789", FederationHeaders.signature: "AAAA",
            ])
    }
}
