import Foundation
import SuanliCore

/// The in-memory registry: providers, resources, live state and the discovery indexes.
///
/// Pure and synchronous — no I/O and no locks. The server keeps one behind a mutex, applies
/// each change after it validated it, and persists the rows it returns. Resources live in
/// append-only slots whose order is registration order; every index is a sorted list of slots.
public struct Registry: Sendable {
    /// The locations and RTTs this registry validates and filters against.
    public private(set) var topology: Topology
    /// A resource with no report for this many seconds is unavailable (3 × heartbeat interval).
    public var heartbeatTimeout: Double

    var providers: [ProviderEntry] = []
    var providerByPrefix: [Prefix: Int32] = [:]

    var entries: [Entry] = []
    var index = IdentifierIndex()
    /// The next registration sequence number.
    public private(set) var nextSeq: UInt64 = 1
    /// Number of live (not deleted) resources.
    public private(set) var resourceCount = 0
    var tombstones = 0

    /// The slot of resource `id`, if registered.
    @inline(__always)
    func slot(of id: String) -> Int32? {
        index.find(id) { entries[Int($0)].id == id }
    }

    var archs = Interner<String>()
    var models = Interner<String>()
    var labelSets = Interner<[String: String]>()

    /// Location codes by topology index.
    let locationCodes: [String]

    /// Slots by (location, kind): `byLocationKind[location * kinds + kind]`.
    var byLocationKind: [[Int32]]
    /// Slots by interned model.
    var byModel: [[Int32]] = []
    /// Slots by provider.
    var byProvider: [[Int32]] = []

    static let kinds = ResourceKind.allCases
    static let kindIndex: [ResourceKind: Int] = Dictionary(
        uniqueKeysWithValues: ResourceKind.allCases.enumerated().map { ($1, $0) })

    /// Creates an empty registry.
    public init(topology: Topology = .national, heartbeatTimeout: Double = 30) {
        self.topology = topology
        self.heartbeatTimeout = heartbeatTimeout
        self.byLocationKind = Array(repeating: [], count: topology.count * Self.kinds.count)
        self.locationCodes = topology.locations.map(\.code)
    }

    /// Replaces the topology's measured RTTs (locations stay the same).
    public mutating func setMeasured(_ override: LatencyOverride) throws(ValidationError) {
        try topology.setMeasured(override)
    }

    // MARK: Providers

    struct ProviderEntry: Sendable {
        var stored: StoredProvider
        var resources: Int
        /// Copies of hot fields, read on every resolve.
        let prefix: Prefix
        let renewable: Double
    }

    /// Number of registered providers.
    public var providerCount: Int { providers.count }

    /// Adds a provider (loaded from the store or just registered).
    public mutating func addProvider(_ provider: StoredProvider) {
        let index = Int32(providers.count)
        providers.append(
            ProviderEntry(stored: provider, resources: 0, prefix: provider.prefix, renewable: provider.registration.renewable))
        providerByPrefix[provider.prefix] = index
        byProvider.append([])
    }

    /// Whether `prefix` is a registered provider.
    public func hasProvider(_ prefix: Prefix) -> Bool { providerByPrefix[prefix] != nil }

    /// The provider record for `prefix`.
    public func provider(_ prefix: Prefix) -> ProviderRecord? {
        providerByPrefix[prefix].map { providerRecord(Int($0)) }
    }

    /// All providers in prefix order.
    public func allProviders() -> [ProviderRecord] {
        providers.indices.map(providerRecord).sorted { $0.prefix < $1.prefix }
    }

    func providerRecord(_ i: Int) -> ProviderRecord {
        let p = providers[i]
        let r = p.stored.registration
        return ProviderRecord(
            prefix: p.stored.prefix, name: r.name, contact: r.contact, location: r.location,
            renewable: r.renewable, pue: r.pue, createdAt: p.stored.createdAt, resources: p.resources)
    }

