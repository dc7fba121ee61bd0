import Foundation
import SuanliAgent
import Logging
import SuanliClient
import SuanliCore
import SuanliFederation
import SuanliServer
import Synchronization
import Testing

/// One platform of a test federation: a real platform on a loopback port with its federation module.
struct FederationMember {
    let test: TestPlatform
    let module: FederationModule

    var url: String { test.url }
    var operatorClient: SuanliClient { test.operatorClient }
    var anonymous: SuanliClient { test.anonymous }

    /// Starts a platform owning `prefix` (a child of `parent` when given), runs `body`, stops it.
    static func with<T>(
        prefix: String, parent: String? = nil, token: String? = nil, directory: String? = nil, name: String? = nil,
        syncInterval: Double = 0.1, rootKey: String? = nil, _ body: (FederationMember) async throws -> T
    ) async throws -> T {
        let box = Mutex<FederationModule?>(nil)
        var logger = Logger(label: "federation-test")
        logger.logLevel = .critical
        return try await TestPlatform.with(
            directory: directory, configure: { $0.prefix = try! Prefix(parsing: prefix) },
            openModules: { platform in
                var configuration = FederationConfiguration(name: name, parentURL: parent, joinToken: token, syncInterval: syncInterval)
                configuration.rootPublicKey = rootKey
                let module = try await FederationModule.open(platform: platform, configuration: configuration, logger: logger)
                box.withLock { $0 = module }
                return [module]
            }
        ) { test in
            let module = box.withLock { $0! }
            module.listening(at: test.url)
            return try await body(FederationMember(test: test, module: module))
        }
    }

    /// Delegates the next child prefix (operator) and returns it with its join token.
    func addChild(_ name: String) async throws -> (prefix: String, token: String) {
        let child = try await operatorClient.addFederationChild(FederationChildRequest(name: name, url: "http://127.0.0.1:1"))
        return (child.prefix.description, child.joinToken ?? "")
    }

    /// Registers a provider with one resource `suffix`; returns the resource's identifier.
    func resource(_ suffix: String) async throws -> String {
        let (prefix, client) = try await test.provider()
        let id = "\(prefix)/\(suffix)"
        _ = try await client.putResource(id, gpuSpec())
        return id
    }

    /// Waits until the platform's parent link is `up`.
    func waitJoined() async throws {
        let joined = try await eventually { try await anonymous.federation().parent?.state == .up }
        #expect(joined, "\(url) joined its parent")
    }
}

/// Sends a signed peer call as the platform of `prefix` holding `identity`; returns status and body.
func peerCall(
    _ base: String, _ target: String, body: some Encodable, as prefix: String, identity: PlatformIdentity, now: Date = Date(),
    nonce: String = PeerSignature.newNonce(), signWith: PlatformIdentity? = nil, headers extra: [(String, String)]? = nil
) async throws -> (Int, String) {
    let data = try SuanliJSON.encoder().encode(body)
    let sender = try Prefix(parsing: prefix)
    let headers =
        extra
        ?? PeerSignature.headers(
            identity: signWith ?? identity, prefix: sender, method: "POST", target: target, body: data, now: now, nonce: nonce)
    var request = HTTPClientRequest(url: base + target)
    request.method = .POST
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.headers.add(name: "Content-Type", value: "application/json")
    request.body = .bytes(.init(bytes: data))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let buffer = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), String(buffer: buffer))
}

import AsyncHTTPClient

/// The error code of a JSON error body.
func errorCode(_ body: String) -> String? {
    guard let envelope = try? SuanliJSON.decoder().decode(APIErrorBody.self, from: Data(body.utf8)) else { return nil }
    return envelope.error.code
}

@Suite("Federation: join, delegations, resolve anywhere, peer authentication")
struct FederationTests {
    @Test func keyPairIsCreatedOnceWithMode0600() async throws {
        let directory = TestPlatform.temporaryDirectory()
        let first = try PlatformIdentity.loadOrCreate(dataDirectory: directory)
        let again = try PlatformIdentity.loadOrCreate(dataDirectory: directory)
        #expect(first.publicKey == again.publicKey)
        #expect(Data(base64Encoded: first.publicKey)?.count == 32)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/" + PlatformIdentity.fileName)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try PlatformIdentity.loadOrCreate(dataDirectory: TestPlatform.temporaryDirectory()).publicKey != first.publicKey)
    }

