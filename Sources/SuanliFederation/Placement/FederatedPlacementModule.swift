import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import SuanliCore
import SuanliServer
import SuanliStore
import Synchronization

/// Placement across platforms (docs/federation.md): ranks the federation's resources a task
/// fits, claims capacity at the owning platform with a signed peer call
/// (`POST /v1/federation/claims`), and follows the task there (`GET
/// /v1/federation/claims/{id}` and `…/logs`, signed). The owner's engine is the only arbiter:
/// a claim that lost the race is refused (`409 claim_lost`) and the next candidate is tried.
public final class FederatedPlacementModule: PlatformModule, FederatedPlacer, Sendable {
    /// The platform's federation capability (keys, peers, delegations).
    public let federation: FederationModule
    /// The aggregated view of the federation's resources (the candidates).
    public let aggregation: AggregationModule
    let tasks = Mutex(Book())
    /// This platform's recent claims, until the aggregated view shows them.
    let ledger: ClaimLedger
    /// When each platform that claims capacity here was last heard from (a verified call), by prefix.
    let heard: Mutex<[String: Date]>
    /// When this module started: the time a home or owner not heard from since counts from.
    let started: Date
    /// Candidate pages read from the aggregated view, by query, with when they were read.
    let pages = Mutex<[String: (at: Date, items: [ResourceRecord])]>([:])
    /// Most candidate pages kept (all are dropped when it is reached).
    static let keptPages = 256
    let logger: Logger

    /// `POST /v1/federation/claims`.
    public static let claims: PathTemplate = "/v1/federation/claims"
    /// `GET /v1/federation/claims/{id}`: the claimed task as its owner runs it.
    public static let claim: PathTemplate = "/v1/federation/claims/{id}"
    /// `GET /v1/federation/claims/{id}/logs?stream=`: its output.
    public static let claimLogs: PathTemplate = "/v1/federation/claims/{id}/logs"
    /// `GET /v1/federation/claims/{id}/explain`: how the owner placed it.
    public static let claimExplanation: PathTemplate = "/v1/federation/claims/{id}/explain"
    /// The variable that gives a task placed elsewhere its home id (beside the owner's `SUANLI_TASK_ID`).
    public static let homeTaskVariable = "SUANLI_HOME_TASK_ID"
    /// Most candidates one placement tries.
    public static let maxCandidates = 20
    /// Cheapest resources asked of the aggregated view per accepted alternative: enough for
    /// ``maxCandidates`` after those the ledger knows to be full, and small enough that every
    /// placement does not move hundreds of records (with 200, a 40-platform federation placed 44 tasks/s; with 50, 74).
    public static let candidatePage = 50

    /// The tasks this platform placed elsewhere, and what it knows of them.
    struct Book {
        /// The number in the next home id.
        var next: UInt64 = 1
        var byID: [String: FederatedTask] = [:]
        /// Home ids by sequence number (the order of the home's task list).
        var order: [(seq: UInt64, id: String)] = []
        /// The owners' metered parts of ended tasks (from their signed statements), by home id,
        /// under the home id and consumer.
        var usage: [String: [UsageRecord]] = [:]
        /// Tasks whose owner did not answer, with the failures in a row and when to ask again.
        var backoff: [String: (failures: Int, until: Date)] = [:]

        mutating func insert(_ task: FederatedTask) {
            if byID.updateValue(task, forKey: task.id) == nil {
                let at = order.firstIndex { $0.seq > task.seq } ?? order.endIndex
                order.insert((task.seq, task.id), at: at)
            }
        }
    }

    /// Opens the module: loads the tasks this platform placed elsewhere and their owners' usage
    /// statements from its store, then as ``init(federation:aggregation:tasks:statements:logger:)``.
    public static func open(
        federation: FederationModule, aggregation: AggregationModule, logger: Logger = Logger(label: "suanli.placement")
    ) async throws -> FederatedPlacementModule {
        let platform = federation.platform
        var stored: [StoredFederatedTask] = []
        for var record in try await platform.loadRecords(StoredFederatedTask.self) {
            // Placed before the home numbered them: numbered now, after the tasks it has.
            if record.seq == 0 {
                let row = record
                record.seq = try await platform.commitPlacedElsewhere { seq in
                    var numbered = row
                    numbered.seq = seq
                    return [.put(numbered)]
                }
            }
            stored.append(record)
        }
        let statements = try await platform.loadRecords(StoredUsageStatement.self)
        return FederatedPlacementModule(federation: federation, aggregation: aggregation, tasks: stored, statements: statements, logger: logger)
    }

