import AsyncHTTPClient
import Foundation
import SuanliClient
import SuanliCore
import SuanliServer
import SuanliStore
import Testing

/// Tokens: several per owner, listing without secrets, revocation and expiry refused at once,
/// rotation, `last_used_at`, and tokens of databases written before token records.
@Suite("Tokens")
struct TokenTests {
    /// A consumer registered by the operator: id, client.
    static func consumer(_ test: TestPlatform, _ name: String = "lab") async throws -> (id: String, client: SuanliClient) {
        let record = try await test.operatorClient.registerConsumer(ConsumerRegistration(name: name))
        return (record.id, test.client(record.token))
    }

    @Test func listingNeverShowsSecretsAndEachSeesOnlyWhatItMay() async throws {
        try await TestPlatform.with { test in
            let (prefix, provider) = try await test.provider()
            let (consumerID, consumer) = try await Self.consumer(test)
            let auditor = try await test.operatorClient.registerAuditor(AuditorRegistration(name: "NAO"))
            #expect(auditor.id == "a1")
            let extra = try await consumer.createToken(TokenRequest(name: "ci", ttlS: 3600))
            let secrets = [TestPlatform.operatorToken, provider.token!, consumer.token!, auditor.token!, extra.token!]

            let (status, body) = try await rawRequest(test.url + "/v1/tokens", token: TestPlatform.operatorToken)
            #expect(status == 200)
            for secret in secrets { #expect(!body.contains(secret)) }
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any]
            let items = object["items"] as! [[String: Any]]
            #expect(items.count == 5)  // bootstrap operator, provider, consumer, auditor, extra
            for item in items {
                for key in ["id", "role", "owner", "created_at", "expires_at", "last_used_at", "revoked_at", "name"] {
                    #expect(item.keys.contains(key), "\(key) in \(item)")
                }
                #expect(item["token"] == nil)
                for value in item.values { #expect(!((value as? String).map { $0.hasPrefix("sl") } ?? false)) }
            }
            let all = try await test.operatorClient.tokens()
            #expect(Set(all.map(\.role)) == [.operator, .provider, .consumer, .auditor])
            #expect(all.first?.id == "operator")
            #expect(all.allSatisfy { $0.token == nil })
            #expect(all.first { $0.id == extra.id }?.expiresAt == test.clock.now.addingTimeInterval(3600))
            // Each sees its own; the auditor sees all.
            #expect(try await provider.tokens().map(\.owner) == [prefix])
            #expect(try await consumer.tokens().map(\.id).sorted() == all.filter { $0.owner == consumerID }.map(\.id).sorted())
            #expect(try await test.client(auditor.token).tokens().count == 5)
            await expectAPIError(401, "unauthorized") { _ = try await test.anonymous.tokens() }
        }
    }

    @Test func revocationTakesEffectOnTheNextRequest() async throws {
        try await TestPlatform.with { test in
            let (_, consumer) = try await Self.consumer(test)
            let second = try await consumer.createToken(TokenRequest(name: "second"))
            let secondClient = test.client(second.token)
            #expect(try await secondClient.whoami().kind == "consumer")
            try await consumer.revokeToken(second.id)
            let message = await expectAPIError(401, "token_revoked") { _ = try await secondClient.whoami() }
            #expect(message.contains("token revoked"))
            #expect(message.contains(second.id))
            // Every route refuses it, reads included; the consumer's other token still works.
            await expectAPIError(401, "token_revoked") { _ = try await secondClient.stats() }
            await expectAPIError(401, "token_revoked") { _ = try await secondClient.tasks() }
            #expect(try await consumer.whoami().kind == "consumer")
            // Revoking again is harmless; an unknown id is 404.
            try await consumer.revokeToken(second.id)
            await expectAPIError(404, "not_found") { try await consumer.revokeToken("tk_0000000000000000") }
            #expect(try await consumer.tokens().first { $0.id == second.id }?.revokedAt == test.clock.now)
        }
    }

    @Test func anExpiredTokenIsRefusedByTheManualClock() async throws {
        try await TestPlatform.with { test in
            let (_, consumer) = try await Self.consumer(test)
            let short = try await consumer.createToken(TokenRequest(ttlS: 60))
            let expiry = try #require(short.expiresAt)
            #expect(expiry == test.clock.now.addingTimeInterval(60))
            let client = test.client(short.token)
            test.clock.advance(59.9)
            #expect(try await client.whoami().id != nil)
            test.clock.advance(0.1)
            let message = await expectAPIError(401, "token_expired") { _ = try await client.whoami() }
            #expect(message.contains("token expired at \(Timestamp.format(expiry))"))
            // An absolute expiry works the same; one in the past or with both fields is 422.
            let until = try await consumer.createToken(TokenRequest(expiresAt: test.clock.now.addingTimeInterval(10)))
            #expect(until.expiresAt == test.clock.now.addingTimeInterval(10))
            await expectAPIError(422, "validation_failed") {
                _ = try await consumer.createToken(TokenRequest(expiresAt: test.clock.now.addingTimeInterval(-1)))
            }
            await expectAPIError(422, "validation_failed") {
                _ = try await consumer.createToken(TokenRequest(ttlS: 5, expiresAt: test.clock.now.addingTimeInterval(10)))
            }
            await expectAPIError(422, "validation_failed") { _ = try await consumer.createToken(TokenRequest(ttlS: 0)) }
        }
    }

    @Test func rotationIssuesANewSecretOnceAndRevokesTheOldAtOnce() async throws {
        try await TestPlatform.with { test in
            let (consumerID, consumer) = try await Self.consumer(test)
            let old = try await consumer.createToken(TokenRequest(name: "deploy", ttlS: 7200))
            test.clock.advance(100)
            let new = try await consumer.rotateToken(old.id)
            #expect(new.id != old.id)
            #expect(new.role == .consumer && new.owner == consumerID && new.name == "deploy")
            #expect(new.token != nil && new.token != old.token)
            #expect(new.expiresAt == test.clock.now.addingTimeInterval(7200))  // the same lifetime, from now
            await expectAPIError(401, "token_revoked") { _ = try await test.client(old.token).whoami() }
            #expect(try await test.client(new.token).whoami().id == consumerID)
            // A given lifetime replaces the old one; a revoked token cannot be rotated.
            let shorter = try await consumer.rotateToken(new.id, TokenRotation(ttlS: 60))
            #expect(shorter.expiresAt == test.clock.now.addingTimeInterval(60))
            await expectAPIError(409, "conflict") { _ = try await consumer.rotateToken(old.id) }
            // The bootstrap operator token is rotated where it is configured.
            let message = await expectAPIError(409, "conflict") { _ = try await test.operatorClient.rotateToken("operator") }
            #expect(message.contains("DATA/operator-token"))
            // The provider-token route revokes every other token of that provider.
            let (prefix, provider) = try await test.provider()
            let spare = try await provider.createToken()
            let replaced = try await test.operatorClient.rotateProviderToken(prefix)
            await expectAPIError(401, "token_revoked") { _ = try await provider.whoami() }
            await expectAPIError(401, "token_revoked") { _ = try await test.client(spare.token).whoami() }
            #expect(try await test.client(replaced.token).whoami().id == prefix)
        }
    }

    @Test func whoMayCreateAndRevokeWhichTokens() async throws {
        try await TestPlatform.with { test in
            let (prefix, provider) = try await test.provider()
            let (otherPrefix, other) = try await test.provider("q")
            let (consumerID, consumer) = try await Self.consumer(test)
            // The operator creates any role for an existing owner; an unknown owner is 422.
            let forProvider = try await test.operatorClient.createToken(TokenRequest(role: .provider, owner: prefix))
            #expect(try await test.client(forProvider.token).whoami().id == prefix)
            await expectAPIError(422, "validation_failed") {
                _ = try await test.operatorClient.createToken(TokenRequest(role: .consumer, owner: "c99"))
            }
            await expectAPIError(422, "validation_failed") { _ = try await test.operatorClient.createToken(TokenRequest(role: .provider)) }
            let peer = await expectAPIError(422, "validation_failed") {
                _ = try await test.operatorClient.createToken(TokenRequest(role: .peer, owner: "86.2"))
            }
            #expect(peer.contains("not issued yet"))
            // Others only for themselves.
            await expectAPIError(403, "forbidden") { _ = try await other.createToken(TokenRequest(role: .provider, owner: prefix)) }
            await expectAPIError(403, "forbidden") { _ = try await consumer.createToken(TokenRequest(role: .operator)) }
            await expectAPIError(404, "not_found") { try await other.revokeToken(forProvider.id) }
            await expectAPIError(404, "not_found") { _ = try await consumer.rotateToken(forProvider.id) }
            try await provider.revokeToken(forProvider.id)
            _ = otherPrefix
            _ = consumerID
            // The last active operator token cannot be revoked; with a second one it can.
            await expectAPIError(409, "conflict") { try await test.operatorClient.revokeToken("operator") }
            let second = try await test.operatorClient.createToken(TokenRequest(role: .operator))
            try await test.client(second.token).revokeToken("operator")
            await expectAPIError(401, "token_revoked") { _ = try await test.operatorClient.whoami() }
        }
    }

    @Test func lastUsedIsKeptInMemoryAndStoredCoarsely() async throws {
        let directory = TestPlatform.temporaryDirectory()
        let clock = ManualClock()
        let used = try await TestPlatform.with(directory: directory, clock: clock) { test in
            let (_, consumer) = try await Self.consumer(test)
            let token = try await consumer.createToken()
            #expect(token.lastUsedAt == nil)
            test.clock.advance(5)
            _ = try await test.client(token.token).whoami()
            let listed = try await consumer.tokens().first { $0.id == token.id }
            #expect(listed?.lastUsedAt == test.clock.now)
            // Authentication did not write: the database still has no last use.
            let reader = try SQLiteStore(path: directory + "/suanli.sqlite")
            #expect(try await reader.load(StoredToken.self).first { $0.id == token.id }?.lastUsedAt == nil)
            try await test.platform.saveTokenUsage()
            #expect(try await reader.load(StoredToken.self).first { $0.id == token.id }?.lastUsedAt == test.clock.now)
            await reader.close()
            test.clock.advance(5)
            _ = try await test.client(token.token).whoami()
            return (token.id, test.clock.now)
        }
        // Shutdown stores what changed since.
        try await TestPlatform.with(directory: directory, clock: clock) { test in
            let tokens = try await test.operatorClient.tokens()
            #expect(tokens.first { $0.id == used.0 }?.lastUsedAt == used.1)
        }
    }

    /// A database written before token records: its provider and consumer keep their tokens.
    @Test func tokensOfAnOldDatabaseKeepWorking() async throws {
        let directory = TestPlatform.temporaryDirectory()
        let providerSecret = "slp_legacy-provider-secret-0001"
        let consumerSecret = "slc_legacy-consumer-secret-0001"
        // The schema of that build: the core record types before tokens, auditors and audit.
        var legacy = StoreSchema()
        legacy.register(MetaRecord.self)
        legacy.register(StoredProvider.self)
        legacy.register(StoredResourceRecord.self)
        legacy.register(LatencyOverride.self)
        legacy.register(StoredConsumer.self)
        legacy.register(StoredTask.self)
        let old = try SQLiteStore(path: directory + "/suanli.sqlite", schema: legacy)
        let created = Date(timeIntervalSince1970: 1_790_000_000)
        try await old.apply([
            .setMeta(key: "prefix", value: "86.1"), .setMeta(key: "next_child", value: "2"), .setMeta(key: "next_consumer", value: "2"),
            .putProvider(
                StoredProvider(
                    prefix: Prefix(segments: [86, 1, 1])!,
                    registration: ProviderRegistration(name: "old", contact: "", location: "cluster.zhangjiakou", renewable: 0.5, pue: 1.2),
                    tokenHash: "c86ce68f24f44fa76341719f7da3cf28d05f834cb3fcbe2978dc9a8dcdd1ce43", createdAt: created)),
            .putConsumer(
                StoredConsumer(
                    id: "c1", registration: ConsumerRegistration(name: "old lab"),
                    tokenHash: "564db50a2859b40fb81f01b8a957400028b771ae35a29f00aa4585114a40f687", createdAt: created)),
        ])
        await old.close()
        try await TestPlatform.with(directory: directory) { test in
            #expect(try await test.client(providerSecret).whoami().id == "86.1.1")
            #expect(try await test.client(consumerSecret).whoami().id == "c1")
            let tokens = try await test.operatorClient.tokens()
            let adopted = tokens.filter { $0.id != "operator" }
            #expect(adopted.map(\.role).sorted { $0.rawValue < $1.rawValue } == [.consumer, .provider])
            #expect(adopted.allSatisfy { $0.createdAt == created && $0.id.hasPrefix("tk_") && $0.expiresAt == nil })
            // They can be revoked like any other.
            let providerToken = try #require(adopted.first { $0.role == .provider })
            try await test.operatorClient.revokeToken(providerToken.id)
            await expectAPIError(401, "token_revoked") { _ = try await test.client(providerSecret).whoami() }
        }
        // The legacy columns were emptied: token records are the only credentials.
        let reopened = try SQLiteStore(path: directory + "/suanli.sqlite")
        #expect(try await reopened.loadProviders().map(\.tokenHash) == [""])
        #expect(try await reopened.loadConsumers().map(\.tokenHash) == [""])
        await reopened.close()
    }
}

extension SuanliClient {
    /// `POST /v1/providers/{prefix}/token` (operator).
    func rotateProviderToken(_ prefix: String) async throws -> ProviderRecord {
        let (_, data) = try await raw(.POST, Endpoints.providerToken.path(prefix), body: nil)
        return try SuanliJSON.decoder().decode(ProviderRecord.self, from: data)
    }
}
