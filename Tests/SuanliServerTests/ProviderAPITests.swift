import Foundation
import SuanliClient
import SuanliCore
import Testing

@Suite("Providers and auth over HTTP")
struct ProviderAPITests {
    @Test func healthTopologyAndEmptyStats() async throws {
        try await TestPlatform.with { t in
            try await t.anonymous.health()
            let topology = try await t.anonymous.topology()
            #expect(topology.codes.count == topology.rttMs.count)
            #expect(topology.codes.contains("cluster.zhangjiakou"))
            let stats = try await t.anonymous.stats()
            #expect(stats.providers == 0)
            #expect(stats.resources == 0)
        }
    }

    @Test func registrationNeedsTheOperatorAndAssignsChildPrefixes() async throws {
        try await TestPlatform.with { t in
            let registration = ProviderRegistration(
                name: "Zhangjiakou Wind", contact: "ops@zjk.example", location: "cluster.zhangjiakou", renewable: 0.7, pue: 1.15)
            await expectAPIError(401, "unauthorized") { _ = try await t.anonymous.registerProvider(registration) }
            await expectAPIError(401, "unauthorized") { _ = try await t.client("not-a-token").registerProvider(registration) }
            let first = try await t.operatorClient.registerProvider(registration)
            let second = try await t.operatorClient.registerProvider(registration)
            #expect(first.prefix.description == "86.1.1")
            #expect(second.prefix.description == "86.1.2")
            #expect(first.token != nil && first.token != second.token)
            // A provider token cannot register providers.
            await expectAPIError(403, "forbidden") { _ = try await t.client(first.token).registerProvider(registration) }
            // The token is shown once: listings never carry it.
            let listed = try await t.anonymous.providers()
            #expect(listed.map(\.prefix.description) == ["86.1.1", "86.1.2"])
            #expect(listed.allSatisfy { $0.token == nil })
            let one = try await t.anonymous.provider("86.1.2")
            #expect(one.name == "Zhangjiakou Wind")
            await expectAPIError(404, "not_found") { _ = try await t.anonymous.provider("86.1.99") }
            await expectAPIError(400, "invalid_identifier") { _ = try await t.anonymous.provider("86.01") }
        }
    }

    @Test func registrationValidatesFields() async throws {
        try await TestPlatform.with { t in
            let bad = [
                ProviderRegistration(name: "", contact: "c", location: "city.beijing", renewable: 0.5, pue: 1.2),
                ProviderRegistration(name: "n", contact: "c", location: "city.atlantis", renewable: 0.5, pue: 1.2),
                ProviderRegistration(name: "n", contact: "c", location: "city.beijing", renewable: 1.5, pue: 1.2),
                ProviderRegistration(name: "n", contact: "c", location: "city.beijing", renewable: 0.5, pue: 0.8),
            ]
            for registration in bad {
                await expectAPIError(422, "validation_failed") { _ = try await t.operatorClient.registerProvider(registration) }
            }
            let (status, body) = try await rawRequest(
                t.url + "/v1/providers", method: .POST, token: TestPlatform.operatorToken, body: Data("{\"name\":".utf8))
            #expect(status == 400)
            #expect(body.contains("\"code\":\"bad_request\""))
            let (missingStatus, missingBody) = try await rawRequest(
                t.url + "/v1/providers", method: .POST, token: TestPlatform.operatorToken, body: Data("{\"name\":\"x\"}".utf8))
            #expect(missingStatus == 400)
            #expect(missingBody.contains("contact"))
        }
    }

    @Test func tokenRotationInvalidatesTheOldToken() async throws {
        try await TestPlatform.with { t in
            let (prefix, old) = try await t.provider()
            _ = try await old.putResource("\(prefix)/n1", gpuSpec())
            let rotated = try await t.operatorClient.raw(.POST, "/v1/providers/\(prefix)/token", body: nil)
            let record = try SuanliJSON.decoder().decode(ProviderRecord.self, from: rotated.1)
            await expectAPIError(401, "token_revoked") { _ = try await old.putResource("\(prefix)/n2", gpuSpec()) }
            _ = try await t.client(record.token).putResource("\(prefix)/n2", gpuSpec())
        }
    }

    @Test func readsCanRequireATokenAndErrorsAreAlwaysJSON() async throws {
        try await TestPlatform.with(readAccess: .token) { t in
            await expectAPIError(401, "unauthorized") { _ = try await t.anonymous.stats() }
            _ = try await t.operatorClient.stats()
            let (status, body) = try await rawRequest(t.url + "/v1/nothing-here")
            #expect(status == 404)
            #expect(body.contains("\"error\""))
            let (badAuth, badBody) = try await rawRequest(t.url + "/v1/stats", token: nil)
            #expect(badAuth == 401)
            #expect(badBody.hasPrefix("{\"error\":{"))
        }
    }
}
