import Foundation
import Logging
import SuanliClient
import SuanliCore
import SuanliFederation
import SuanliHandle
import SuanliServer
import Synchronization
import Testing

/// Handle resolution across a federation of real platforms on loopback: every platform answers
/// for the identifiers and delegated prefixes of the others, with their URLs and public keys.
@Suite("Handle API across a federation")
struct HandleFederationTests {
    /// A platform owning `prefix` (a child of `parent` when given) with its federation and Handle modules.
    static func member<T>(
        prefix: String, parent: String? = nil, token: String? = nil, _ body: (FederationMember) async throws -> T
    ) async throws -> T {
        let box = Mutex<FederationModule?>(nil)
        var logger = Logger(label: "handle-federation-test")
        logger.logLevel = .critical
        return try await TestPlatform.with(
            configure: { $0.prefix = try! Prefix(parsing: prefix) },
            openModules: { platform in
                let configuration = FederationConfiguration(name: "platform \(prefix)", parentURL: parent, joinToken: token, syncInterval: 0.1)
                let module = try await FederationModule.open(platform: platform, configuration: configuration, logger: logger)
                box.withLock { $0 = module }
                return [module, HandleModule(platform: platform)]
            }
        ) { test in
            let module = box.withLock { $0! }
            module.listening(at: test.url)
            return try await body(FederationMember(test: test, module: module))
        }
    }

    /// The values of `type` in the record, as text.
    static func text(_ record: HandleRecord?, _ type: String) -> String? { HandleAPITests.text(record, type) }

    @Test func identifiersAndPrefixesResolveOnEveryPlatform() async throws {
        try await Self.member(prefix: "86.1") { root in
            let child = try await root.addChild("east")
            let rootID = try await root.resource("root-gpu")
            try await Self.member(prefix: child.prefix, parent: root.url, token: child.token) { east in
                try await east.waitJoined()
                let eastID = try await east.resource("east:gpu")

                for (member, foreign, owner) in [(root, eastID, child.prefix), (east, rootID, "86.1")] {
                    // A resource of the other platform: its values, owned by that platform.
                    let answer = try await HandleAPITests.get(member.test, "/api/handles/" + foreign)
                    #expect(answer.status == 200, "\(answer.body)")
                    #expect(answer.record?.handle == foreign)
                    #expect(Self.text(answer.record, "SUANLI.PLATFORM") == owner)
                    #expect(Self.text(answer.record, "URL") == member.url + "/v1/resolve/" + foreign)
                    // Unknown anywhere: 100 / 404; not a handle: 102 / 400.
                    for unknown in ["86.1.9/none", "\(child.prefix).7/none", "86.2.1/none"] {
                        let missing = try await HandleAPITests.get(member.test, "/api/handles/" + unknown)
                        #expect(missing.status == 404 && missing.record?.responseCode == .handleNotFound, "\(unknown): \(missing.body)")
                    }
                }

                // Prefixes: each platform's URL, key and administrator, from either platform.
                for member in [root, east] {
                    let national = try await HandleAPITests.get(member.test, "/api/handles/0.NA/86.1")
                    #expect(national.status == 200, "\(national.body)")
                    #expect(Self.text(national.record, "URL") == root.url)
                    #expect(Self.text(national.record, "SUANLI.NAME") == "platform 86.1")
                    #expect(Self.text(national.record, "HS_PUBKEY") == root.module.publicKey)
                    let nationalAdmin = national.record?.values?.first { $0.type == "HS_ADMIN" }?.data.value
                    #expect(nationalAdmin == .admin(HandleAdmin(handle: "0.NA/86.1", index: 300, permissions: "011111111111")))

                    let regional = try await HandleAPITests.get(member.test, "/api/handles/0.NA/" + child.prefix)
                    #expect(regional.status == 200, "\(regional.body)")
                    #expect(Self.text(regional.record, "URL") == east.url)
                    #expect(Self.text(regional.record, "SUANLI.NAME") == "east")
                    #expect(Self.text(regional.record, "SUANLI.PLATFORM") == child.prefix)
                    #expect(Self.text(regional.record, "HS_PUBKEY") == east.module.publicKey)
                    let regionalAdmin = regional.record?.values?.first { $0.type == "HS_ADMIN" }?.data.value
                    #expect(regionalAdmin == .admin(HandleAdmin(handle: "0.NA/86.1", index: 300, permissions: "011111111111")))
                    let key = regional.record?.values?.first { $0.type == "HS_PUBKEY" }
                    #expect(key?.index == 300 && key?.data.format == "base64")

                    let nobody = try await HandleAPITests.get(member.test, "/api/handles/0.NA/86.1.77")
                    #expect(nobody.status == 404 && nobody.record?.responseCode == .handleNotFound, "\(nobody.body)")
                }
                // A provider's prefix names its platform's key.
                let provider = String(eastID.prefix { $0 != "/" })
                let providerAnswer = try await HandleAPITests.get(east.test, "/api/handles/0.NA/" + provider)
                #expect(Self.text(providerAnswer.record, "HS_PUBKEY") == east.module.publicKey)
                #expect(Self.text(providerAnswer.record, "SUANLI.PLATFORM") == child.prefix)
            }
        }
    }
}
