import Foundation
import SuanliCore
import SuanliRegistry
import SuanliScheduler
import SuanliStore

extension Platform {
    // MARK: Authentication

    /// Establishes who is calling from a bearer token (`nil`: no token); a revoked, expired or
    /// unknown token is a 401 (see ``identify(secret:)``).
    public func authenticate(token: String?) throws(SuanliError) -> Principal {
        guard let token else { return .anonymous }
        switch identify(secret: token) {
        case .success(let credential): return credential.principal
        case .failure(let refused): throw refused.error
        }
    }

    /// Checks that `principal` may read, per ``PlatformConfiguration/readAccess``.
    public func authorizeRead(_ principal: Principal) throws(SuanliError) {
        if configuration.readAccess == .token && principal == .anonymous {
            throw SuanliError(.unauthorized, "reads need a token on this platform; pass Authorization: Bearer TOKEN")
        }
    }

    func requireOperator(_ principal: Principal) throws(SuanliError) {
        switch principal {
        case .operator: return
        case .anonymous:
            throw SuanliError(.unauthorized, "this needs the operator token; pass Authorization: Bearer TOKEN")
        case .provider, .consumer:
            throw SuanliError(.forbidden, "only the platform operator may do this; another kind of token was given")
        case .auditor: throw Self.auditorsChangeNothing
        }
    }

    func requireProvider(_ principal: Principal) throws(SuanliError) -> Prefix {
        switch principal {
        case .provider(let prefix): return prefix
        case .anonymous:
            throw SuanliError(.unauthorized, "this needs the provider's token; pass Authorization: Bearer TOKEN")
        case .operator, .consumer:
            throw SuanliError(.forbidden, "resources are written with the owning provider's token")
        case .auditor: throw Self.auditorsChangeNothing
        }
    }

    // MARK: Consumers

    /// Registers a consumer and returns it with its token (shown once); operator only.
    public func registerConsumer(_ registration: ConsumerRegistration, by principal: Principal) async throws(SuanliError)
        -> ConsumerRecord
    {
        try requireOperator(principal)
        do throws(ValidationError) { try registration.validate() } catch { throw .validation(error) }
        let token = Tokens.generate(kind: "c")
        let now = clock()
        return try await commit { state throws(SuanliError) in
            let id = "c\(state.nextConsumer)"
            let (_, putToken) = try tokens.withLock { book throws(SuanliError) in
                try Self.issue(&book, role: .consumer, owner: id, secret: token, now: now, expiresAt: nil)
            }
            state.nextConsumer += 1
            // The token lives in the tokens table; the consumer row's legacy token_hash stays empty.
            let stored = StoredConsumer(id: id, registration: registration, tokenHash: "", createdAt: now)
            state.addConsumer(stored)
            var record = state.consumerRecord(id)!
            record.token = token
            return (record, [.putConsumer(stored), putToken, .setMeta(key: "next_consumer", value: String(state.nextConsumer))])
        }
    }

    /// All consumers, in id order; the operator and auditors.
    public func consumers(by principal: Principal) throws(SuanliError) -> [ConsumerRecord] {
        try requireOverseer(principal)
        return state.withLock { state in
            state.consumers.keys.sorted { ($0.count, $0) < ($1.count, $1) }.compactMap { state.consumerRecord($0) }
        }
    }

    // MARK: Providers

    /// Registers a provider under the next child prefix and returns it with its token (shown once).
    public func registerProvider(_ registration: ProviderRegistration, by principal: Principal) async throws(SuanliError)
        -> ProviderRecord
    {
        try requireOperator(principal)
        do { try registration.validate(topology: .national) } catch { throw .validation(error) }
        let token = Tokens.generate(kind: "p")
        let now = clock()
        return try await commit { state throws(SuanliError) in
            let number = state.nextProvider
            guard let prefix = configuration.prefix.child(number) else {
                throw SuanliError(.conflict, "no child prefixes left under \(configuration.prefix)")
            }
            let (_, putToken) = try tokens.withLock { book throws(SuanliError) in
                try Self.issue(&book, role: .provider, owner: prefix.description, secret: token, now: now, expiresAt: nil)
            }
            // The token lives in the tokens table; the provider row's legacy token_hash stays empty.
            let stored = StoredProvider(prefix: prefix, registration: registration, tokenHash: "", createdAt: now)
            state.registry.addProvider(stored)
            state.nextProvider = number + 1
            var record = state.registry.provider(prefix)!
            record.token = token
            return (record, [.putProvider(stored), putToken, .setMeta(key: "next_child", value: String(number + 1))])
        }
    }

    /// Issues a new token for a provider and revokes every other active token of it at once
    /// (operator only).
    public func rotateToken(of prefix: Prefix, by principal: Principal) async throws(SuanliError) -> ProviderRecord {
        try requireOperator(principal)
        let now = clock()
        return try await commit { state throws(SuanliError) in
            guard var record = state.registry.provider(prefix) else {
                throw SuanliError(.notFound, "no provider with prefix \(prefix)")
            }
            let (token, mutations) = try replaceTokens(role: .provider, owner: prefix.description, now: now)
            record.token = token.token
            return (record, mutations)
        }
    }

    /// All providers in prefix order.
    public func providers() -> [ProviderRecord] { state.withLock { $0.registry.allProviders() } }

    /// One provider.
    public func provider(_ prefixText: String) throws(SuanliError) -> ProviderRecord {
        let prefix: Prefix
        do { prefix = try Prefix(parsing: prefixText) } catch { throw .identifier(error, field: "prefix") }
        guard let record = state.withLock({ $0.registry.provider(prefix) }) else {
            throw SuanliError(.notFound, "no provider with prefix \(prefix); GET /v1/providers lists them")
        }
        return record
    }