    /// The registered provider that owns identifiers under `prefix` (itself or its nearest registered ancestor).
    public func owner(of prefix: Prefix) -> Prefix? {
        var current: Prefix? = prefix
        while let p = current {
            if providerByPrefix[p] != nil { return p }
            current = p.parent
        }
        return nil
    }

    // MARK: Resources

    /// One resource slot. The fields a resolve reads come first, so that they share the
    /// entry's first two cache lines.
    struct Entry: Sendable {
        var id: String
        /// The record's fixed fields, built once per registration and shared by every record
        /// resolved from this slot (one reference count per resolve).
        var fixed: ResourceRecord.SharedFixed
        var heartbeatAt: Double
        var price: Int64
        var version: UInt64
        var updatedAt: Double
        var createdAt: Double
        var utilization: Double  // NaN: not reported
        /// Standard TFLOPS per unit (``StandardUnit``); NaN: unrated.
        var standardPerUnit: Double
        var renewableOverride: Double  // NaN: use the provider's
        var provider: Int32
        var freeUnits: Int32
        var healthy: Bool
        var alive: Bool
        var location: Int16
        var seq: UInt64
        var memoryGiB: Double
        var fp64: Double
        var fp32: Double
        var fp16: Double
        var int8: Double
        var arch: Int32
        var model: Int32
        var labels: Int32
        var units: Int32
        var kind: ResourceKind
        var computeClass: ComputeClass
        /// Set once ``sweepStale(now:)`` has reported this resource as gone stale; cleared by a report.
        var staleSignalled: Bool = false
        /// How the price follows the load; nil: fixed.
        var pricing: ResourcePricing? = nil
    }

    /// The outcome of ``upsert(_:spec:now:)``.
    public struct Upsert: Sendable {
        /// The row to persist.
        public var stored: StoredResource
        /// The live state to persist (set when the resource was created or replaced).
        public var state: StoredState
        /// Whether the resource is new.
        public var created: Bool
    }

    /// Creates or replaces a resource. The caller has checked ownership; `spec` must be valid.
    /// Creating or replacing counts as a report: all units free, healthy.
    public mutating func upsert(_ id: Identifier, spec: ResourceSpec, now: Date) -> Upsert {
        let providerPrefix = owner(of: id.prefix) ?? id.prefix
        guard let providerIndex = providerByPrefix[providerPrefix] else {
            preconditionFailure("upsert for an identifier without a registered owner")
        }
        let t = now.timeIntervalSince1970
        if let slot = slot(of: id.string) {
            let old = entries[Int(slot)]
            var entry = makeEntry(id.string, spec: spec, provider: providerIndex, seq: old.seq, now: t)
            entry.createdAt = old.createdAt
            entry.version = old.version + 1
            reindex(slot: slot, from: old, to: entry)
            entries[Int(slot)] = entry
            return Upsert(stored: stored(slot), state: storedState(slot), created: false)
        }
        let entry = makeEntry(id.string, spec: spec, provider: providerIndex, seq: nextSeq, now: t)
        nextSeq += 1
        let slot = append(entry)
        return Upsert(stored: stored(slot), state: storedState(slot), created: true)
    }

    /// Adds a resource loaded from storage, in registration order.
    public mutating func load(_ resource: StoredResource, state: StoredState?) {
        guard let providerIndex = providerByPrefix[resource.provider] else { return }
        var entry = makeEntry(
            resource.id.string, spec: resource.spec, provider: providerIndex, seq: resource.seq,
            now: resource.updatedAt.timeIntervalSince1970)
        entry.createdAt = resource.createdAt.timeIntervalSince1970
        entry.version = resource.version
        if let state {
            entry.freeUnits = Int32(clamping: state.freeUnits)
            entry.healthy = state.healthy
            entry.utilization = state.utilization ?? .nan
            entry.heartbeatAt = state.heartbeatAt
        }
        if let old = slot(of: entry.id) {
            // A duplicate id in storage would be a bug; keep the later row.
            remove(slot: old)
        }
        _ = append(entry)
        nextSeq = max(nextSeq, resource.seq + 1)
    }

