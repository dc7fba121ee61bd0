import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
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
    let tasks = Mutex<(next: UInt64, byID: [String: FederatedTask])>((1, [:]))
    /// This platform's recent claims, until the aggregated view shows them.
    let ledger: ClaimLedger
    let logger: Logger

    /// `POST /v1/federation/claims`.
    public static let claims: PathTemplate = "/v1/federation/claims"
    /// `GET /v1/federation/claims/{id}`: the claimed task as its owner runs it.
    public static let claim: PathTemplate = "/v1/federation/claims/{id}"
    /// `GET /v1/federation/claims/{id}/logs?stream=`: its output.
    public static let claimLogs: PathTemplate = "/v1/federation/claims/{id}/logs"
    /// `GET /v1/federation/claims/{id}/explain`: how the owner placed it.
    public static let claimExplanation: PathTemplate = "/v1/federation/claims/{id}/explain"
    /// Most candidates one placement tries.
    public static let maxCandidates = 20
    /// Cheapest resources asked of the aggregated view per accepted alternative: enough for
    /// ``maxCandidates`` after those the ledger knows to be full, and small enough that every
    /// placement does not move hundreds of records (with 200, a 40-platform federation placed 44 tasks/s; with 50, 74).
    public static let candidatePage = 50

    /// Opens the module: loads the tasks this platform placed elsewhere from its store, then as
    /// ``init(federation:aggregation:tasks:logger:)``.
    public static func open(
        federation: FederationModule, aggregation: AggregationModule, logger: Logger = Logger(label: "suanli.placement")
    ) async throws -> FederatedPlacementModule {
        let stored = try await federation.platform.loadRecords(StoredFederatedTask.self)
        return FederatedPlacementModule(federation: federation, aggregation: aggregation, tasks: stored, logger: logger)
    }

    /// Creates the module around the platform's federation and aggregation modules, with the
    /// tasks placed elsewhere as stored, and installs it as the platform's ``FederatedPlacer``.
    public init(
        federation: FederationModule, aggregation: AggregationModule, tasks stored: [StoredFederatedTask] = [],
        logger: Logger = Logger(label: "suanli.placement")
    ) {
        self.federation = federation
        self.aggregation = aggregation
        self.logger = logger
        // Two levels of pushes (a leaf's, then its hub's) and a margin: long enough for the owner's figure to arrive.
        self.ledger = ClaimLedger(window: max(2, 3 * federation.configuration.syncInterval))
        tasks.withLock { state in
            for record in stored {
                state.byID[record.id] = FederatedTask(
                    id: record.id, consumer: record.consumer, owner: record.owner, ownerURL: record.ownerURL, remoteID: record.remoteID,
                    resource: Identifier(uncheckedString: record.resource))
            }
            state.next = UInt64(stored.count + 1)
        }
        federation.platform.federatedPlacement.install(self)
    }

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
    /// under the price limit, cheapest first (then lowest RTT, then identifier).
    public func candidates(for spec: TaskSpec) async throws(SuanliError) -> [ResourceRecord] {
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
            if let near = spec.dataLocation, let rtt = spec.maxRttMs {
                parameters += [("near", near), ("max_rtt_ms", String(rtt))]
            }
            let query: DiscoveryQuery
            do throws(ValidationError) { query = try DiscoveryQuery(parameters: parameters) } catch { throw .validation(error) }
            let page = try await aggregation.discover(query, parameters: parameters, scope: .federation)
            let now = federation.configuration.clock()
            for var record in page.items where isForeign(record) {
                record.state.freeUnits = ledger.free(record.id.string, reported: record.state.freeUnits, now: now)
                guard record.available, record.state.freeUnits >= spec.units else { continue }
                if let memory = alternative.minMemoryGiB, record.memoryGiB < memory { continue }
                found[record.id.string] = record
            }
        }
        return found.values.sorted {
            ($0.priceFenPerUnitHour, $0.rttMs ?? 0, $0.id.string) < ($1.priceFenPerUnitHour, $1.rttMs ?? 0, $1.id.string)
        }
    }

    /// Whether `record` belongs to another platform (one this platform delegated its prefix to counts).
    func isForeign(_ record: ResourceRecord) -> Bool {
        if !record.id.prefix.isWithin(federation.prefix) { return true }
        if case .child = federation.route(record.id.prefix) { return true }
        return false
    }

    /// Places `spec` for the home consumer `consumer` on another platform: claims the best
    /// candidate, then the next when a claim is refused. Nil when no candidate took it; `503`
    /// when none took it and some owner did not answer (a timeout, a 5xx).
    public func place(_ spec: TaskSpec, consumer: String) async throws(SuanliError) -> FederatedTask? {
        // Names the home platform; the random part keeps it unique across restarts.
        let homeID = tasks.withLock { state in
            defer { state.next += 1 }
            return "\(federation.prefix)-f\(state.next)-" + String(format: "%08x", UInt32.random(in: .min ... .max))
        }
        var spec = spec
        spec.consumer = nil
        var unanswered: [String] = []
        let found: [ResourceRecord]
        do { found = try await candidates(for: spec) } catch where error.code == .transport || error.status >= 500 {
            throw SuanliError(
                .unavailable, "the federation's view of its resources cannot be read now (\(error.message)); the task was placed nowhere, retry shortly")
        }
        for record in found.prefix(Self.maxCandidates) where isForeign(record) {
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
                let task = FederatedTask(
                    id: homeID, consumer: consumer, owner: owner, ownerURL: base, remoteID: submission.id, resource: record.id)
                try await remember(task)
                return task
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

    /// Stores a task placed elsewhere; when that fails, cancels it at its owner (best effort) and throws.
    func remember(_ task: FederatedTask) async throws(SuanliError) {
        let record = StoredFederatedTask(
            id: task.id, consumer: task.consumer, owner: task.owner, ownerURL: task.ownerURL, remoteID: task.remoteID,
            resource: task.resource.string, createdAt: federation.configuration.clock())
        do {
            try await platform.commitRecords([.put(record)])
        } catch {
            _ = try? await ask(task, target: Self.claim.path(task.remoteID), method: .DELETE)
            throw error
        }
        tasks.withLock { $0.byID[task.id] = task }
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
        let task = try federatedTask(id, by: principal)
        let data = try await ask(task, target: Self.claim.path(task.remoteID))
        var record = try PeerClient.decode(TaskRecord.self, data, from: task.ownerURL)
        record.id = task.id
        record.consumer = task.consumer
        return record
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
        var record = try PeerClient.decode(TaskRecord.self, data, from: task.ownerURL)
        record.id = task.id
        record.consumer = task.consumer
        return record
    }

    /// How the owner placed the task (a signed call).
    public func explanation(of id: String, by principal: Principal) async throws(SuanliError) -> Explanation {
        let task = try federatedTask(id, by: principal)
        let data = try await ask(task, target: Self.claimExplanation.path(task.remoteID))
        return try PeerClient.decode(Explanation.self, data, from: task.ownerURL)
    }

    /// A signed GET to the task's owner; `503` while the owner cannot be reached (the task is
    /// never placed a second time elsewhere meanwhile: it runs, or ran, there).
    func ask(_ task: FederatedTask, target: String, method: HTTPMethod = .GET) async throws(SuanliError) -> Data {
        do {
            return try await federation.peers.send(method, base: task.ownerURL, target: target).1
        } catch where error.code == .transport || error.status >= 500 {
            throw SuanliError(
                .unavailable,
                "task \(task.id) runs at the platform \(task.owner) (\(task.ownerURL)), which cannot answer now (\(error.message)); it is not placed again elsewhere — retry shortly")
        }
    }

    // MARK: FederatedPlacer

    /// ``place(_:consumer:)``, answered as `POST /v1/tasks` answers.
    public func placeElsewhere(_ spec: TaskSpec, consumer: String) async throws(SuanliError) -> TaskSubmission? {
        guard let task = try await place(spec, consumer: consumer) else { return nil }
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

    /// ``logs(of:stream:tail:attempt:by:)``.
    public func federatedLogs(_ id: String, stream: String, tail: Int?, attempt: Int?, by principal: Principal) async throws(SuanliError) -> String {
        try await logs(of: id, stream: stream, tail: tail, attempt: attempt, by: principal)
    }
}
