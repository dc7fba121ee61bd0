import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SuanliCore
import SuanliServer
import SuanliStore

// The federation's HTTP API (docs/api.md, docs/federation.md).
extension FederationModule {
    /// Adds `/v1/federation`, `/v1/federation/children`, `/v1/federation/delegations/{prefix}`,
    /// `/v1/federation/join` and `/v1/federation/sync`.
    public func addRoutes(to router: Router<SuanliRequestContext>, api: RouterGroup<SuanliRequestContext>) {
        api.get(Self.routerPath(Endpoints.federation)) { [self] _, context in
            try platform.authorizeRead(context.principal)
            return JSONAnswer(status(), status: .ok)
        }
        api.get(Self.routerPath(Endpoints.federationChildren)) { [self] _, context in
            try platform.authorizeRead(context.principal)
            return JSONAnswer(ItemList(items: children()), status: .ok)
        }
        api.post(Self.routerPath(Endpoints.federationChildren)) { [self] request, context in
            let body = try await request.decode(as: FederationChildRequest.self, context: context)
            return JSONAnswer(try await addChild(body, by: context.principal), status: .created)
        }
        api.get(Self.routerPath(Endpoints.federationDelegation)) { [self] request, context in
            try platform.authorizeRead(context.principal)
            let text = context.parameters.get("prefix") ?? ""
            let prefix: Prefix
            do throws(IdentifierError) { prefix = try Prefix(parsing: text) } catch { throw SuanliError.identifier(error, field: "prefix") }
            return JSONAnswer(try await delegation(of: prefix, hops: try Self.hops(request)), status: .ok)
        }
        api.post(Self.routerPath(Endpoints.federationJoin)) { [self] request, context in
            let (body, credentials) = try await signedBody(request, context: context)
            let join: FederationJoin = try Self.decode(body)
            return JSONAnswer(try await accept(join, credentials: credentials, target: Self.target(request), body: body), status: .ok)
        }
        api.post(Self.routerPath(Endpoints.federationSync)) { [self] request, context in
            let (body, credentials) = try await signedBody(request, context: context)
            let child = try verifyChild(credentials, method: "POST", target: Self.target(request), body: body)
            let sync: FederationSync = try Self.decode(body)
            return JSONAnswer(try await synced(sync, from: child), status: .ok)
        }
    }

    // MARK: Children