    /// Deletes a resource; returns whether it existed.
    @discardableResult
    public mutating func remove(_ id: String) -> Bool {
        guard let slot = slot(of: id) else { return false }
        remove(slot: slot)
        return true
    }

    /// Applies the live state of one resource loaded from storage.
    public mutating func setState(_ state: StoredState) {
        guard let slot = slot(of: state.id) else { return }
        entries[Int(slot)].freeUnits = Int32(clamping: state.freeUnits)
        entries[Int(slot)].healthy = state.healthy
        entries[Int(slot)].utilization = state.utilization ?? .nan
        entries[Int(slot)].heartbeatAt = state.heartbeatAt
    }

    private mutating func remove(slot: Int32) {
        let entry = entries[Int(slot)]
        byLocationKind[postingKey(entry)].removeSorted(slot)
        byModel[Int(entry.model)].removeSorted(slot)
        byProvider[Int(entry.provider)].removeSorted(slot)
        providers[Int(entry.provider)].resources -= 1
        index.remove(entry.id, slot: slot)
        entries[Int(slot)].alive = false
        entries[Int(slot)].id = ""
        entries[Int(slot)].fixed = Self.removed
        resourceCount -= 1
        tombstones += 1
    }

    private mutating func append(_ entry: Entry) -> Int32 {
        let slot = Int32(entries.count)
        entries.append(entry)
        index.insert(entry.id, slot: slot)
        byLocationKind[postingKey(entry)].insertSorted(slot)
        while byModel.count <= Int(entry.model) { byModel.append([]) }
        byModel[Int(entry.model)].insertSorted(slot)
        byProvider[Int(entry.provider)].insertSorted(slot)
        providers[Int(entry.provider)].resources += 1
        resourceCount += 1
        return slot
    }

    private mutating func reindex(slot: Int32, from old: Entry, to new: Entry) {
        if postingKey(old) != postingKey(new) {
            byLocationKind[postingKey(old)].removeSorted(slot)
            byLocationKind[postingKey(new)].insertSorted(slot)
        }
        if old.model != new.model {
            byModel[Int(old.model)].removeSorted(slot)
            while byModel.count <= Int(new.model) { byModel.append([]) }
            byModel[Int(new.model)].insertSorted(slot)
        }
    }

    @inline(__always)
    func postingKey(_ entry: Entry) -> Int { Int(entry.location) * Self.kinds.count + Self.kindIndex[entry.kind]! }

    /// The fixed fields a deleted slot keeps (so it holds on to nothing of the resource it was).
    static let removed = ResourceRecord.SharedFixed(
        ResourceRecord.Fixed(
            id: Identifier(uncheckedString: "0/-", prefixLength: 1), provider: Prefix(segments: [0])!, kind: .cpu,
            computeClass: .general, arch: "", model: "", units: 0, memoryGiB: 0, tflops: TFLOPS(), location: "",
            pricing: nil, labels: [:]))

    private mutating func makeEntry(_ id: String, spec: ResourceSpec, provider: Int32, seq: UInt64, now: Double) -> Entry {
        let prefixLength = id.utf8.firstIndex(of: UInt8(ascii: "/")).map { id.utf8.distance(from: id.utf8.startIndex, to: $0) } ?? 0
        let arch = archs.intern(spec.arch)
        let model = models.intern(spec.model)
        let labels = labelSets.intern(spec.labels)
        let location = Int16(topology.index(of: spec.location) ?? 0)
        // Interned values, so every record of a model or place shares one copy of its strings.
        let fixed = ResourceRecord.SharedFixed(
            ResourceRecord.Fixed(
                id: Identifier(uncheckedString: id, prefixLength: prefixLength), provider: providers[Int(provider)].prefix,
                kind: spec.kind, computeClass: spec.computeClass, arch: archs[arch], model: models[model],
                units: spec.units, memoryGiB: spec.memoryGiB, tflops: spec.tflops, location: locationCodes[Int(location)],
                pricing: spec.pricing, labels: labelSets[labels]))
        var entry = Entry(
            id: id, fixed: fixed, heartbeatAt: now, price: spec.priceFenPerUnitHour, version: 1, updatedAt: now,
            createdAt: now, utilization: .nan, standardPerUnit: spec.standardTFLOPSPerUnit ?? .nan,
            renewableOverride: spec.renewable ?? .nan, provider: provider, freeUnits: Int32(spec.units), healthy: true,
            alive: true, location: location, seq: seq, memoryGiB: spec.memoryGiB,
            fp64: spec.tflops.fp64 ?? .nan, fp32: spec.tflops.fp32 ?? .nan, fp16: spec.tflops.fp16 ?? .nan,
            int8: spec.tflops.int8 ?? .nan, arch: arch, model: model, labels: labels, units: Int32(spec.units),
            kind: spec.kind, computeClass: spec.computeClass)
        entry.pricing = spec.pricing
        return entry
    }

