import Foundation
import SuanliCore
import SuanliServer
import Synchronization

// Resolve anywhere: identifiers of other platforms, by prefix (docs/federation.md).
extension FederationModule: RemoteResolver {
    /// The record of a foreign `id`: from the cache while its live state is fresh, else from
    /// the child it lies under, else (outside this platform's prefix) from the parent; nil
    /// when it lies in this platform's own, undelegated space.
    public func resolve(_ id: Identifier, hops: Int) async throws(SuanliError) -> ResourceRecord? {
        let now = configuration.clock()
        let base: String
        var owner: ChildLink?
        switch route(id.prefix) {
        case .none: return nil
        case .notJoined(let child):
            throw SuanliError(.notFound, "no resource \(id) is known: it lies under \(child.record.prefix), delegated to \(child.record.name), which has not joined yet")
        case .child(let child):
            base = child.record.url
            owner = child
        case .parent(let url): base = url
        }
        let cached = cache.lookup(id.string, now: now)
        // Fresh live state from the cache, unless the owner's branch is past its lease.
        if let cached, cached.fresh, !linkIsDown(owner, now: now) { return cached.record }
        let data: Data
        do {
            (_, data) = try await peers.send(.GET, base: base, target: Endpoints.resolve.path(id.string), hops: hops + 1)
        } catch where error.code == .notFound {
            cache.forget(id.string)
            return nil
        } catch where error.code == .transport || error.status >= 500 {
            if let cached { return stale(cached.record, error: error) }
            throw SuanliError(.unavailable, "the platform that knows \(id) cannot answer now (\(error.message)); retry shortly")
        }
        // What the peer answered is checked before it is served or cached.
        let record = try PeerClient.decode(ResourceRecord.self, data, from: base)
        try accept(record, for: id, from: owner, base: base)
        cache.store(record, now: now)
        return record
    }

    /// The records of foreign `ids` found in the federation, one call per next platform.
    public func resolve(batch ids: [Identifier], hops: Int) async throws(SuanliError) -> [Identifier: ResourceRecord] {
        let now = configuration.clock()
        var found: [Identifier: ResourceRecord] = [:]
        var stale: [Identifier: ResourceRecord] = [:]
        var groups: [String: (owner: ChildLink?, ids: [Identifier])] = [:]
        for id in ids {
            let hop = route(id.prefix)
            var owner: ChildLink?
            if case .child(let child) = hop { owner = child }
            let cached = cache.lookup(id.string, now: now)
            if let cached, cached.fresh, !linkIsDown(owner, now: now) {
                found[id] = cached.record
                continue
            }
            if let cached { stale[id] = cached.record }
            switch hop {
            case .none, .notJoined: continue
            case .child(let child): groups[child.record.url, default: (child, [])].ids.append(id)
            case .parent(let url): groups[url, default: (nil, [])].ids.append(id)
            }
        }
        let answers = await withTaskGroup(of: (String, Result<ResolveBatchResult, SuanliError>).self) { tasks in
            for (base, group) in groups {
                tasks.addTask { [self] in
                    do throws(SuanliError) {
                        let body = ResolveBatch(ids: group.ids.map(\.string))
                        let data: Data
                        do { data = try SuanliJSON.encoder().encode(body) } catch { throw SuanliError(.internal, "\(error)") }
                        let (_, answer) = try await peers.send(.POST, base: base, target: Endpoints.resolveBatch.path(), body: data, hops: hops + 1)
                        return (base, .success(try PeerClient.decode(ResolveBatchResult.self, answer, from: base)))
                    } catch {
                        return (base, .failure(error))
                    }
                }
            }
            var answers: [(String, Result<ResolveBatchResult, SuanliError>)] = []
            for await answer in tasks { answers.append(answer) }
            return answers
        }
        for (base, result) in answers {
            guard let group = groups[base] else { continue }
            switch result {
            case .success(let batch):
                guard batch.items.count == group.ids.count else {
                    throw SuanliError("bad_peer_answer", "the platform at \(base) answered \(batch.items.count) records for \(group.ids.count) identifiers", status: 502)
                }
                for (id, record) in zip(group.ids, batch.items) {
                    guard let record else { continue }
                    try accept(record, for: id, from: group.owner, base: base)
                    cache.store(record, now: now)
                    found[id] = record
                }
            case .failure(let error):
                guard error.code == .transport || error.status >= 500 else { throw error }
                for id in group.ids {
                    guard let record = stale[id] else {
                        throw SuanliError(.unavailable, "the platform at \(base) cannot answer now (\(error.message)); retry shortly")
                    }
                    found[id] = self.stale(record, error: error)
                }
            }
        }
        return found
    }