    @Test func threeLevelsJoinResolveAndVerifyTheChain() async throws {
        try await FederationMember.with(prefix: "86.1", name: "national") { root in
            let east = try await root.addChild("east")
            let rootID = try await root.resource("root-gpu")
            let west = try await root.addChild("west")
            // Children and providers share the counter: never the same prefix.
            #expect(east.prefix == "86.1.1")
            #expect(rootID.hasPrefix("86.1.2/"))
            #expect(west.prefix == "86.1.3")
            try await FederationMember.with(prefix: east.prefix, parent: root.url, token: east.token) { mid in
                try await mid.waitJoined()
                let shanghai = try await mid.addChild("shanghai")
                #expect(shanghai.prefix == "86.1.1.1")
                try await FederationMember.with(prefix: shanghai.prefix, parent: mid.url, token: shanghai.token) { leaf in
                    try await leaf.waitJoined()
                    try await FederationMember.with(prefix: west.prefix, parent: root.url, token: west.token) { cousin in
                        try await cousin.waitJoined()
                        let leafID = try await leaf.resource("leaf-gpu")
                        let cousinID = try await cousin.resource("cousin-gpu")

                        // Every platform answers for every identifier, naming the owner.
                        for member in [root, mid, leaf, cousin] {
                            #expect(try await member.anonymous.resolve(leafID).platform?.description == "86.1.1.1")
                            #expect(try await member.anonymous.resolve(rootID).platform?.description == "86.1")
                            #expect(try await member.anonymous.resolve(cousinID).platform?.description == "86.1.3")
                            // Unknown: 404 everywhere (under a child, under the root, under a leaf); malformed: 400.
                            for unknown in ["86.1.1.1.9/none", "86.1.9/none", "86.1.3.7/none", "86.2.1/none"] {
                                await expectAPIError(404, "not_found") { _ = try await member.anonymous.resolve(unknown) }
                            }
                            await expectAPIError(400, "invalid_identifier") { _ = try await member.anonymous.resolve("86.1..1/x") }
                        }
                        let batch = try await leaf.anonymous.resolve(batch: [leafID, rootID, cousinID, "86.1.9/none", "86.1.3.7/none"])
                        #expect(batch.map { $0?.platform?.description } == ["86.1.1.1", "86.1", "86.1.3", nil, nil])
                        #expect(batch[2]?.id.string == cousinID)

                        // Status: each side sees the link up; children in prefix order.
                        let status = try await root.anonymous.federation()
                        #expect(status.parent == nil)
                        #expect(status.name == "national")
                        #expect(status.children.map(\.prefix.description) == ["86.1.1", "86.1.3"])
                        #expect(status.children.map(\.state) == [.up, .up])
                        #expect(status.children[0].url == mid.url)
                        #expect(status.children.allSatisfy { $0.lastSyncAt != nil && ($0.lagS ?? -1) >= 0 })
                        let leafStatus = try await leaf.anonymous.federation()
                        #expect(leafStatus.parent?.prefix.description == "86.1.1")
                        #expect(leafStatus.name == "shanghai")
                        #expect(leafStatus.publicKey == leaf.module.publicKey)

                        // Delegation records from any platform; the chain verifies to the root's key.
                        let rootKey = status.publicKey
                        for member in [leaf, cousin, root] {
                            var records: [DelegationRecord] = []
                            var next: String? = "86.1.1.1"
                            while let prefix = next {
                                let record = try await member.anonymous.delegation(prefix)
                                records.append(record)
                                next = record.parent?.description
                            }
                            #expect(records.map(\.prefix.description) == ["86.1.1.1", "86.1.1", "86.1"])
                            #expect(try DelegationChain.verify(records, rootPublicKey: rootKey) == leaf.module.publicKey)
                        }
                        let cousinRecord = try await leaf.anonymous.delegation("86.1.3")
                        #expect(cousinRecord.publicKey == cousin.module.publicKey)
                        #expect(cousinRecord.url == cousin.url)
                        await expectAPIError(404, "not_found") { _ = try await leaf.anonymous.delegation("86.1.7") }
                        await expectAPIError(400, "invalid_identifier") { _ = try await leaf.anonymous.delegation("86..1") }
                    }
                }
            }
        }
    }