    // MARK: Reading

    /// Whether the resource in `entry` is available at `now` (healthy and recently reported).
    /// Borrowed: reading a slot through this copies nothing.
    @inline(__always)
    func isAvailable(_ entry: borrowing Entry, now: Double) -> Bool {
        entry.healthy && now - entry.heartbeatAt <= heartbeatTimeout
    }

    /// The provider prefix that owns resource `id`, if it exists.
    public func providerOf(_ id: String) -> Prefix? {
        slot(of: id).map { providers[Int(entries[Int($0)].provider)].prefix }
    }

    /// Whether resource `id` exists.
    public func contains(_ id: String) -> Bool { slot(of: id) != nil }

    /// Free units of `id` if it exists and is available at `now` (the scheduler's question).
    public func availableFreeUnits(_ id: String, now: Date) -> Int? {
        guard let slot = slot(of: id) else { return nil }
        let i = Int(slot)
        return isAvailable(entries[i], now: now.timeIntervalSince1970) ? Int(entries[i].freeUnits) : nil
    }

    /// The record for `id` with its live state, or `nil` if unknown.
    public func resolve(_ id: String, now: Date) -> ResourceRecord? {
        guard let slot = slot(of: id) else { return nil }
        return record(slot, now: now.timeIntervalSince1970)
    }

    /// How many identifiers ``resolve(batch:now:)`` looks up together.
    static let resolveGroup = 32