    /// Creates the module around the platform's federation and aggregation modules, with the
    /// tasks placed elsewhere and their owners' statements as stored, and installs it as the
    /// platform's ``FederatedPlacer``.
    public init(
        federation: FederationModule, aggregation: AggregationModule, tasks stored: [StoredFederatedTask] = [],
        statements: [StoredUsageStatement] = [], logger: Logger = Logger(label: "suanli.placement")
    ) {
        self.federation = federation
        self.aggregation = aggregation
        self.logger = logger
        // Two levels of pushes (a leaf's, then its hub's) and a margin: long enough for the owner's figure to arrive.
        self.ledger = ClaimLedger(window: max(2, 3 * federation.configuration.syncInterval))
        let started = federation.configuration.clock()
        self.started = started
        // Homes that claimed before this start count as heard from at the start.
        self.heard = Mutex(Dictionary(uniqueKeysWithValues: federation.platform.claimingPeers().map { ($0, started) }))
        tasks.withLock { state in
            for record in stored {
                state.insert(
                    FederatedTask(
                        id: record.id, consumer: record.consumer, owner: record.owner, ownerURL: record.ownerURL, remoteID: record.remoteID,
                        resource: Identifier(uncheckedString: record.resource), seq: record.seq, snapshot: record.record,
                        attempt: record.attempt, retriesLeft: record.retriesLeft, priorEvents: record.priorEvents, earlier: record.earlier))
            }
            for stored in statements {
                guard let (task, claim) = Self.statementClaim(keyed: stored.homeTask, in: state.byID),
                    let statement = try? SuanliJSON.decoder().decode(UsageStatement.self, from: Data(stored.statement.utf8))
                else { continue }
                state.usage[stored.homeTask] = Self.homeUsage(statement, remoteID: claim?.remoteID ?? task.remoteID, of: task)
            }
            state.next = UInt64(stored.count + 1)
        }
        federation.platform.federatedPlacement.install(self)
    }

    /// Follows the tasks placed elsewhere (``FederatedTaskFollower``).
    public var services: [any Service] { [FederatedTaskFollower(module: self)] }

    var platform: Platform { federation.platform }