    @Test func joinIsIdempotentOnRestartAndTheTokenWorksOnce() async throws {
        try await FederationMember.with(prefix: "86.1") { root in
            let east = try await root.addChild("east")
            let data = TestPlatform.temporaryDirectory()
            try await FederationMember.with(prefix: east.prefix, parent: root.url, token: east.token, directory: data) { child in
                try await child.waitJoined()
            }
            // Restart: the saved link and the key pair authenticate (no token needed).
            try await FederationMember.with(prefix: east.prefix, parent: root.url, directory: data) { child in
                try await child.waitJoined()
            }
            // The link file lost: the same key joins again with the same token (idempotent).
            try FileManager.default.removeItem(atPath: data + "/" + FederationModule.parentFileName)
            try await FederationMember.with(prefix: east.prefix, parent: root.url, token: east.token, directory: data) { child in
                try await child.waitJoined()
                // `up` from the child's next sync (under load the root may have seen a gap first).
                #expect(try await eventually { try await root.anonymous.federation().children.map(\.state) == [.up] })
            }
            // Another key with the used token: refused.
            let intruder = PlatformIdentity()
            let join = FederationJoin(prefix: try Prefix(parsing: east.prefix), joinToken: east.token, publicKey: intruder.publicKey, url: "http://127.0.0.1:2")
            let (status, body) = try await peerCall(root.url, "/v1/federation/join", body: join, as: east.prefix, identity: intruder)
            #expect(status == 409, "\(body)")
            #expect(errorCode(body) == "conflict")
        }
    }

    @Test func everyPeerRefusal() async throws {
        try await FederationMember.with(prefix: "86.1") { root in
            let east = try await root.addChild("east")
            let eastPrefix = try Prefix(parsing: east.prefix)
            let child = PlatformIdentity()
            let url = "http://127.0.0.1:3"
            // A wrong token, then a join not signed with the key it presents.
            var join = FederationJoin(prefix: eastPrefix, joinToken: "slj_wrong", publicKey: child.publicKey, url: url)
            var (status, body) = try await peerCall(root.url, "/v1/federation/join", body: join, as: east.prefix, identity: child)
            #expect(status == 401 && errorCode(body) == "unauthorized", "\(body)")
            join.joinToken = east.token
            (status, body) = try await peerCall(root.url, "/v1/federation/join", body: join, as: east.prefix, identity: child, signWith: PlatformIdentity())
            #expect(status == 401 && errorCode(body) == "signature_invalid", "\(body)")
            (status, body) = try await peerCall(root.url, "/v1/federation/join", body: join, as: east.prefix, identity: child)
            #expect(status == 200, "\(body)")
            let link = try SuanliJSON.decoder().decode(FederationLink.self, from: Data(body.utf8))
            #expect(link.delegation.isSigned(by: try await root.anonymous.federation().publicKey))

            let sync = FederationSync(prefix: eastPrefix, url: url)
            let target = "/v1/federation/sync"
            // A good sync.
            (status, body) = try await peerCall(root.url, target, body: sync, as: east.prefix, identity: child)
            #expect(status == 200, "\(body)")
            // Unsigned.
            (status, body) = try await peerCall(root.url, target, body: sync, as: east.prefix, identity: child, headers: [])
            #expect(status == 401 && errorCode(body) == "signature_missing", "\(body)")
            // An unknown peer (a prefix nobody delegated).
            (status, body) = try await peerCall(root.url, target, body: sync, as: "86.1.77", identity: child)
            #expect(status == 401 && errorCode(body) == "unknown_peer", "\(body)")
            // A forged signature (another key claims the child's prefix).
            (status, body) = try await peerCall(root.url, target, body: sync, as: east.prefix, identity: child, signWith: PlatformIdentity())
            #expect(status == 401 && errorCode(body) == "signature_invalid", "\(body)")
            // Expired: signed two minutes ago (the window is 30 s).
            (status, body) = try await peerCall(root.url, target, body: sync, as: east.prefix, identity: child, now: Date().addingTimeInterval(-120))
            #expect(status == 401 && errorCode(body) == "request_expired", "\(body)")
            // Replayed: the same signed request twice.
            let nonce = PeerSignature.newNonce()
            let now = Date()
            (status, body) = try await peerCall(root.url, target, body: sync, as: east.prefix, identity: child, now: now, nonce: nonce)
            #expect(status == 200, "\(body)")
            (status, body) = try await peerCall(root.url, target, body: sync, as: east.prefix, identity: child, now: now, nonce: nonce)
            #expect(status == 401 && errorCode(body) == "replayed_request", "\(body)")
            // Speaking for a prefix outside its delegation.
            let outside = FederationSync(prefix: try Prefix(parsing: "86.1.2"), url: url)
            (status, body) = try await peerCall(root.url, target, body: outside, as: east.prefix, identity: child)
            #expect(status == 403 && errorCode(body) == "outside_delegation", "\(body)")
            // Malformed: a bad body is a 400, not a crash.
            (status, body) = try await peerCall(root.url, target, body: ["prefix": "86..1"], as: east.prefix, identity: child)
            #expect(status == 400, "\(body)")
            // Adding a child needs the operator.
            await expectAPIError(401, "unauthorized") {
                _ = try await root.anonymous.addFederationChild(FederationChildRequest(name: "x", url: "http://127.0.0.1:4"))
            }
            await expectAPIError(422, "validation_failed") {
                _ = try await root.operatorClient.addFederationChild(FederationChildRequest(name: "x", url: "ftp://nowhere"))
            }
        }
    }