    /// The records of `ids` in order, `nil` for unknown ones: the same as ``resolve(_:now:)``
    /// for each, with the lookups of a group of identifiers overlapped
    /// (``IdentifierIndex/findAll(_:into:matches:prefetch:)``).
    public func resolve(batch ids: [String], now: Date) -> [ResourceRecord?] {
        let t = now.timeIntervalSince1970
        var records: [ResourceRecord?] = []
        records.reserveCapacity(ids.count)
        ids.withUnsafeBufferPointer { ids in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.resolveGroup) { slots in
                var start = 0
                while start < ids.count {
                    let group = UnsafeBufferPointer(rebasing: ids[start..<min(start + Self.resolveGroup, ids.count)])
                    entries.withUnsafeBufferPointer { entries in
                        index.findAll(group, into: slots) { slot, id in entries[Int(slot)].id == id } prefetch: { slot in
                            IdentifierIndex.firstByte(entries[Int(slot)].id)
                        }
                        // Bring every found record's shared fields into the cache with plain loads, all
                        // in flight together: building a record takes a reference to them, and that
                        // atomic operation waits for its cache line.
                        var touched = 0
                        for k in group.indices where slots[k] >= 0 { touched &+= entries[Int(slots[k])].fixed.fields.units }
                        IdentifierIndex.keep(touched)
                    }
                    for k in group.indices { records.append(slots[k] < 0 ? nil : record(slots[k], now: t)) }
                    start += group.count
                }
            }
        }
        return records
    }

    @inline(__always)
    func record(_ slot: Int32, now: Double) -> ResourceRecord {
        // Field by field, in place: a copy of the entry would retain its strings, and a closure
        // over the array's buffer made the optimiser copy the record it returned.
        let i = Int(slot)
        let available = isAvailable(entries[i], now: now)
        let renewable = entries[i].renewableOverride
        let utilization = entries[i].utilization
        let standardPerUnit = entries[i].standardPerUnit
        let price = entries[i].price
        return ResourceRecord(
            shared: entries[i].fixed, priceFenPerUnitHour: price,
            priceFenPerStandardHour: StandardUnit.price(
                fenPerUnitHour: price, standardPerUnit: standardPerUnit.isNaN ? nil : standardPerUnit),
            renewable: renewable.isNaN ? providers[Int(entries[i].provider)].renewable : renewable,
            version: entries[i].version, createdAt: Date(timeIntervalSince1970: entries[i].createdAt),
            updatedAt: Date(timeIntervalSince1970: entries[i].updatedAt),
            state: LiveState(
                freeUnits: Int(entries[i].freeUnits), healthy: entries[i].healthy,
                utilization: utilization.isNaN ? nil : utilization,
                heartbeatAt: Date(timeIntervalSince1970: entries[i].heartbeatAt)),
            available: available, unavailableReason: available ? nil : unavailableReason(entries[i], now: now))
    }

    /// Why the resource in `entry` is unavailable at `now`, or `nil` when it is available.
    func unavailableReason(_ e: borrowing Entry, now: Double) -> String? {
        let age = now - e.heartbeatAt
        let stale = age > heartbeatTimeout
        guard stale || !e.healthy else { return nil }
        var reasons: [String] = []
        if !e.healthy { reasons.append("unhealthy: its provider's last report says so") }
        if stale {
            reasons.append("stale: last report \(Self.duration(age)) ago (limit \(Self.duration(heartbeatTimeout)))")
        }
        return reasons.joined(separator: "; ")
    }

    /// A duration for people: `34 s`, `0.5 s`, `12 min`, `5 h`, `3 d`.
    static func duration(_ seconds: Double) -> String {
        switch seconds {
        case ..<10 where seconds.rounded() != seconds: String(format: "%.1f s", seconds)
        case ..<120: "\(Int(seconds)) s"
        case ..<7200: "\(Int(seconds / 60)) min"
        case ..<172_800: "\(Int(seconds / 3600)) h"
        default: seconds.isFinite && seconds < 1e15 ? "\(Int(seconds / 86_400)) d" : "ever"
        }
    }

    /// The durable row of the resource in `slot`.
    func stored(_ slot: Int32) -> StoredResource {
        let r = record(slot, now: 0)
        let e = entries[Int(slot)]
        return StoredResource(
            id: r.id, seq: e.seq, provider: r.provider,
            spec: ResourceSpec(
                kind: r.kind, arch: r.arch, model: r.model, units: r.units, memoryGiB: r.memoryGiB, tflops: r.tflops,
                location: r.location, priceFenPerUnitHour: r.priceFenPerUnitHour, labels: r.labels,
                renewable: e.renewableOverride.isNaN ? nil : e.renewableOverride, pricing: e.pricing),
            version: r.version, createdAt: r.createdAt, updatedAt: r.updatedAt)
    }

    func storedState(_ slot: Int32) -> StoredState {
        let e = entries[Int(slot)]
        return StoredState(
            id: e.id, freeUnits: Int(e.freeUnits), healthy: e.healthy,
            utilization: e.utilization.isNaN ? nil : e.utilization, heartbeatAt: e.heartbeatAt)
    }

    /// Calls `body` with every resource's record, in registration order.
    public func forEachRecord(now: Date, _ body: (ResourceRecord) -> Void) {
        let t = now.timeIntervalSince1970
        for slot in entries.indices where entries[slot].alive { body(record(Int32(slot), now: t)) }
    }

    /// Identifiers of a provider's resources in registration order.
    public func resourceIDs(of prefix: Prefix) -> [String] {
        guard let p = providerByPrefix[prefix] else { return [] }
        return byProvider[Int(p)].map { entries[Int($0)].id }
    }
}

