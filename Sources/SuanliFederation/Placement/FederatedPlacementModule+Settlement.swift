import Foundation
import Hummingbird
import SuanliCore
import SuanliServer
import SuanliStore

// Settlement between platforms (docs/federation.md, "Settlement"): the owner of a claimed task
// meters it under the home platform as its customer and signs a statement of that usage; the
// home fetches and stores the statement; each side's settlement with the other lists what it
// is owed (its own metering) and what it owes (the other's signed statements), which agree to
// the fen. A stored statement whose signature fails, that names a task the home never placed
// there, or that repeats a part already counted is shown as disputed and not counted.
extension FederatedPlacementModule {
    /// `GET /v1/federation/claims/{id}/usage`: the owner's signed usage statement of a claimed task.
    public static let claimUsage: PathTemplate = "/v1/federation/claims/{id}/usage"
    /// `GET /v1/federation/settlements?peer=PREFIX&month=YYYY-MM` (operator, auditor).
    public static let settlements: PathTemplate = Endpoints.federationSettlements

    func addSettlementRoutes(api: RouterGroup<SuanliRequestContext>) {
        api.get(FederationModule.routerPath(Self.claimUsage)) { [self] request, context in
            let (body, credentials) = try await federation.signedBody(request, context: context)
            try await verifyPeer(credentials, method: "GET", target: FederationModule.target(request), body: body)
            let id = context.parameters.get("id") ?? ""
            let consumer = try claimant(credentials.peer, task: id)
            return JSONAnswer(try await statement(of: id, consumer: consumer, customer: credentials.peer), status: .ok)
        }
        api.get(FederationModule.routerPath(Self.settlements)) { [self] request, context in
            switch context.principal {
            case .operator, .auditor: break
            case .anonymous: throw SuanliError(.unauthorized, "settlements need the operator's or an auditor's token")
            default: throw SuanliError(.forbidden, "settlements between platforms are for the operator and auditors")
            }
            let query = request.uri.queryParameters
            guard let text = query.get("peer"), !text.isEmpty else {
                throw SuanliError(.badRequest, "peer is required: the prefix of the other platform, e.g. peer=86.1.2", field: "peer")
            }
            let peer: Prefix
            do throws(IdentifierError) { peer = try Prefix(parsing: text) } catch {
                throw SuanliError(.badRequest, "peer '\(text.prefix(40))' is not a prefix: \(error.message)", field: "peer")
            }
            var month = BillingMonth(containing: platform.now)
            if let text = query.get("month"), !text.isEmpty {
                guard let parsed = BillingMonth(parsing: text) else {
                    throw SuanliError(.badRequest, "month '\(text.prefix(20))' is not YYYY-MM", field: "month")
                }
                month = parsed
            }
            return JSONAnswer(try await settlement(with: peer, month: month), status: .ok)
        }
    }

    // MARK: Owner side

    /// The signed statement of task `id`, which `consumer` (standing for `customer`) claimed here.
    func statement(of id: String, consumer: String, customer: Prefix) async throws(SuanliError) -> SignedUsageStatement {
        let task = try await platform.task(id, by: .consumer(consumer))
        let records = try platform.usage(consumer: consumer, provider: nil, from: nil, to: nil, by: .operator).items.filter { $0.task == id }
        let statement = UsageStatement(
            issuer: federation.prefix.description, customer: customer.description, task: id, final: task.state.isFinal, records: records,
            issuedAt: federation.configuration.clock())
        let bytes: Data
        do { bytes = try SuanliJSON.encoder().encode(statement) } catch {
            throw SuanliError(.unavailable, "the statement could not be encoded: \(error)")
        }
        return SignedUsageStatement(statement: String(decoding: bytes, as: UTF8.self), signature: federation.identity.sign(bytes))
    }

    // MARK: Home side

    /// Fetches, checks and stores the final statement of every task placed at `peer` that has
    /// none stored yet; returns the ids of those still without one (not ended, or the peer unreachable).
    func collectStatements(from peer: Prefix) async -> [String] {
        // Every claim this platform made there: tasks' current ones and earlier attempts'.
        var claims: [(task: FederatedTask, earlier: FederatedTask.EarlierClaim?)] = []
        for task in tasks.withLock({ Array($0.byID.values) }).sorted(by: { $0.id < $1.id }) {
            for claim in task.earlier where claim.owner == peer { claims.append((task, claim)) }
            if task.owner == peer { claims.append((task, nil)) }
        }
        let stored = Set(((try? await platform.loadRecords(StoredUsageStatement.self)) ?? []).map(\.homeTask))
        var pending: [String] = []
        for (task, claim) in claims where !stored.contains(FederatedTask.statementKey(task.id, attempt: claim?.attempt)) {
            do {
                if try await !collectStatement(of: task, earlier: claim) { pending.append(task.id) }
            } catch {
                logger.info("no usage statement of \(task.id) from \(peer) yet: \(error.message)")
                pending.append(task.id)
            }
        }
        return pending
    }

    /// The task and, for a key `ID#ATTEMPT`, the earlier claim a stored statement's key names.
    static func statementClaim(keyed key: String, in tasks: [String: FederatedTask]) -> (FederatedTask, FederatedTask.EarlierClaim?)? {
        guard let hash = key.lastIndex(of: "#") else { return tasks[key].map { ($0, nil) } }
        guard let task = tasks[String(key[..<hash])], let attempt = Int(key[key.index(after: hash)...]),
            let claim = task.earlier.first(where: { $0.attempt == attempt })
        else { return nil }
        return (task, claim)
    }

