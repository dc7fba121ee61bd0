import Foundation
import Hummingbird
import ServiceLifecycle
import SuanliCore
import SuanliServer
import Synchronization

/// Aggregated discovery and statistics (docs/federation.md, "Aggregation"): each child pushes
/// the changes of its subtree's resources to its parent every sync interval, against the
/// generation the parent acknowledged last (so a push after a partition carries exactly what
/// changed meanwhile); the parent keeps the replicas and answers `GET /v1/resources` and
/// `GET /v1/stats` with `scope=subtree` (the default) over its own and its children's records,
/// and `scope=federation` by asking the root.
///
/// The module decorates the federation as the platform's ``RemoteResolver`` (resolution goes
/// on to the federation unchanged) and is the platform's ``ScopedReader``.
public final class AggregationModule: PlatformModule, RemoteResolver, ScopedReader, Sendable {
    /// The federation this module aggregates over.
    public let federation: FederationModule
    let replicas: ReplicaBook
    /// This platform's own push state: the generation its parent holds and what it acknowledged.
    let pushed = Mutex(PushState())

    struct PushState: Sendable {
        var generation: UInt64 = 0
        var acknowledged: [String: ReplicaBook.Fingerprint] = [:]
        /// The push whose answer never came (the parent may hold it), and the state it would
        /// acknowledge: sent again, unchanged, until it is answered.
        var unanswered: (push: AggregationPush, acknowledged: [String: ReplicaBook.Fingerprint])?
        var lastPushAt: Date?
    }

    /// Set when a child's push changed the replicas: the push loop then pushes within a tenth of
    /// an interval, so that a change climbs the tree without waiting an interval at every level.
    let replicasChanged = Atomic<Bool>(false)

    /// The most records one push carries; the rest follow in the next rounds.
    static let maxRecordsPerPush = 2000

    /// `POST /v1/federation/aggregate`.
    public static let path: PathTemplate = "/v1/federation/aggregate"

    /// Creates the module and installs it as the platform's resolver in front of `federation`.
    public init(federation: FederationModule) {
        self.federation = federation
        let platform = federation.platform
        self.replicas = ReplicaBook(heartbeatTimeout: 3 * platform.configuration.heartbeatInterval)
        platform.remoteResolution.install(self)
    }

    var platform: Platform { federation.platform }

    // MARK: RemoteResolver

    /// Resolution is the federation's.
    public func resolve(_ id: Identifier, hops: Int) async throws(SuanliError) -> ResourceRecord? {
        try await federation.resolve(id, hops: hops)
    }

    /// Resolution is the federation's.
    public func resolve(batch ids: [Identifier], hops: Int) async throws(SuanliError) -> [Identifier: ResourceRecord] {
        try await federation.resolve(batch: ids, hops: hops)
    }

    // MARK: Routes and services

    /// Adds `POST /v1/federation/aggregate` (a child's signed push).
    public func addRoutes(to router: Router<SuanliRequestContext>, api: RouterGroup<SuanliRequestContext>) {
        api.post(FederationModule.routerPath(Self.path)) { [self] request, context in
            let (body, credentials) = try await federation.signedBody(request, context: context)
            let child = try federation.verifyChild(credentials, method: "POST", target: FederationModule.target(request), body: body)
            let push: AggregationPush = try FederationModule.decode(body)
            return JSONAnswer(try accept(push, from: child.record.prefix), status: .ok)
        }
    }

    /// The push loop to the parent (none on the root).
    public var services: [any Service] {
        federation.configuration.parentURL == nil ? [] : [AggregationPushService(module: self)]
    }

    /// Applies a verified child's push: every record must lie under the child's prefix.
    func accept(_ push: AggregationPush, from child: Prefix) throws(SuanliError) -> AggregationAck {
        guard push.prefix == child else {
            throw SuanliError("outside_delegation", "\(child) may push only its own subtree, not \(push.prefix)'s", status: 403)
        }
        for record in push.upserts where !record.id.prefix.isWithin(child) || !(record.platform?.isWithin(child) ?? false) {
            throw SuanliError(
                "outside_delegation", "\(child) pushed \(record.id), which is not under its delegated prefix; nothing was applied",
                status: 403)
        }
        for id in push.removes {
            guard let parsed = try? Identifier(parsing: id), parsed.prefix.isWithin(child) else {
                throw SuanliError("outside_delegation", "\(child) removed \(id), which is not under its delegated prefix", status: 403)
            }
        }
        guard let generation = replicas.apply(push, now: federation.configuration.clock()) else {
            throw SuanliError("resync", "generation \(push.base) is not the one held here; send a full snapshot (base 0)", status: 409)
        }
        if !push.upserts.isEmpty || !push.removes.isEmpty { replicasChanged.store(true, ordering: .relaxed) }
        return AggregationAck(generation: generation)
    }

