import Foundation
import SuanliCore
import SuanliRegistry
import Synchronization

/// A parent's replicas of its children's subtrees, and the mirror registry that discovery and
/// statistics over `scope=subtree` run on: this platform's own records and every replica, in one
/// registry, so that filters, sorting and paging are the local ones.
///
/// Replicas live in memory: after a restart of the parent each child's next push finds the
/// generation unknown and sends a full snapshot.
final class ReplicaBook: Sendable {
    /// One child's replicated subtree.
    struct Replica: Sendable {
        var generation: UInt64 = 0
        var records: [String: ResourceRecord] = [:]
        var pushedAt: Date?
        var snapshots = 0
    }

    /// What the mirror holds of one record: enough to see that it changed.
    struct Fingerprint: Sendable, Equatable {
        var version: UInt64
        var freeUnits: Int
        var healthy: Bool
        var heartbeatAt: Date
        var platform: Prefix?
    }

    struct State: Sendable {
        var replicas: [Prefix: Replica] = [:]
        var mirror: Registry
        var mirrored: [String: Fingerprint] = [:]
        /// Every record in the mirror as its owner reported it.
        var records: [String: ResourceRecord] = [:]
        /// The reasons of records whose child cannot be reached, by identifier.
        var stale: [String: String] = [:]
    }

    let state: Mutex<State>

    init(heartbeatTimeout: Double) {
        state = Mutex(State(mirror: Registry(heartbeatTimeout: heartbeatTimeout)))
    }

    /// Applies a child's push; answers the generation now held, or nil when `push.base` is not
    /// it (the child then sends a full snapshot).
    func apply(_ push: AggregationPush, now: Date) -> UInt64? {
        state.withLock { state in
            var replica = state.replicas[push.prefix] ?? Replica()
            if push.base == 0 {
                replica.records = [:]
                replica.snapshots += 1
            } else if push.base != replica.generation {
                return nil
            }
            for record in push.upserts { replica.records[record.id.string] = record }
            for id in push.removes { replica.records.removeValue(forKey: id) }
            replica.generation = push.generation
            replica.pushedAt = now
            state.replicas[push.prefix] = replica
            return replica.generation
        }
    }

    /// Every replicated record (for this platform's own push to its parent).
    /// Records of `unreachable` children (prefix → name) go up unhealthy, with the stale reason,
    /// so that platforms above see the cut too.
    func replicatedRecords(unreachable: [Prefix: String] = [:]) -> [ResourceRecord] {
        state.withLock { state in
            state.replicas.flatMap { child, replica -> [ResourceRecord] in
                guard let name = unreachable[child] else { return Array(replica.records.values) }
                return replica.records.values.map { record in
                    var record = record
                    record.state.healthy = false
                    record.available = false
                    record.unavailableReason = Self.staleReason(child, name)
                    return record
                }
            }
        }
    }

    /// Why a record of an unreachable child is unavailable.
    static func staleReason(_ child: Prefix, _ name: String) -> String {
        "stale: its platform \(child) (\(name)) cannot be reached; as last synced"
    }

    /// When each child last pushed.
    func pushedAt(_ prefix: Prefix) -> Date? { state.withLock { $0.replicas[prefix]?.pushedAt } }

    /// Brings the mirror up to date with `local` (this platform's records) and the replicas;
    /// records of `unreachable` children (prefix → name) are kept, unhealthy, and reported stale.
    private static func refresh(_ state: inout State, local: [ResourceRecord], unreachable: [Prefix: String]) {
        var desired: [String: ResourceRecord] = [:]
        var stale: [String: String] = [:]
        for (child, replica) in state.replicas {
            let name = unreachable[child]
            for (id, var record) in replica.records {
                if let name {
                    record.state.healthy = false
                    stale[id] = Self.staleReason(child, name)
                }
                desired[id] = record
            }
        }
        for record in local { desired[record.id.string] = record }
        for id in state.mirrored.keys where desired[id] == nil {
            state.mirror.remove(id)
            state.mirrored.removeValue(forKey: id)
        }
        for (id, record) in desired {
            let print = Fingerprint(
                version: record.version, freeUnits: record.state.freeUnits, healthy: record.state.healthy,
                heartbeatAt: record.state.heartbeatAt, platform: record.platform)
            let old = state.mirrored[id]
            guard old != print else { continue }
            put(record, replacing: old, into: &state.mirror)
            state.mirrored[id] = print
        }
        state.records = desired
        state.stale = stale
    }

    /// One page of `query` over this platform's records and every replica, each item the
    /// record as its owner reported it (with `platform`), its availability as seen here.
    func discover(_ query: DiscoveryQuery, local: [ResourceRecord], unreachable: [Prefix: String], now: Date) throws(SuanliError)
        -> Page<ResourceRecord>
    {
        try state.withLock { state throws(SuanliError) in
            Self.refresh(&state, local: local, unreachable: unreachable)
            var page = try state.mirror.discover(query, now: now)
            page.items = page.items.map { item in
                guard var record = state.records[item.id.string] else { return item }
                record.rttMs = item.rttMs
                record.available = item.available
                // A platform below may have marked it stale already (a cut further down).
                let below = record.unavailableReason.flatMap { $0.hasPrefix("stale:") ? $0 : nil }
                record.unavailableReason = item.available ? nil : (state.stale[item.id.string] ?? below ?? item.unavailableReason)
                return record
            }
            return page
        }
    }

    /// The statistics of this platform's records and every replica.
    func stats(local: [ResourceRecord], unreachable: [Prefix: String], now: Date) -> StatsReport {
        state.withLock { state in
            Self.refresh(&state, local: local, unreachable: unreachable)
            return state.mirror.stats(now: now)
        }
    }

    /// Loads `record` into `mirror`: its live state in place when only that changed, its
    /// attributes in place (same paging position) when it changed, appended when new.
    static func put(_ record: ResourceRecord, replacing old: Fingerprint?, into mirror: inout Registry) {
        let stateRow = StoredState(
            id: record.id.string, freeUnits: record.state.freeUnits, healthy: record.state.healthy,
            utilization: record.state.utilization, heartbeatAt: record.state.heartbeatAt.timeIntervalSince1970)
        if let old, mirror.contains(record.id.string) {
            if old.version != record.version || old.platform != record.platform {
                _ = mirror.upsert(record.id, spec: spec(of: record), now: record.updatedAt)
            }
            mirror.setState(stateRow)
            return
        }
        if !mirror.hasProvider(record.provider) {
            mirror.addProvider(
                StoredProvider(
                    prefix: record.provider,
                    registration: ProviderRegistration(
                        name: record.provider.description, contact: "", location: record.location, renewable: record.renewable, pue: 1),
                    tokenHash: "", createdAt: record.createdAt))
        }
        mirror.load(
            StoredResource(
                id: record.id, seq: mirror.nextSeq, provider: record.provider, spec: spec(of: record), version: record.version,
                createdAt: record.createdAt, updatedAt: record.updatedAt),
            state: stateRow)
    }

    /// The specification a record was registered with (its renewable share as an override).
    static func spec(of record: ResourceRecord) -> ResourceSpec {
        ResourceSpec(
            kind: record.kind, arch: record.arch, model: record.model, units: record.units, memoryGiB: record.memoryGiB,
            tflops: record.tflops, location: record.location, priceFenPerUnitHour: record.priceFenPerUnitHour, labels: record.labels,
            renewable: record.renewable)
    }
}
