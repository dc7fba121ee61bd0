import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SuanliClient
import SuanliCore
import SuanliServer
import SuanliStore
import Synchronization

/// The federation capability of a platform (docs/federation.md): its key pair, the child
/// platforms it delegated prefixes to, its link to its parent (join, then a sync every
/// interval), signed delegation records, signed peer calls, and resolution of every
/// identifier of the federation (installed as the platform's ``RemoteResolver``).
public final class FederationModule: PlatformModule, Sendable {
    /// The platform this module serves.
    public let platform: Platform
    /// The platform's key pair.
    public let identity: PlatformIdentity
    /// How the platform takes part in the federation.
    public let configuration: FederationConfiguration
    let state: Mutex<FederationState>
    let verifier: PeerVerifier
    let peers: PeerClient
    let cache: ResolveCache
    /// Other platforms' delegation records learned by forwarding.
    let delegations: DelegationCache
    /// Look-ups of delegations on behalf of calls not verified yet (unknown peers, keys that do not verify).
    let peerLookups = LookupBudget()
    let logger: Logger

    /// This platform's Ed25519 public key (standard base64 of 32 bytes): what its delegation
    /// record carries and what peers verify its calls with.
    public var publicKey: String { identity.publicKey }
    /// This platform's prefix.
    public var prefix: Prefix { platform.configuration.prefix }

    /// The file in the data directory that keeps the link to the parent once joined.
    public static let parentFileName = "federation-parent.json"

    /// Opens the module: loads the delegated children from the platform's store, then as
    /// ``init(platform:configuration:children:logger:)``.
    public static func open(
        platform: Platform, configuration: FederationConfiguration = FederationConfiguration(),
        logger: Logger = Logger(label: "suanli.federation")
    ) async throws -> FederationModule {
        let children = try await platform.loadRecords(StoredChildPlatform.self)
        return try FederationModule(platform: platform, configuration: configuration, children: children, logger: logger)
    }

    /// Creates the module with `children` (as stored): loads (or creates) the key pair and the
    /// link to the parent, and installs the module as the platform's resolver for foreign
    /// identifiers. ``open(platform:configuration:logger:)`` reads the children from storage.
    public init(
        platform: Platform, configuration: FederationConfiguration = FederationConfiguration(), children: [StoredChildPlatform] = [],
        logger: Logger = Logger(label: "suanli.federation")
    ) throws {
        let directory = platform.configuration.dataDirectory
        let identity = try PlatformIdentity.loadOrCreate(dataDirectory: directory)
        var state = FederationState()
        for record in children {
            state.children[record.prefix] = ChildLink(record: record)
        }
        state.ownURL = configuration.publicURL
        if let parentURL = configuration.parentURL {
            guard let parentPrefix = platform.configuration.prefix.parent else {
                throw SuanliError(.validation, "a platform with the one-segment prefix \(platform.configuration.prefix) cannot have a parent", field: "parent")
            }
            var link = ParentLink(url: parentURL, prefix: parentPrefix)
            let path = (directory as NSString).appendingPathComponent(Self.parentFileName)
            if let data = FileManager.default.contents(atPath: path) {
                guard let saved = try? SuanliJSON.decoder().decode(SavedParentLink.self, from: data) else {
                    throw SuanliError(.unavailable, "\(path) cannot be read; remove it and join again with a new --join-token")
                }
                if saved.link.delegation.prefix == platform.configuration.prefix {
                    link.link = saved.link
                }
            }
            state.parent = link
        }
        self.platform = platform
        self.identity = identity
        self.configuration = configuration
        self.state = Mutex(state)
        self.verifier = PeerVerifier(nonces: NonceCache(window: configuration.replayWindow), clock: configuration.clock)
        self.peers = PeerClient(
            identity: identity, prefix: platform.configuration.prefix, http: SuanliClient.defaultHTTPClient,
            timeout: .milliseconds(Int64(configuration.peerTimeout * 1000)), clock: configuration.clock)
        self.cache = ResolveCache(staticTTL: configuration.staticTTL, liveTTL: configuration.liveTTL)
        self.delegations = DelegationCache(ttl: configuration.staticTTL)
        self.logger = logger
        platform.remoteResolution.install(self)
        platform.peerCalls.install(self)
    }

    /// Tells the module the URL the server listens at (used unless `publicURL` is configured).
    public func listening(at url: String) {
        state.withLock { state in
            if state.ownURL == nil { state.ownURL = FederationConfiguration.trimmed(url) }
        }
    }