    @Test("A child started with --root-key joins only under that root")
    func aPinnedRootKeyRefusesAnotherRoot() async throws {
        try await FederationMember.with(prefix: "86.1") { root in
            let stranger = PlatformIdentity().publicKey
            let refused = try await root.addChild("pinned-elsewhere")
            try await FederationMember.with(prefix: refused.prefix, parent: root.url, token: refused.token, rootKey: stranger) { child in
                // The parent answers, but its chain ends at another root: the child keeps no link.
                try await Task.sleep(for: .milliseconds(800))
                let status = try await child.anonymous.federation()
                #expect(status.parent?.state != .up, "\(String(describing: status.parent))")
            }
            let trusted = try await root.addChild("pinned-here")
            try await FederationMember.with(prefix: trusted.prefix, parent: root.url, token: trusted.token, rootKey: root.module.publicKey) { child in
                try await child.waitJoined()
            }
        }
    }

    @Test func forgedAndExpiredDelegationsAreRefused() async throws {
        let rootKey = PlatformIdentity()
        let midKey = PlatformIdentity()
        let leafKey = PlatformIdentity()
        let now = Date()
        let rootPrefix = try Prefix(parsing: "86.1")
        let midPrefix = try Prefix(parsing: "86.1.1")
        let leafPrefix = try Prefix(parsing: "86.1.1.4")
        let root = DelegationRecord.signed(
            prefix: rootPrefix, name: "national", url: "http://a", publicKey: rootKey.publicKey, parent: nil, issuedAt: now, by: rootKey)
        let mid = DelegationRecord.signed(
            prefix: midPrefix, name: "east", url: "http://b", publicKey: midKey.publicKey, parent: rootPrefix, issuedAt: now, by: rootKey)
        let leaf = DelegationRecord.signed(
            prefix: leafPrefix, name: "sh", url: "http://c", publicKey: leafKey.publicKey, parent: midPrefix, issuedAt: now, by: midKey)
        #expect(try DelegationChain.verify([leaf, mid, root], rootPublicKey: rootKey.publicKey, now: now) == leafKey.publicKey)

        func refused(_ records: [DelegationRecord], root key: String = rootKey.publicKey, at time: Date = now) -> String {
            do {
                try DelegationChain.verify(records, rootPublicKey: key, now: time)
                return "accepted"
            } catch { return error.message }
        }
        // Altered after signing (another URL): forged.
        var altered = leaf
        altered.url = "http://evil"
        #expect(refused([altered, mid, root]).contains("forged"))
        // Signed by a key the parent does not hold.
        let selfMade = DelegationRecord.signed(
            prefix: leafPrefix, name: "sh", url: "http://c", publicKey: leafKey.publicKey, parent: midPrefix, issuedAt: now, by: leafKey)
        #expect(refused([selfMade, mid, root]).contains("forged"))
        // Another root key than the trusted one.
        #expect(refused([leaf, mid, root], root: PlatformIdentity().publicKey).contains("trusted root key"))
        // A missing link.
        #expect(refused([leaf, root]).contains("next record"))
        // Expired (past the 7-day lifetime) and issued in the future.
        #expect(refused([leaf, mid, root], at: now.addingTimeInterval(8 * 86_400)).contains("expired"))
        #expect(refused([leaf, mid, root], at: now.addingTimeInterval(-3_600)).contains("future"))
        // A chain that stops short of the root.
        #expect(refused([leaf, mid]).contains("not the root"))
    }