    /// What this platform holds of `child`'s subtree (nil before its first push).
    public func replication(of child: Prefix) -> ReplicationStatus? {
        replicas.state.withLock { state in
            state.replicas[child].map {
                ReplicationStatus(generation: $0.generation, snapshots: $0.snapshots, records: $0.records.count, pushedAt: $0.pushedAt)
            }
        }
    }

    // MARK: Pushing to the parent

    /// This platform's records and its replicas: the subtree it pushes up.
    func subtreeRecords() throws(SuanliError) -> [ResourceRecord] {
        localRecords() + replicas.replicatedRecords(unreachable: unreachableChildren())
    }

    /// Every record this platform holds itself, with `platform` set.
    func localRecords() -> [ResourceRecord] {
        var out: [ResourceRecord] = []
        var query = DiscoveryQuery(includeUnavailable: true, limit: DiscoveryQuery.maxLimit)
        let own = platform.configuration.prefix
        while true {
            guard let page = try? platform.discover(query) else { break }
            for var record in page.items {
                record.platform = own
                out.append(record)
            }
            guard let next = page.nextCursor else { break }
            query.cursor = next
        }
        return out
    }

    /// One push of what changed since the parent's acknowledgement; returns whether it sent one.
    @discardableResult
    func pushOnce() async throws(SuanliError) -> Bool {
        guard let parentURL = federation.configuration.parentURL, federation.state.withLock({ $0.parent?.link != nil }) else {
            return false
        }
        if let unanswered = pushed.withLock({ $0.unanswered }) {
            return try await send(unanswered.push, acknowledging: unanswered.acknowledged, to: parentURL)
        }
        let records = try subtreeRecords()
        let (base, acknowledged) = pushed.withLock { ($0.generation, $0.acknowledged) }
        var upserts: [ResourceRecord] = []
        var sent = acknowledged
        var current = Set<String>()
        for record in records {
            let id = record.id.string
            current.insert(id)
            let print = ReplicaBook.Fingerprint(
                version: record.version, freeUnits: record.state.freeUnits, healthy: record.state.healthy,
                heartbeatAt: record.state.heartbeatAt, platform: record.platform)
            if acknowledged[id] != print, upserts.count < Self.maxRecordsPerPush {
                upserts.append(record)
                sent[id] = print
            }
        }
        let removes = acknowledged.keys.filter { !current.contains($0) }
        for id in removes { sent.removeValue(forKey: id) }
        let keepAlive = pushed.withLock { state in
            state.lastPushAt.map { federation.configuration.clock().timeIntervalSince($0) > 10 * federation.configuration.syncInterval } ?? true
        }
        guard base == 0 || !upserts.isEmpty || !removes.isEmpty || keepAlive else { return false }
        let push = AggregationPush(
            prefix: platform.configuration.prefix, base: base, generation: base + 1, upserts: upserts, removes: Array(removes))
        return try await send(push, acknowledging: sent, to: parentURL)
    }

    /// Sends `push`; on its answer the parent acknowledges `sent`. A push without an answer (a
    /// cut mid-call) is sent again unchanged; if the parent then says it already holds a newer
    /// generation (409), it holds this push. Another 409 means the parent lost our base (it
    /// restarted): the next push is a full snapshot.
    func send(_ push: AggregationPush, acknowledging sent: [String: ReplicaBook.Fingerprint], to parentURL: String)
        async throws(SuanliError) -> Bool
    {
        let retry = pushed.withLock { state in
            let retry = state.unanswered != nil
            state.unanswered = (push, sent)
            return retry
        }
        do {
            let ack = try await federation.peers.call(.POST, base: parentURL, target: Self.path.path(), body: push, as: AggregationAck.self)
            let now = federation.configuration.clock()
            pushed.withLock { state in
                state.generation = ack.generation
                state.acknowledged = sent
                state.unanswered = nil
                state.lastPushAt = now
            }
            return true
        } catch where error.status == 409 {
            pushed.withLock { state in
                if retry {
                    state.generation = push.generation
                    state.acknowledged = sent
                    state.unanswered = nil
                } else {
                    state = PushState()
                }
            }
            throw error
        } catch where error.status >= 400 && error.status < 500 {
            // Refused for good (outside the delegation, malformed): compute the next push afresh.
            pushed.withLock { $0.unanswered = nil }
            throw error
        }
    }