    /// Whether the link towards `owner` (a child; nil: the parent) is past its lease.
    func linkIsDown(_ owner: ChildLink?, now: Date) -> Bool {
        let lease = configuration.lease
        if let owner { return owner.state(now: now, lease: lease) == .unreachable }
        return state.withLock { $0.parent?.state(now: now, lease: lease) } == .unreachable
    }

    /// Refuses a record that is not the one asked for or, from a child, lies outside its delegated prefix.
    func accept(_ record: ResourceRecord, for id: Identifier, from owner: ChildLink?, base: String) throws(SuanliError) {
        guard record.id.string == id.string else {
            throw SuanliError("bad_peer_answer", "the platform at \(base) answered the record of \(record.id) for \(id)", status: 502)
        }
        guard let platform = record.platform else {
            throw SuanliError("bad_peer_answer", "the platform at \(base) answered a record of \(id) without its platform", status: 502)
        }
        if let owner {
            let delegated = owner.record.prefix
            guard record.id.prefix.isWithin(delegated), platform.isWithin(delegated) else {
                throw SuanliError(
                    "outside_delegation",
                    "\(owner.record.name) (\(delegated)) answered a record of \(record.id) owned by \(platform): outside its delegated prefix; refused",
                    status: 502)
            }
        }
    }

    /// A cached record served while its owner cannot be reached: static attributes as cached,
    /// flagged unavailable.
    func stale(_ record: ResourceRecord, error: SuanliError) -> ResourceRecord {
        var record = record
        record.available = false
        record.unavailableReason = "stale: its platform \(record.platform?.description ?? "?") cannot be reached; attributes as cached"
        return record
    }
}

/// Forwarded records with a split lifetime: served as they are for ``liveTTL`` seconds (live
/// state), kept for ``staticTTL`` seconds to answer, flagged stale, while the owner is unreachable.
final class ResolveCache: Sendable {
    struct Entry: Sendable {
        var record: ResourceRecord
        var fetchedAt: Date
    }

    let staticTTL: Double
    let liveTTL: Double
    /// Entries kept at most; a full cache drops the oldest half.
    let capacity = 100_000
    private let entries = Mutex<[String: Entry]>([:])

    init(staticTTL: Double, liveTTL: Double) {
        self.staticTTL = staticTTL
        self.liveTTL = liveTTL
    }

    /// The cached record of `id` and whether its live state is fresh; nil past the static lifetime.
    func lookup(_ id: String, now: Date) -> (record: ResourceRecord, fresh: Bool)? {
        entries.withLock { entries in
            guard let entry = entries[id] else { return nil }
            let age = now.timeIntervalSince(entry.fetchedAt)
            guard age <= staticTTL else {
                entries[id] = nil
                return nil
            }
            return (entry.record, age <= liveTTL)
        }
    }

    func store(_ record: ResourceRecord, now: Date) {
        entries.withLock { entries in
            if entries.count >= capacity {
                let sorted = entries.sorted { $0.value.fetchedAt < $1.value.fetchedAt }
                for (key, _) in sorted.prefix(capacity / 2) { entries[key] = nil }
            }
            entries[record.id.string] = Entry(record: record, fetchedAt: now)
        }
    }

    func forget(_ id: String) { _ = entries.withLock { $0.removeValue(forKey: id) } }
}