    /// `POST /v1/federation/children` (operator): the next child prefix and its one-time join token.
    public func addChild(_ request: FederationChildRequest, by principal: Principal) async throws(SuanliError) -> FederationChild {
        try platform.requireOperatorAccess(principal)
        let name = request.name.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(name.count), !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw SuanliError(.validation, "name must be 1–100 characters without control characters", field: "name")
        }
        if let problem = FederationConfiguration.problem(url: request.url) {
            throw SuanliError(.validation, "url \(problem)", field: "url")
        }
        let url = FederationConfiguration.trimmed(request.url)
        let token = "slj_" + (0..<4).map { _ in String(format: "%016llx", UInt64.random(in: .min ... .max)) }.joined()
        let now = configuration.clock()
        var created: StoredChildPlatform?
        let prefix = try await platform.delegateChildPrefix(by: principal) { prefix in
            let record = StoredChildPlatform(prefix: prefix, name: name, url: url, joinTokenHash: Self.sha256(token), createdAt: now)
            created = record
            return [.put(record)]
        }
        guard let record = created else { throw SuanliError(.internal, "the child record was not created") }
        state.withLock { $0.children[prefix] = ChildLink(record: record) }
        logger.info("delegated \(prefix) to \(name) at \(url); it joins with its token")
        return FederationChild(prefix: prefix, name: name, url: url, state: .joining, joinToken: token)
    }

    /// `POST /v1/federation/join`: a child presents its token and key; answers its signed record.
    func accept(_ join: FederationJoin, credentials: PeerCredentials, target: String, body: Data) async throws(SuanliError) -> FederationLink {
        guard PlatformIdentity.publicKeyValue(join.publicKey) != nil else {
            throw SuanliError(.badRequest, "public_key must be the standard base64 of a 32-byte Ed25519 public key", field: "public_key")
        }
        if let problem = FederationConfiguration.problem(url: join.url) {
            throw SuanliError(.validation, "url \(problem)", field: "url")
        }
        guard credentials.peer == join.prefix else {
            throw SuanliError("outside_delegation", "the request is signed for \(credentials.peer) but joins \(join.prefix)", status: 403)
        }
        guard let child = state.withLock({ $0.children[join.prefix] }) else {
            throw SuanliError("unknown_peer", "\(join.prefix) is not delegated by this platform (\(prefix)); its operator creates it with POST /v1/federation/children", status: 401)
        }
        guard Self.sha256(join.joinToken) == child.record.joinTokenHash else {
            throw SuanliError(.unauthorized, "the join token for \(join.prefix) is not valid; use the one POST /v1/federation/children returned")
        }
        // Proof of possession: the request is signed with the key it presents.
        try verifier.verify(credentials, publicKey: join.publicKey, method: "POST", target: target, body: body)
        if child.joined, child.record.publicKey != join.publicKey {
            throw SuanliError(
                .conflict, "the join token of \(join.prefix) was already used by another key; a joined platform authenticates with its key pair (delegate a new prefix to replace it)")
        }
        var record = child.record
        let rejoin = child.joined
        record.publicKey = join.publicKey
        record.url = FederationConfiguration.trimmed(join.url)
        if !rejoin { record.joinedAt = configuration.clock() }
        let link = try await issue(record, force: !rejoin || record.url != child.record.url)
        logger.info("\(join.prefix) (\(record.name)) \(rejoin ? "joined again" : "joined") from \(record.url)")
        return link
    }

    /// `POST /v1/federation/sync` from a verified child: its heartbeat; answers its (refreshed) record.
    func synced(_ sync: FederationSync, from child: ChildLink) async throws(SuanliError) -> FederationLink {
        guard sync.prefix == child.record.prefix else {
            throw SuanliError(
                "outside_delegation", "\(child.record.prefix) may speak only for its delegated prefix, not for \(sync.prefix)", status: 403)
        }
        if let problem = FederationConfiguration.problem(url: sync.url) {
            throw SuanliError(.validation, "url \(problem)", field: "url")
        }
        var record = child.record
        record.url = FederationConfiguration.trimmed(sync.url)
        let stale = record.issuedAt.map { configuration.clock().timeIntervalSince($0) > DelegationRecord.refreshAfter } ?? true
        return try await issue(record, force: stale || record.url != child.record.url)
    }

    /// Stores the child's record (re-signed when `force`), marks it synced now, and answers the link.
    func issue(_ record: StoredChildPlatform, force: Bool) async throws(SuanliError) -> FederationLink {
        var record = record
        let now = configuration.clock()
        if force {
            let signed = DelegationRecord.signed(
                prefix: record.prefix, name: record.name, url: record.url, publicKey: record.publicKey, parent: prefix, issuedAt: now,
                by: identity)
            record.issuedAt = signed.issuedAt
            record.signature = signed.signature
            try await platform.commitRecords([.put(record)])
        }
        let stored = record
        let child = state.withLock { state in
            var link = state.children[stored.prefix] ?? ChildLink(record: stored)
            link.record = stored
            link.lastSyncAt = now
            state.children[stored.prefix] = link
            return link
        }
        guard let delegation = child.delegation(parent: prefix) else {
            throw SuanliError(.internal, "the delegation of \(record.prefix) has no signature")
        }
        return FederationLink(delegation: delegation, parentPublicKey: publicKey, chain: chainFromHere())
    }

    /// The joined child that signed a request, after checking the signature; 401 otherwise.
    func verifyChild(_ credentials: PeerCredentials, method: String, target: String, body: Data) throws(SuanliError) -> ChildLink {
        guard let child = state.withLock({ $0.children[credentials.peer] }), child.joined else {
            throw SuanliError(
                "unknown_peer", "no platform with prefix \(credentials.peer) has joined this one (\(prefix)); a child joins first with its token",
                status: 401)
        }
        try verifier.verify(credentials, publicKey: child.record.publicKey, method: method, target: target, body: body)
        return child
    }

    // MARK: Delegations

    /// The delegation record of `prefix`: this platform's own, a child's, or asked of the
    /// platform that knows it (the child below which it lies, else the parent) and kept in
    /// ``DelegationCache`` (`fresh`: ask again even if kept).
    public func delegation(of prefix: Prefix, hops: Int = 0, fresh: Bool = false) async throws(SuanliError) -> DelegationRecord {
        let mine = self.prefix
        if prefix == mine {
            guard let own = ownDelegation() else {
                throw SuanliError(.notFound, "this platform (\(mine)) has not joined its parent yet")
            }
            return own
        }
        switch route(prefix) {
        case .child(let child) where child.record.prefix == prefix:
            guard let record = child.delegation(parent: mine) else {
                throw SuanliError(.notFound, "\(prefix) is delegated to \(child.record.name), which has not joined yet")
            }
            return record
        case .child(let child):
            return try await cachedDelegation(prefix, fresh: fresh) { () async throws(SuanliError) in
                try await forwardDelegation(prefix, to: child.record.url, hops: hops)
            }
        case .parent(let url):
            return try await cachedDelegation(prefix, fresh: fresh) { () async throws(SuanliError) in
                try await forwardDelegation(prefix, to: url, hops: hops)
            }
        case .notJoined(let child):
            throw SuanliError(.notFound, "\(prefix) lies under \(child.record.prefix), delegated to \(child.record.name), which has not joined yet")
        case .none:
            throw SuanliError(.notFound, "no platform of the federation holds the prefix \(prefix)")
        }
    }

    /// The kept record of `prefix` unless `fresh`, else `fetch`'s (then kept).
    func cachedDelegation(
        _ prefix: Prefix, fresh: Bool, fetch: () async throws(SuanliError) -> DelegationRecord
    ) async throws(SuanliError) -> DelegationRecord {
        let now = configuration.clock()
        if !fresh, let record = delegations.record(of: prefix, now: now) { return record }
        let record = try await fetch()
        delegations.store(record, now: now)
        return record
    }

    func forwardDelegation(_ prefix: Prefix, to base: String, hops: Int) async throws(SuanliError) -> DelegationRecord {
        let (_, data) = try await peers.send(.GET, base: base, target: Endpoints.federationDelegation.path(prefix.description), hops: hops + 1)
        let record = try PeerClient.decode(DelegationRecord.self, data, from: base)
        guard record.prefix == prefix else {
            throw SuanliError("bad_peer_answer", "the platform at \(base) answered the record of \(record.prefix) for \(prefix)", status: 502)
        }
        return record
    }

    // MARK: Plumbing

    /// Where a request about `prefix` goes.
    enum Route {
        /// A joined child holds it (the child's prefix or below).
        case child(ChildLink)
        /// It lies under a child that has not joined.
        case notJoined(ChildLink)
        /// Outside this platform's prefix: the parent's URL.
        case parent(String)
        /// Nobody: this platform's own space (not delegated), or outside it on the root.
        case none
    }

    func route(_ target: Prefix) -> Route {
        state.withLock { state in
            if target.isWithin(prefix) {
                guard target != prefix, let child = state.child(holding: target) else { return .none }
                return child.joined ? .child(child) : .notJoined(child)
            }
            return state.parent.map { .parent($0.url) } ?? .none
        }
    }

    /// The body (at most the body limit) and the signature headers of a peer call.
    func signedBody(_ request: Request, context: SuanliRequestContext) async throws -> (Data, PeerCredentials) {
        let credentials = try PeerCredentials { name in HTTPField.Name(name).flatMap { request.headers[$0] } }
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: context.maxUploadSize) } catch {
            throw SuanliError(.tooLarge, "the request body is larger than \(context.maxUploadSize) bytes")
        }
        return (Data(buffer.readableBytesView), credentials)
    }

    static func decode<T: Decodable>(_ data: Data) throws(SuanliError) -> T {
        guard !data.isEmpty else { throw SuanliError(.badRequest, "the request needs a JSON body") }
        do { return try SuanliJSON.decoder().decode(T.self, from: data) } catch let error as DecodingError {
            switch error {
            case .keyNotFound(let key, _): throw SuanliError(.badRequest, "missing field '\(key.stringValue)'", field: key.stringValue)
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
                let field = c.codingPath.map(\.stringValue).joined(separator: ".")
                throw SuanliError(.badRequest, field.isEmpty ? "the body is not valid JSON" : "field '\(field)' is invalid", field: field.isEmpty ? nil : field)
            @unknown default: throw SuanliError(.badRequest, "the body could not be decoded")
            }
        } catch {
            throw SuanliError(.badRequest, "the body could not be decoded")
        }
    }

    /// The request target as sent (path and query): what the signature covers.
    static func target(_ request: Request) -> String { request.head.path ?? request.uri.description }

    /// The `Suanli-Hops` header (0 when absent); 400 `hop_limit` at ``FederationHeaders/maxHops``.
    static func hops(_ request: Request) throws(SuanliError) -> Int {
        guard let name = HTTPField.Name(FederationHeaders.hops), let text = request.headers[name] else { return 0 }
        guard let hops = Int(text), hops >= 0 else {
            throw SuanliError(.badRequest, "the \(FederationHeaders.hops) header must be a whole number ≥ 0", field: FederationHeaders.hops)
        }
        guard hops < FederationHeaders.maxHops else {
            throw SuanliError(
                "hop_limit", "the request was forwarded \(hops) times (limit \(FederationHeaders.maxHops)); the federation's routing loops",
                status: 400)
        }
        return hops
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A template as a Hummingbird route (`{name}` → `:name`).
    static func routerPath(_ template: PathTemplate) -> RouterPath {
        RouterPath(
            template.segments.map { segment in
                switch segment {
                case .literal(let text): "/" + text
                case .parameter(let name): "/:" + name
                case .rest: "/**"
                }
            }.joined())
    }
}

/// A JSON answer with a status, encoded with the API's conventions.
struct JSONAnswer<Value: Encodable & Sendable>: ResponseGenerator {
    let value: Value
    let status: HTTPResponse.Status

    init(_ value: Value, status: HTTPResponse.Status) {
        self.value = value
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data: Data
        do { data = try SuanliJSON.encoder().encode(value) } catch { throw SuanliError(.internal, "cannot encode the answer: \(error)") }
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