    @Test func aStoppedChildIsUnreachableItsRecordsStaleAndARestartHeals() async throws {
        try await FederationMember.with(prefix: "86.1") { root in
            let east = try await root.addChild("east")
            let data = TestPlatform.temporaryDirectory()
            let id = try await FederationMember.with(prefix: east.prefix, parent: root.url, token: east.token, directory: data) { child in
                try await child.waitJoined()
                let id = try await child.resource("gpu")
                #expect(try await root.anonymous.resolve(id).available)
                return id
            }
            // The child is gone: past the lease it is unreachable; its record is served from the
            // cache (static attributes), flagged stale and unavailable.
            let unreachable = try await eventually { try await root.anonymous.federation().children.first?.state == .unreachable }
            #expect(unreachable)
            let stale = try await root.anonymous.resolve(id)
            #expect(!stale.available)
            #expect(stale.unavailableReason?.hasPrefix("stale") == true)
            #expect(stale.platform?.description == east.prefix)
            // Unknown identifiers under the unreachable child are not invented.
            await expectAPIError(503, "unavailable") { _ = try await root.anonymous.resolve("\(east.prefix).9/none") }
            // Restarted (same data, same key): up again, the record live again.
            try await FederationMember.with(prefix: east.prefix, parent: root.url, directory: data) { child in
                try await child.waitJoined()
                let up = try await eventually { try await root.anonymous.federation().children.first?.state == .up }
                #expect(up)
                let fresh = try await eventually { try await root.anonymous.resolve(id).available }
                #expect(fresh)
            }
        }
    }
}

@Suite("Federation: real processes", .serialized)
struct FederationProcessTests {
    @Test func serveJoinsItsParentResolvesAcrossAndStopsOnSIGINTWhileJoining() async throws {
        let token = "federation-operator-token-0000"
        let root = try ServerProcess(data: TestPlatform.temporaryDirectory(), token: token, extra: ["--sync-interval", "0.2"])
        defer { root.stop() }
        let rootClient = SuanliClient(server: root.url, token: token)
        let child = try await rootClient.addFederationChild(FederationChildRequest(name: "east", url: "http://127.0.0.1:1"))
        let rootKey = try await rootClient.federation().publicKey
        let east = try ServerProcess(
            data: TestPlatform.temporaryDirectory(), token: token,
            extra: [
                "--prefix", child.prefix.description, "--parent", root.url, "--join-token", child.joinToken ?? "", "--sync-interval", "0.2",
                "--root-key", rootKey,
            ])
        defer { east.stop() }
        let joined = try await eventually { try await rootClient.federation().children.first?.state == .up }
        #expect(joined)
        let eastClient = SuanliClient(server: east.url, token: token)
        let childSeesUp = try await eventually { try await eastClient.federation().parent?.state == .up }
        #expect(childSeesUp)
        let provider = try await eastClient.registerProvider(
            ProviderRegistration(name: "p", contact: "c", location: "cluster.horinger", renewable: 0.9, pue: 1.1))
        let id = "\(provider.prefix)/gpu-1"
        _ = try await SuanliClient(server: east.url, token: provider.token).putResource(id, gpuSpec(location: "cluster.horinger"))
        let record = try await SuanliClient(server: root.url).resolve(id)
        #expect(record.platform == child.prefix)
        #expect(try await SuanliClient(server: root.url).delegation(child.prefix.description).url == east.url)

        // A child whose parent does not answer keeps trying to join, and still stops at SIGINT.
        let orphan = try ServerProcess(
            data: TestPlatform.temporaryDirectory(), token: token,
            extra: ["--prefix", "86.1.9", "--parent", "http://127.0.0.1:9", "--join-token", "slj_nothing", "--sync-interval", "0.2"])
        #expect(try await SuanliClient(server: orphan.url).federation().parent?.state == .joining)
        orphan.process.signal(SIGINT)
        let stopped = try await eventually { !orphan.process.isRunning }
        #expect(stopped, "serve stops on SIGINT while its join is pending")
        if !stopped { orphan.kill9() }
    }
}