    /// The URL other platforms reach this one at, once known.
    public var url: String? { state.withLock { $0.ownURL } }

    /// The background link to the parent (join, then syncs); none on the root.
    public var services: [any Service] {
        configuration.parentURL == nil ? [] : [FederationLinkService(module: self)]
    }

    /// This platform's name: the one its parent delegated to it, else the configured one.
    var name: String {
        state.withLock { $0.parent?.link?.delegation.name } ?? configuration.name ?? "Suanli \(prefix)"
    }

    /// `GET /v1/federation`.
    public func status() -> FederationStatus {
        let now = configuration.clock()
        let lease = configuration.lease
        let name = self.name
        return state.withLock { state in
            let parent = state.parent.map { link in
                FederationParent(prefix: link.prefix, url: link.url, state: link.state(now: now, lease: lease))
            }
            let children = state.children.values.sorted { $0.record.prefix < $1.record.prefix }.map { $0.wire(now: now, lease: lease) }
            return FederationStatus(prefix: prefix, name: name, publicKey: publicKey, parent: parent, children: children)
        }
    }

    /// The children, in prefix order.
    public func children() -> [FederationChild] { status().children }

    /// This platform's own delegation record: the one its parent signed, or on the root its own,
    /// self-signed (`parent: null`); nil for a child that has not joined yet.
    public func ownDelegation() -> DelegationRecord? {
        if configuration.parentURL != nil { return state.withLock { $0.parent?.link?.delegation } }
        let now = configuration.clock()
        let name = self.name
        return state.withLock { state in
            let url = state.ownURL ?? ""
            if let record = state.rootRecord, record.url == url, record.name == name,
                now.timeIntervalSince(record.issuedAt) < DelegationRecord.refreshAfter
            {
                return record
            }
            let record = DelegationRecord.signed(
                prefix: prefix, name: name, url: url, publicKey: publicKey, parent: nil, issuedAt: now, by: identity)
            state.rootRecord = record
            return record
        }
    }

    /// The records from this platform up to the root (this platform's first), for its children.
    func chainFromHere() -> [DelegationRecord] {
        guard let own = ownDelegation() else { return [] }
        if own.parent == nil { return [own] }
        return [own] + (state.withLock { $0.parent?.link?.chain } ?? [])
    }
}

/// What the module keeps in memory.
struct FederationState: Sendable {
    var children: [Prefix: ChildLink] = [:]
    var parent: ParentLink?
    var ownURL: String?
    var rootRecord: DelegationRecord?

    /// The child whose delegated prefix holds `prefix` (itself or below), if any.
    func child(holding prefix: Prefix) -> ChildLink? {
        var candidate = prefix
        while true {
            if let child = children[candidate] { return child }
            guard let parent = candidate.parent else { return nil }
            candidate = parent
        }
    }
}

/// A delegated child and when it last synced.
struct ChildLink: Sendable {
    var record: StoredChildPlatform
    var lastSyncAt: Date?

    var joined: Bool { !record.publicKey.isEmpty }

    func state(now: Date, lease: Double) -> FederationLinkState {
        guard joined else { return .joining }
        guard let last = lastSyncAt, now.timeIntervalSince(last) <= lease else { return .unreachable }
        return .up
    }

    func wire(now: Date, lease: Double) -> FederationChild {
        FederationChild(
            prefix: record.prefix, name: record.name, url: record.url, state: state(now: now, lease: lease), lastSyncAt: lastSyncAt,
            lagS: lastSyncAt.map { max(0, (now.timeIntervalSince($0) * 1000).rounded() / 1000) })
    }

    /// The delegation record this platform signed for the child (nil before it joined).
    func delegation(parent: Prefix) -> DelegationRecord? {
        guard joined, let issuedAt = record.issuedAt else { return nil }
        return DelegationRecord(
            prefix: record.prefix, name: record.name, url: record.url, publicKey: record.publicKey, parent: parent, issuedAt: issuedAt,
            signature: record.signature)
    }
}

/// The link to the parent platform.
struct ParentLink: Sendable {
    var url: String
    var prefix: Prefix
    /// The last join or sync answer (nil before the join).
    var link: FederationLink?
    var lastSyncAt: Date?

    func state(now: Date, lease: Double) -> FederationLinkState {
        guard link != nil else { return .joining }
        guard let last = lastSyncAt, now.timeIntervalSince(last) <= lease else { return .unreachable }
        return .up
    }
}

/// The parent link as saved in the data directory (`federation-parent.json`).
struct SavedParentLink: Codable, Sendable {
    var url: String
    var link: FederationLink
}