    /// Adds `POST /v1/federation/claims` and, for the claiming platform, `GET`/`DELETE
    /// /v1/federation/claims/{id}`, `…/logs` and `…/explain` (all signed peer calls).
    public func addRoutes(to router: Router<SuanliRequestContext>, api: RouterGroup<SuanliRequestContext>) {
        api.post(FederationModule.routerPath(Self.claims)) { [self] request, context in
            let (body, credentials) = try await federation.signedBody(request, context: context)
            try await verifyPeer(credentials, method: "POST", target: FederationModule.target(request), body: body)
            let claim: FederationClaim = try FederationModule.decode(body)
            return JSONAnswer(try await accept(claim, from: credentials.peer), status: .created)
        }
        api.get(FederationModule.routerPath(Self.claim)) { [self] request, context in
            let (body, credentials) = try await federation.signedBody(request, context: context)
            try await verifyPeer(credentials, method: "GET", target: FederationModule.target(request), body: body)
            let consumer = try claimant(credentials.peer, task: context.parameters.get("id") ?? "")
            return JSONAnswer(try await platform.task(context.parameters.get("id") ?? "", by: .consumer(consumer)), status: .ok)
        }
        api.delete(FederationModule.routerPath(Self.claim)) { [self] request, context in
            let (body, credentials) = try await federation.signedBody(request, context: context)
            try await verifyPeer(credentials, method: "DELETE", target: FederationModule.target(request), body: body)
            let consumer = try claimant(credentials.peer, task: context.parameters.get("id") ?? "")
            return JSONAnswer(try await platform.cancelTask(context.parameters.get("id") ?? "", by: .consumer(consumer)), status: .ok)
        }
        api.get(FederationModule.routerPath(Self.claimExplanation)) { [self] request, context in
            let (body, credentials) = try await federation.signedBody(request, context: context)
            try await verifyPeer(credentials, method: "GET", target: FederationModule.target(request), body: body)
            let consumer = try claimant(credentials.peer, task: context.parameters.get("id") ?? "")
            return JSONAnswer(try await platform.explainTask(context.parameters.get("id") ?? "", by: .consumer(consumer)), status: .ok)
        }
        api.get(FederationModule.routerPath(Self.claimLogs)) { [self] request, context in
            let (body, credentials) = try await federation.signedBody(request, context: context)
            try await verifyPeer(credentials, method: "GET", target: FederationModule.target(request), body: body)
            let consumer = try claimant(credentials.peer, task: context.parameters.get("id") ?? "")
            let query = request.uri.queryParameters
            let stream = query.get("stream") ?? "stdout"
            let tail = try query.get("tail").map { text throws(SuanliError) in
                guard let n = Int(text) else { throw SuanliError(.badRequest, "tail must be a whole number", field: "tail") }
                return n
            }
            let attempt = try query.get("attempt").map { text throws(SuanliError) in
                guard let n = Int(text), n >= 1 else { throw SuanliError(.badRequest, "attempt must be a whole number from 1", field: "attempt") }
                return n
            }
            let text = try await platform.taskLogs(
                context.parameters.get("id") ?? "", stream: stream, tail: tail, attempt: attempt, by: .consumer(consumer))
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        addSettlementRoutes(api: api)
    }

    // MARK: Owner side

    /// Checks a peer call's signature against the key the federation delegated the sender's
    /// prefix to; `401 unknown_peer` when no platform of the federation holds that prefix.
    func verifyPeer(_ credentials: PeerCredentials, method: String, target: String, body: Data) async throws(SuanliError) {
        guard credentials.peer != federation.prefix else {
            throw SuanliError("unknown_peer", "a platform does not claim its own capacity through the federation", status: 401)
        }
        let record: DelegationRecord
        do { record = try await federation.delegation(of: credentials.peer) } catch where error.status == 404 {
            throw SuanliError(
                "unknown_peer", "no platform of the federation known here holds the prefix \(credentials.peer): \(error.message)", status: 401)
        } catch where error.code == .transport || error.status >= 500 {
            throw SuanliError(.unavailable, "the key of \(credentials.peer) cannot be looked up now (\(error.message)); retry shortly")
        }
        try await federation.verify(credentials, with: record, method: method, target: target, body: body)
        let now = federation.configuration.clock()
        heard.withLock { $0[credentials.peer.description] = now }
    }

    /// The consumer standing for `peer` here; 404 for `task` when the peer never claimed anything.
    func claimant(_ peer: Prefix, task: String) throws(SuanliError) -> String {
        guard let consumer = platform.existingPeerConsumer(for: peer) else { throw SuanliError(.notFound, "no task \(task)") }
        return consumer
    }

    /// A verified claim: only for a resource of this platform's own registry, under its prefix.
    func accept(_ claim: FederationClaim, from peer: Prefix) async throws(SuanliError) -> TaskSubmission {
        guard claim.resource.prefix.isWithin(federation.prefix) else {
            throw SuanliError(
                "outside_delegation", "\(claim.resource) does not lie under this platform's prefix \(federation.prefix); claim it at its owner",
                status: 403)
        }
        if case .child = federation.route(claim.resource.prefix) {
            throw SuanliError(
                "outside_delegation", "\(claim.resource) lies under a platform this one delegated to; claim it there", status: 403)
        }
        let consumer = try await platform.peerConsumer(for: peer)
        let submission = try await platform.submitClaimedTask(claim.spec, on: claim.resource.string, consumer: consumer)
        logger.info("\(peer) claimed \(claim.resource) for its task \(claim.homeTask): \(submission.id)")
        return submission
    }

    // MARK: Home side

    /// The federation's resources (other platforms') that fit `spec` now, best first: for each
    /// accepted alternative, those of its kind, architecture and model with enough free units
    /// under the price limit; by the task's cost model (prices relative to the cheapest of
    /// them and of `local`'s parts), then price, then identifier. With `local` (this
    /// platform's placement now), only those that cost less than it.
    public func candidates(for spec: TaskSpec, cheaperThan local: Placement? = nil) async throws(SuanliError) -> [ResourceRecord] {
        var found: [String: ResourceRecord] = [:]
        for alternative in spec.accept {
            var parameters: [(String, String)] = [
                ("kind", alternative.kind.rawValue), ("limit", String(Self.candidatePage)), ("sort", "price"),
            ]
            if let arch = alternative.arch { parameters.append(("arch", arch)) }
            if let model = alternative.model { parameters.append(("model", model)) }
            parameters.append(("min_free", String(spec.units)))
            if let price = spec.maxPriceFenPerUnitHour { parameters.append(("max_price", String(price))) }
            if let renewable = spec.minRenewable { parameters.append(("min_renewable", String(renewable))) }
            if let near = spec.dataLocation {
                // The RTT is part of the cost even without a limit: measured up to the largest one allowed.
                parameters += [("near", near), ("max_rtt_ms", String(spec.maxRttMs ?? 100_000))]
            }
            let query: DiscoveryQuery
            do throws(ValidationError) { query = try DiscoveryQuery(parameters: parameters) } catch { throw .validation(error) }
            let now = federation.configuration.clock()
            for var record in try await candidatePage(query, parameters: parameters, now: now) where isForeign(record) {
                record.state.freeUnits = ledger.free(record.id.string, reported: record.state.freeUnits, now: now)
                guard record.available, record.state.freeUnits >= spec.units else { continue }
                if let memory = alternative.minMemoryGiB, record.memoryGiB < memory { continue }
                found[record.id.string] = record
            }
        }
        let prices = found.values.map(\.priceFenPerUnitHour) + (local?.parts.map(\.priceFenPerUnitHour) ?? [])
        let reference = prices.min() ?? 1
        let objective = spec.objective
        func cost(_ record: ResourceRecord) -> Double {
            objective.unitCost(priceFenPerUnitHour: record.priceFenPerUnitHour, reference: reference, rttMs: record.rttMs, renewable: record.renewable)
        }
        var ranked = found.values.map { (cost: cost($0), record: $0) }
        if let local, !local.parts.isEmpty {
            let units = local.parts.reduce(0) { $0 + $1.units }
            let here = local.parts.reduce(0.0) { sum, part in
                sum + Double(part.units)
                    * objective.unitCost(priceFenPerUnitHour: part.priceFenPerUnitHour, reference: reference, rttMs: part.rttMs, renewable: part.renewable)
            } / Double(max(1, units))
            // Strictly cheaper only (with a margin for rounding): on a tie the task stays here.
            ranked.removeAll { $0.cost >= here - 1e-9 }
        }
        return ranked.sorted {
            ($0.cost, $0.record.priceFenPerUnitHour, $0.record.id.string) < ($1.cost, $1.record.priceFenPerUnitHour, $1.record.id.string)
        }.map(\.record)
    }

    /// The aggregated view's answer to `query`, kept for one sync interval: the view itself lags
    /// the owners by a sync interval or two, and the ledger corrects what this platform claimed
    /// meanwhile, so a burst of submissions reads it once (on a leaf, a call to the root each).
    func candidatePage(_ query: DiscoveryQuery, parameters: [(String, String)], now: Date) async throws(SuanliError) -> [ResourceRecord] {
        let key = parameters.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let ttl = federation.configuration.syncInterval
        if let kept = pages.withLock({ $0[key] }), now.timeIntervalSince(kept.at) < ttl, now >= kept.at { return kept.items }
        let items = try await aggregation.discover(query, parameters: parameters, scope: .federation).items
        pages.withLock { pages in
            if pages.count >= Self.keptPages { pages.removeAll(keepingCapacity: true) }
            pages[key] = (now, items)
        }
        return items
    }

    /// Whether `record` belongs to another platform (one this platform delegated its prefix to counts).
    func isForeign(_ record: ResourceRecord) -> Bool {
        if !record.id.prefix.isWithin(federation.prefix) { return true }
        if case .child = federation.route(record.id.prefix) { return true }
        return false
    }

    /// Places `spec` for the home consumer `consumer` on another platform (on a resource that
    /// costs less than `local`, when given): claims the best candidate, then the next when a
    /// claim is refused. Nil when no candidate took it; `503` when none took it and some owner
    /// did not answer (a timeout, a 5xx).
    public func place(_ spec: TaskSpec, consumer: String, cheaperThan local: Placement? = nil) async throws(SuanliError) -> FederatedTask? {
        // Names the home platform; the random part keeps it unique across restarts.
        let homeID = tasks.withLock { state in
            defer { state.next += 1 }
            return "\(federation.prefix)-f\(state.next)-" + String(format: "%08x", UInt32.random(in: .min ... .max))
        }
        guard var task = try await claim(spec, homeID: homeID, consumer: consumer, cheaperThan: local) else { return nil }
        task.retriesLeft = max(0, spec.maxRetries ?? TaskSpec.defaultMaxRetries)
        return try await remember(task)
    }

    /// Claims the best candidate for `spec` (not on `excluded` resources) as task `homeID` of
    /// `consumer`, then the next when a claim is refused; the claim is not stored. The owner
    /// never retries a claimed task itself (`max_retries` 0 there): the home places it again.
    func claim(
        _ spec: TaskSpec, homeID: String, consumer: String, cheaperThan local: Placement?, excluding excluded: Set<String> = []
    ) async throws(SuanliError) -> FederatedTask? {
        var spec = spec
        spec.consumer = nil
        spec.maxRetries = 0
        // Inside the task, SUANLI_TASK_ID is the owner's id; this names the one its consumer knows.
        for index in spec.accept.indices { spec.accept[index].run.env[Self.homeTaskVariable] = homeID }
        var unanswered: [String] = []
        let found: [ResourceRecord]
        do { found = try await candidates(for: spec, cheaperThan: local) } catch where error.code == .transport || error.status >= 500 {
            throw SuanliError(
                .unavailable, "the federation's view of its resources cannot be read now (\(error.message)); the task was placed nowhere, retry shortly")
        }
        for record in found.filter({ !excluded.contains($0.id.string) }).prefix(Self.maxCandidates) where isForeign(record) {
            let owner = record.platform ?? record.id.prefix
            let base: String
            do { base = try await federation.delegation(of: owner).url } catch {
                logger.info("no delegation for \(owner): \(error.message)")
                if error.code == .transport || error.status >= 500 { unanswered.append(owner.description) }
                continue
            }
            let claim = FederationClaim(resource: record.id, spec: spec, homeTask: homeID)
            do {
                let submission = try await federation.peers.call(.POST, base: base, target: Self.claims.path(), body: claim, as: TaskSubmission.self)
                ledger.claimed(record.id.string, units: spec.units, now: federation.configuration.clock())
                return FederatedTask(
                    id: homeID, consumer: consumer, owner: owner, ownerURL: base, remoteID: submission.id, resource: record.id,
                    lastContact: federation.configuration.clock())
            } catch {
                logger.info("claim of \(record.id) at \(base) refused: \(error.code.rawValue) \(error.message)")
                if error.code.rawValue == "claim_lost" { ledger.refused(record.id.string, now: federation.configuration.clock()) }
                if error.code == .transport || error.status >= 500 { unanswered.append(owner.description) }
                continue
            }
        }
        if !unanswered.isEmpty {
            let owners = Array(Set(unanswered)).sorted().joined(separator: ", ")
            throw SuanliError(
                .unavailable,
                "platforms of the federation that could run this task did not answer in time (\(owners)); it was placed nowhere, retry shortly")
        }
        return nil
    }

    /// Stores a task placed elsewhere, numbered in the home's task order; when that fails,
    /// cancels it at its owner (best effort) and throws.
    func remember(_ task: FederatedTask) async throws(SuanliError) -> FederatedTask {
        var task = task
        let stored = stored(task)
        do {
            task.seq = try await platform.commitPlacedElsewhere { seq in
                var numbered = stored
                numbered.seq = seq
                return [.put(numbered)]
            }
        } catch {
            _ = try? await ask(task, target: Self.claim.path(task.remoteID), method: .DELETE)
            throw error
        }
        tasks.withLock { $0.insert(task) }
        return task
    }

    /// The stored form of `task`.
    func stored(_ task: FederatedTask) -> StoredFederatedTask {
        StoredFederatedTask(
            id: task.id, consumer: task.consumer, owner: task.owner, ownerURL: task.ownerURL, remoteID: task.remoteID,
            resource: task.resource.string, createdAt: task.snapshot?.createdAt ?? federation.configuration.clock(), seq: task.seq,
            record: task.snapshot, attempt: task.attempt, retriesLeft: task.retriesLeft, priorEvents: task.priorEvents, earlier: task.earlier)
    }

    /// A task placed elsewhere, as its home consumer (or the operator) sees it.
    public func federatedTask(_ id: String, by principal: Principal) throws(SuanliError) -> FederatedTask {
        guard let task = tasks.withLock({ $0.byID[id] }) else { throw SuanliError(.notFound, "no task \(id)") }
        switch principal {
        case .operator, .auditor: return task
        case .consumer(let c) where c == task.consumer: return task
        case .anonymous: throw SuanliError(.unauthorized, "tasks are private; pass the consumer's or the operator's token")
        default: throw SuanliError(.notFound, "no task \(id)")
        }
    }

    /// The task's record, as its owner runs it (a signed call), under its home id.
    public func record(of id: String, by principal: Principal) async throws(SuanliError) -> TaskRecord {
        try await fetchRecord(of: try federatedTask(id, by: principal))
    }

    /// The task's record at its owner (a signed call), under its home id; kept as its snapshot.
    func fetchRecord(of task: FederatedTask) async throws(SuanliError) -> TaskRecord {
        let data = try await ask(task, target: Self.claim.path(task.remoteID))
        let record = homeRecord(try PeerClient.decode(TaskRecord.self, data, from: task.ownerURL), of: task)
        await observe(record, of: task.id)
        return record
    }

    /// A record from `task`'s owner as the home shows it: its home id and consumer, the events
    /// of earlier attempts first.
    func homeRecord(_ record: TaskRecord, of task: FederatedTask) -> TaskRecord {
        var record = record
        record.id = task.id
        record.consumer = task.consumer
        if let first = task.priorEvents.first {
            record.events = task.priorEvents + record.events
            record.createdAt = first.at
        }
        return record
    }

    /// Keeps `record` as the snapshot of task `id`; a change of state, placement or events is
    /// stored and told to task-stream readers.
    func observe(_ record: TaskRecord, of id: String) async {
        let changed = tasks.withLock { state -> FederatedTask? in
            guard var task = state.byID[id], task.snapshot != record else { return nil }
            let old = task.snapshot
            task.snapshot = record
            state.byID[id] = task
            let moved = old?.state != record.state || old?.placement != record.placement || old?.events.count != record.events.count
            return moved ? task : nil
        }
        guard let changed else { return }
        do { try await platform.commitRecords([.put(stored(changed))]) } catch {
            logger.warning("the record of \(id) as seen at \(changed.owner) could not be stored: \(error.message)")
        }
        platform.publishTaskUpdates([TaskUpdate(record)])
    }

    /// The task's output, fetched from its owner (a signed call).
    public func logs(of id: String, stream: String = "stdout", tail: Int? = nil, attempt: Int? = nil, by principal: Principal)
        async throws(SuanliError) -> String
    {
        let task = try federatedTask(id, by: principal)
        guard stream == "stdout" || stream == "stderr" else {
            throw SuanliError(.badRequest, "stream must be stdout or stderr", field: "stream")
        }
        var target = Self.claimLogs.path(task.remoteID) + "?stream=" + stream
        if let tail { target += "&tail=\(tail)" }
        if let attempt { target += "&attempt=\(attempt)" }
        let data = try await ask(task, target: target)
        return String(decoding: data, as: UTF8.self)
    }

    /// Cancels the task at its owner (a signed call); the record as it is after cancelling.
    public func cancel(_ id: String, by principal: Principal) async throws(SuanliError) -> TaskRecord {
        let task = try federatedTask(id, by: principal)
        if case .auditor = principal { throw SuanliError(.forbidden, "auditors see everything and change nothing") }
        let data = try await ask(task, target: Self.claim.path(task.remoteID), method: .DELETE)
        let record = homeRecord(try PeerClient.decode(TaskRecord.self, data, from: task.ownerURL), of: task)
        await observe(record, of: task.id)
        return record
    }

    /// How the owner placed the task (a signed call).
    public func explanation(of id: String, by principal: Principal) async throws(SuanliError) -> Explanation {
        let task = try federatedTask(id, by: principal)
        let data = try await ask(task, target: Self.claimExplanation.path(task.remoteID))
        return try PeerClient.decode(Explanation.self, data, from: task.ownerURL)
    }

    /// A signed call to the task's owner; `503` while the owner cannot be reached (the task is
    /// placed again elsewhere only after twice the claim lease without an answer, once the
    /// owner has fenced it).
    func ask(_ task: FederatedTask, target: String, method: HTTPMethod = .GET) async throws(SuanliError) -> Data {
        do {
            let data = try await federation.peers.send(method, base: task.ownerURL, target: target).1
            let now = federation.configuration.clock()
            tasks.withLock { state in
                if state.byID[task.id]?.remoteID == task.remoteID { state.byID[task.id]?.lastContact = now }
            }
            return data
        } catch where error.code == .transport || error.status >= 500 {
            throw SuanliError(
                .unavailable,
                "task \(task.id) runs at the platform \(task.owner) (\(task.ownerURL)), which cannot answer now (\(error.message)); it is placed again elsewhere only after \(Int(2 * federation.configuration.claimLease)) s without an answer — retry shortly")
        }
    }

    // MARK: FederatedPlacer

    /// ``place(_:consumer:)``, answered as `POST /v1/tasks` answers.
    public func placeElsewhere(_ spec: TaskSpec, consumer: String, cheaperThan local: Placement?) async throws(SuanliError) -> TaskSubmission? {
        guard let task = try await place(spec, consumer: consumer, cheaperThan: local) else { return nil }
        let record = try await record(of: task.id, by: .consumer(consumer))
        return TaskSubmission(id: task.id, state: record.state, placement: record.placement)
    }

    /// Whether `id` names a task this platform placed elsewhere.
    public func isFederatedTask(_ id: String) -> Bool { tasks.withLock { $0.byID[id] != nil } }

    /// ``record(of:by:)``.
    public func federatedRecord(_ id: String, by principal: Principal) async throws(SuanliError) -> TaskRecord {
        try await record(of: id, by: principal)
    }

    /// ``cancel(_:by:)``.
    public func cancelFederatedTask(_ id: String, by principal: Principal) async throws(SuanliError) -> TaskRecord {
        try await cancel(id, by: principal)
    }

    /// ``explanation(of:by:)``.
    public func federatedExplanation(_ id: String, by principal: Principal) async throws(SuanliError) -> Explanation {
        try await explanation(of: id, by: principal)
    }

    /// Up to `limit` + 1 tasks placed elsewhere after `after` (of `consumer`, in `state`), as
    /// last seen at their owners; a task never seen there yet is left out.
    public func federatedTasks(consumer: String?, state filter: TaskState?, after: UInt64, limit: Int) -> [FederatedTaskEntry] {
        tasks.withLock { state in
            var low = 0
            var high = state.order.count
            while low < high {
                let mid = (low + high) / 2
                if state.order[mid].seq <= after { low = mid + 1 } else { high = mid }
            }
            var entries: [FederatedTaskEntry] = []
            for (seq, id) in state.order[low...] {
                guard let task = state.byID[id], let record = task.snapshot else { continue }
                if let consumer, task.consumer != consumer { continue }
                if let filter, record.state != filter { continue }
                entries.append(FederatedTaskEntry(seq: seq, record: record))
                if entries.count > limit { break }
            }
            return entries
        }
    }

    /// The owners' signed usage of ended tasks placed elsewhere (of `consumer`, of `provider`,
    /// overlapping `from`..<`to`), under their home ids and consumers.
    public func federatedUsage(consumer: String?, provider: String?, from: Date?, to: Date?) -> [UsageRecord] {
        tasks.withLock { state in
            state.usage.values.joined().filter { r in
                (consumer == nil || r.consumer == consumer) && (provider == nil || r.provider == provider)
                    && (from.map { r.end >= $0 } ?? true) && (to.map { r.start < $0 } ?? true)
            }
        }
    }

    /// ``logs(of:stream:tail:attempt:by:)``.
    public func federatedLogs(_ id: String, stream: String, tail: Int?, attempt: Int?, by principal: Principal) async throws(SuanliError) -> String {
        try await logs(of: id, stream: stream, tail: tail, attempt: attempt, by: principal)
    }
}