import Hummingbird
import NIOCore
import ServiceLifecycle

/// A platform that joined honestly but answers resolves with records it does not own: a
/// Hummingbird server on a loopback port that answers every `GET /v1/resolve/…` with `record(id)`.
func withRoguePeer<T>(
    record: @escaping @Sendable (String) -> String, _ body: (String) async throws -> T
) async throws -> T {
    let router = Router()
    router.get("/v1/resolve/**") { request, _ -> Response in
        let id = String(request.uri.path.dropFirst("/v1/resolve/".count))
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: record(id))))
    }
    router.post("/v1/resolve") { request, context -> Response in
        let batch = try await request.decode(as: ResolveBatch.self, context: context)
        let items = batch.ids.map { record($0) }.joined(separator: ",")
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"items":[\#(items)]}"#)))
    }
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "rogue")
    logger.logLevel = .critical
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }, logger: logger)
    let group = ServiceGroup(services: [app], logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var port = 0
        for await p in ports { port = p }
        defer { tasks.cancelAll() }
        let result = try await body("http://127.0.0.1:\(port)")
        await group.triggerGracefulShutdown()
        return result
    }
}

extension FederationTests {
    @Test func aChildsAnswerOutsideItsPrefixAndTheHopLimitAreRefused() async throws {
        try await FederationMember.with(prefix: "86.1") { root in
            let east = try await root.addChild("east")
            let other = try await root.resource("gpu")  // 86.1.2/gpu, the root's own
            let template = try await root.anonymous.resolve(other)
            let json = String(decoding: try SuanliJSON.encoder().encode(template), as: UTF8.self)
            // The rogue joins as 86.1.1, then answers with the root's record (another owner) or another id.
            try await withRoguePeer(record: { id in
                id.hasSuffix("/other-id") ? json : json.replacingOccurrences(of: other, with: id)
            }) { rogueURL in
                let identity = PlatformIdentity()
                let join = FederationJoin(prefix: try Prefix(parsing: east.prefix), joinToken: east.token, publicKey: identity.publicKey, url: rogueURL)
                let (status, body) = try await peerCall(root.url, "/v1/federation/join", body: join, as: east.prefix, identity: identity)
                #expect(status == 200, "\(body)")
                let outside = await expectAPIError(502, "outside_delegation") { _ = try await root.anonymous.resolve("\(east.prefix).1/x") }
                #expect(outside.contains("outside its delegated prefix"))
                await expectAPIError(502, "bad_peer_answer") { _ = try await root.anonymous.resolve("\(east.prefix).1/other-id") }
                let batch = await expectAPIError(502, "outside_delegation") { _ = try await root.anonymous.resolve(batch: ["\(east.prefix).1/y"]) }
                #expect(!batch.isEmpty)
            }
            // Forwarding is bounded: a request that has been forwarded 8 times is refused.
            let (status, body) = try await rawResolve(root.url + "/v1/resolve/86.2.1/x", hops: 8)
            #expect(status == 400 && errorCode(body) == "hop_limit", "\(body)")
            let (delegationStatus, delegationBody) = try await rawResolve(root.url + "/v1/federation/delegations/86.2", hops: 8)
            #expect(delegationStatus == 400 && errorCode(delegationBody) == "hop_limit", "\(delegationBody)")
        }
    }
}

/// A GET with a `Suanli-Hops` header; status and body.
func rawResolve(_ url: String, hops: Int) async throws -> (Int, String) {
    var request = HTTPClientRequest(url: url)
    request.headers.add(name: FederationHeaders.hops, value: String(hops))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let buffer = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), String(buffer: buffer))
}