    /// Fetches the statement of `task`'s claim (or of the `earlier` claim of one of its earlier
    /// attempts) from its owner; when it is final and signed by the owner's key, stores it and
    /// counts its parts in the home's usage. Whether it was stored.
    func collectStatement(of task: FederatedTask, earlier claim: FederatedTask.EarlierClaim? = nil) async throws(SuanliError) -> Bool {
        let key = FederatedTask.statementKey(task.id, attempt: claim?.attempt)
        var task = task
        if let claim {
            task.owner = claim.owner
            task.ownerURL = claim.ownerURL
            task.remoteID = claim.remoteID
        }
        let data = try await ask(task, target: Self.claimUsage.path(task.remoteID))
        let signed = try PeerClient.decode(SignedUsageStatement.self, data, from: task.ownerURL)
        let publicKey = try await federation.delegation(of: task.owner).publicKey
        guard PlatformIdentity.verify(signature: signed.signature, of: Data(signed.statement.utf8), publicKey: publicKey) else {
            logger.warning("the usage statement of \(task.id) from \(task.owner) is not signed by its key; not stored")
            return false
        }
        let statement: UsageStatement
        do { statement = try SuanliJSON.decoder().decode(UsageStatement.self, from: Data(signed.statement.utf8)) } catch {
            logger.warning("the usage statement of \(task.id) from \(task.owner) cannot be read: \(error)")
            return false
        }
        guard statement.final, statement.task == task.remoteID else { return false }
        try await platform.commitRecords([
            .put(
                StoredUsageStatement(
                    homeTask: key, owner: task.owner.description, statement: signed.statement, signature: signed.signature,
                    fetchedAt: federation.configuration.clock()))
        ])
        tasks.withLock { $0.usage[key] = Self.homeUsage(statement, remoteID: task.remoteID, of: task) }
        return true
    }

    /// A statement's parts (of the task `remoteID` there) as the home shows them: under the
    /// home id and the home consumer.
    static func homeUsage(_ statement: UsageStatement, remoteID: String, of task: FederatedTask) -> [UsageRecord] {
        statement.records.filter { $0.task == remoteID }.map { record in
            var record = record
            record.task = task.id
            record.consumer = task.consumer
            return record
        }
    }

    /// This platform's settlement with `peer` for `month` (see the file's introduction).
    public func settlement(with peer: Prefix, month: BillingMonth) async throws(SuanliError) -> Settlement {
        let pending = await collectStatements(from: peer)
        // Receivable: what this platform metered for the peer's consumer.
        let consumer = platform.existingPeerConsumer(for: peer)
        let metered = try consumer.map { c throws(SuanliError) in try platform.usage(consumer: c, provider: nil, from: nil, to: nil, by: .operator).items } ?? []
        let receivable = metered.filter { month.contains($0.end) }.map {
            Settlement.Line(task: $0.task, attempt: $0.attempt, resource: $0.resource, end: $0.end, amountFen: $0.amountFen)
        }
        // Payable: the peer's signed statements of tasks placed there, checked again.
        let statements: [StoredUsageStatement]
        do { statements = try await platform.loadRecords(StoredUsageStatement.self).filter { $0.owner == peer.description } } catch {
            throw SuanliError(.unavailable, "the stored usage statements cannot be read: \(error)")
        }
        let key = statements.isEmpty ? nil : try await federation.delegation(of: peer).publicKey
        let placed = tasks.withLock { $0.byID }
        var payable: [Settlement.Line] = []
        var disputed: [Settlement.Dispute] = []
        var counted: [String: String] = [:]  // part → home task whose statement counted it
        for stored in statements {
            guard let key, PlatformIdentity.verify(signature: stored.signature, of: Data(stored.statement.utf8), publicKey: key) else {
                disputed.append(.init(
                    homeTask: stored.homeTask, kind: "tampered",
                    message: "the stored statement does not match \(peer)'s signature: it was changed after \(peer) issued it"))
                continue
            }
            guard let statement = try? SuanliJSON.decoder().decode(UsageStatement.self, from: Data(stored.statement.utf8)),
                statement.issuer == peer.description, statement.customer == federation.prefix.description
            else {
                disputed.append(.init(
                    homeTask: stored.homeTask, kind: "unknown", message: "the statement is not one \(peer) issued to this platform"))
                continue
            }
            guard let (task, claim) = Self.statementClaim(keyed: stored.homeTask, in: placed), (claim?.owner ?? task.owner) == peer,
                (claim?.remoteID ?? task.remoteID) == statement.task
            else {
                disputed.append(.init(
                    homeTask: stored.homeTask, kind: "unknown",
                    message: "this platform placed no task \(stored.homeTask) at \(peer) as \(statement.task)"))
                continue
            }
            for record in statement.records where month.contains(record.end) {
                let part = "\(statement.task) attempt \(record.attempt) on \(record.resource)"
                if let first = counted[part] {
                    disputed.append(.init(
                        homeTask: stored.homeTask, kind: "duplicated", message: "\(part) is already counted in the statement of \(first)"))
                    continue
                }
                counted[part] = stored.homeTask
                payable.append(.init(
                    task: record.task, homeTask: task.id, attempt: record.attempt, resource: record.resource, end: record.end,
                    amountFen: record.amountFen))
            }
        }
        func order(_ a: Settlement.Line, _ b: Settlement.Line) -> Bool {
            (a.task, a.attempt, a.resource) < (b.task, b.attempt, b.resource)
        }
        return Settlement(
            peer: peer.description, month: month.description, receivable: receivable.sorted(by: order), payable: payable.sorted(by: order),
            disputed: disputed, pending: pending)
    }
}