    /// The generation this platform's parent acknowledged last (0 before the first push).
    public var acknowledgedGeneration: UInt64 { pushed.withLock { $0.generation } }

    // MARK: ScopedReader

    /// Discovery over this platform's subtree, or the federation's (asked of the root).
    public func discover(_ query: DiscoveryQuery, parameters: [(String, String)], scope: ReadScope) async throws(SuanliError)
        -> Page<ResourceRecord>
    {
        if scope == .federation, let root = rootURL() {
            return try await askRoot(root, Endpoints.resources, parameters: parameters, as: Page<ResourceRecord>.self)
        }
        guard hasSubtree else {
            // No platform below: the subtree is this platform, answered from its own registry.
            var page = try platform.discover(query)
            let own = platform.configuration.prefix
            for i in page.items.indices { page.items[i].platform = own }
            return page
        }
        return try replicas.discover(query, local: localRecords(), unreachable: unreachableChildren(), now: federation.configuration.clock())
    }

    /// Statistics over this platform's subtree, or the federation's (asked of the root). The
    /// task figures and history stay this platform's own.
    public func stats(_ local: StatsReport, parameters: [(String, String)], scope: ReadScope) async throws(SuanliError) -> StatsReport {
        if scope == .federation, let root = rootURL() {
            return try await askRoot(root, Endpoints.stats, parameters: parameters, as: StatsReport.self)
        }
        guard hasSubtree else { return local }
        var report = replicas.stats(local: localRecords(), unreachable: unreachableChildren(), now: federation.configuration.clock())
        report.tasks = local.tasks
        report.history = local.history
        report.generatedAt = local.generatedAt
        return report
    }

    /// Whether any platform lies below this one (a delegated child, or replicas kept).
    var hasSubtree: Bool {
        !federation.state.withLock { $0.children.isEmpty } || replicas.state.withLock { !$0.replicas.isEmpty }
    }

    /// The children whose link is `unreachable`, with their names.
    func unreachableChildren() -> [Prefix: String] {
        var out: [Prefix: String] = [:]
        for child in federation.children() where child.state == .unreachable { out[child.prefix] = child.name }
        return out
    }

    /// The root's URL when this platform is not the root (nil on the root, or before the join).
    func rootURL() -> String? {
        federation.state.withLock { state in state.parent?.link?.chain.last?.url }
    }

    /// `GET template?parameters&scope=subtree` on the root.
    func askRoot<R: Decodable>(_ root: String, _ template: PathTemplate, parameters: [(String, String)], as type: R.Type)
        async throws(SuanliError) -> R
    {
        var components = URLComponents()
        components.queryItems = (parameters + [("scope", "subtree")]).map { URLQueryItem(name: $0.0, value: $0.1) }
        let query = components.percentEncodedQuery.map { "?" + $0 } ?? ""
        let (_, data) = try await federation.peers.send(.GET, base: root, target: template.path() + query, hops: 1)
        return try PeerClient.decode(R.self, data, from: root)
    }
}

/// The child's loop: a push every sync interval, and sooner (within a tenth of an interval)
/// when one of its own children's pushes changed the replicas, until the server stops.
struct AggregationPushService: Service {
    let module: AggregationModule

    func run() async throws {
        var lastProblem: String?
        let interval = module.federation.configuration.syncInterval
        let slice = interval / 10
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await module.pushOnce()
                lastProblem = nil
            } catch {
                if error.message != lastProblem { module.federation.logger.warning("aggregation: \(error.message)") }
                lastProblem = error.message
            }
            // Up to an interval, in tenths, ending early when a child's push changed the replicas.
            var waited = 0.0
            repeat {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(slice)) }
                waited += slice
            } while waited < interval - slice / 2 && !Task.isShuttingDownGracefully
                && !module.replicasChanged.exchange(false, ordering: .relaxed)
        }
    }
}

/// What a parent holds of one child's subtree.
public struct ReplicationStatus: Sendable, Hashable {
    /// The generation of the child's last applied push.
    public var generation: UInt64
    /// How many full snapshots (pushes with base 0) the child has sent since this platform started.
    public var snapshots: Int
    /// Records replicated.
    public var records: Int
    /// When the last push was applied.
    public var pushedAt: Date?
}