    // MARK: Resources

    /// Creates or replaces a resource owned by the calling provider.
    public func putResource(_ idText: String, spec: ResourceSpec, by principal: Principal) async throws(SuanliError)
        -> (record: ResourceRecord, created: Bool)
    {
        let id = try Self.parseIdentifier(idText)
        let caller = try requireProvider(principal)
        do { try spec.validate(topology: .national) } catch { throw .validation(error) }
        let now = clock()
        return try await commit { state throws(SuanliError) in
            guard state.registry.owner(of: id.prefix) == caller else {
                throw SuanliError(
                    .forbidden, "identifier \(id) is outside your prefix \(caller); use \(caller)/SUFFIX", field: "id")
            }
            let outcome = state.registry.upsert(id, spec: spec, now: now)
            let record = state.registry.resolve(id.string, now: now)!
            let scheduling = state.syncEngine(resource: id.string, now: now)
            return ((record, outcome.created), [.putResource(outcome.stored, outcome.state)] + scheduling)
        }
    }

    /// Deletes a resource owned by the calling provider.
    public func deleteResource(_ idText: String, by principal: Principal) async throws(SuanliError) {
        let id = try Self.parseIdentifier(idText)
        let caller = try requireProvider(principal)
        let now = clock()
        try await commit { state throws(SuanliError) in
            guard let owner = state.registry.providerOf(id.string) else {
                throw SuanliError(.notFound, "no resource \(id)")
            }
            guard owner == caller else {
                throw SuanliError(.forbidden, "resource \(id) belongs to provider \(owner), not \(caller)")
            }
            state.registry.remove(id.string)
            return [.deleteResource(id: id.string)] + state.syncEngine(resource: id.string, now: now)
        }
    }

    /// Resolves one identifier.
    public func resolve(_ idText: String) throws(SuanliError) -> ResourceRecord {
        let id = try Self.parseIdentifier(idText)
        let now = clock()
        guard let record = state.withLock({ $0.registry.resolve(id.string, now: now) }) else {
            throw SuanliError(.notFound, "no resource \(id) is registered here")
        }
        return record
    }

    /// Resolves many identifiers, in request order, `nil` for unknown ones.
    public func resolve(batch ids: [String]) throws(SuanliError) -> [ResourceRecord?] {
        guard ids.count <= ResolveBatch.maxIDs else {
            throw SuanliError(.tooLarge, "at most \(ResolveBatch.maxIDs) ids per call, got \(ids.count); split the batch", field: "ids")
        }
        for (i, text) in ids.enumerated() {
            do { _ = try Identifier(parsing: text) } catch { throw .identifier(error, field: "ids[\(i)]") }
        }
        let now = clock()
        return state.withLock { state in state.registry.resolve(batch: ids, now: now) }
    }

    /// Runs a discovery query.
    public func discover(_ query: DiscoveryQuery) throws(SuanliError) -> Page<ResourceRecord> {
        let now = clock()
        return try state.withLock { state throws(SuanliError) in try state.registry.discover(query, now: now) }
    }

    /// Applies a provider's telemetry batch, all or nothing.
    public func report(_ batch: TelemetryBatch, by principal: Principal) async throws(SuanliError) -> TelemetryAck {
        let caller = try requireProvider(principal)
        guard batch.reports.count <= TelemetryBatch.maxReports else {
            throw SuanliError(
                .tooLarge, "at most \(TelemetryBatch.maxReports) reports per call, got \(batch.reports.count); split the batch",
                field: "reports")
        }
        let now = clock()
        try await commit { state throws(SuanliError) in
            let outcome = try state.registry.applyTelemetry(batch.reports, from: caller, now: now)
            var mutations: [StoreMutation] = outcome.states.map { .putState($0) }
            for stored in outcome.repriced {
                if let live = outcome.states.first(where: { $0.id == stored.id.string }) {
                    mutations.append(.putResource(stored, live))
                }
            }
            let prices = Dictionary(outcome.repriced.map { ($0.id.string, $0.spec.priceFenPerUnitHour) }, uniquingKeysWith: { $1 })
            let reports = outcome.states.map {
                ResourceReport(
                    id: $0.id, freeUnits: $0.freeUnits, available: $0.healthy,
                    priceFenPerUnitHour: state.registry.priceInForce(of: $0.id) ?? prices[$0.id])
            }
            return mutations + state.apply(state.engine.report(reports, now: now.timeIntervalSince1970), now: now)
        }
        metrics.recordHeartbeat(reports: batch.reports.count)
        return TelemetryAck(accepted: batch.reports.count)
    }

    // MARK: Topology and statistics

    /// The topology document.
    public func topology() -> TopologyDocument { state.withLock { TopologyDocument($0.registry.topology) } }

    /// Records an operator-measured RTT between two locations.
    public func setMeasuredLatency(_ override: LatencyOverride, by principal: Principal) async throws(SuanliError) {
        try requireOperator(principal)
        let now = clock()
        try await commit { state throws(SuanliError) in
            do throws(ValidationError) { try state.registry.setMeasured(override) } catch { throw .validation(error) }
            let drain = state.engine.setTopology(state.registry.topology, now: now.timeIntervalSince1970)
            return [.putLatency(override)] + state.apply(drain, now: now)
        }
    }

    /// National statistics (without history; see ``stats(history:)``).
    public func stats() -> StatsReport { stats(history: nil) }

    static func parseIdentifier(_ text: String) throws(SuanliError) -> Identifier {
        do { return try Identifier(parsing: text) } catch { throw .identifier(error) }
    }
}

extension Platform {
    /// Identifiers of a provider's resources, in registration order.
    public func resourceIDs(of prefix: Prefix) -> [String] { state.withLock { $0.registry.resourceIDs(of: prefix) } }
}
