import SuanliCore

/// The scheduler engine: capacity, placement, queue, backfill, batch optimisation and explain.
///
/// Pure, synchronous and deterministic: no I/O, no clock, no locks and no randomness beyond
/// the seeded tie-break hash, so the same calls with the same arguments give the same
/// placements. The server keeps one behind its lock, feeds it resource changes
/// (``upsertResource(_:now:)``, ``removeResource(_:now:)``, ``report(_:now:)``), submits and
/// releases tasks, and persists what the calls return. Times (`now`) are seconds on any clock
/// used consistently (the server passes seconds since 1970; the simulator its own clock).
///
/// **Capacity.** For each resource the engine keeps the provider's reported free units, its
/// own reserved units and, among those, the *pending* units of placements the provider's
/// reports do not include yet (tasks not yet marked running with ``markRunning(_:)``):
///
///     effective_free = max(0, min(reported_free − pending, units − reserved))   (0 if unavailable)
///
/// Reports include the units of Suanli tasks a provider runs, so running tasks are counted once
/// (by `units − reserved`), and a fresh reservation the provider cannot see yet still blocks its
/// units even when other users took units outside Suanli. A task's units stop being pending with
/// the first report of its resource after ``markRunning(_:now:)``. Every reservation is checked
/// against effective free units, so the engine never promises a unit twice. See `docs/scheduling.md`.
public struct SchedulerEngine: Sendable {
    /// Tuning knobs.
    public let configuration: SchedulerConfiguration
    /// Whether calls that add capacity (release, requeue, reports, resources) drain the queue
    /// themselves (the default, for simulations and tests). A platform sets it to `false` and
    /// drains from a scheduler service in bounded slices (``drain(now:maxAttempts:)``), so that
    /// request handlers never wait for a long drain.
    public var drainsAutomatically = true
    /// Attempts allowed in the drain in progress (``drain(now:maxAttempts:)``); `nil`: the configured maximum.
    var drainBudget: Int?
    /// Locations and RTTs (replace with ``setTopology(_:now:)`` when measured RTTs change).
    public private(set) var topology: Topology

    // MARK: Resources

    /// Hot per-resource state.
    struct Slot: Sendable {
        var price: Int64
        var renewable: Double
        var tieKey: UInt64
        var units: Int32
        var reportedFree: Int32
        var reserved: Int32
        var pending: Int32
        var effFree: Int32
        var shape: Int32
        var provider: Int32
        var group: Int32
        var position: Int32
        var location: Int32
        var available: Bool
        var alive: Bool
    }

    /// A shape: what a task alternative can ask of a resource, apart from location, price and green.
    struct Shape: Hashable, Sendable {
        var kind: ResourceKind
        var arch: String
        var model: String
        var memoryGiB: Double
    }

    struct GroupKey: Hashable, Sendable {
        var location: Int32
        var shape: Int32
        var renewableBits: UInt64
        /// The provider: a group is one provider's, so a task's `min_reliability` can skip it whole.
        var provider: Int32
    }

    struct Reservation: Sendable {
        var task: Int32
        var units: Int32
        /// Whether the provider's reports include these units: `pending` until the task runs,
        /// `awaitingReport` from `markRunning` until the resource's next report, then `visible`.
        var visibility: Visibility = .pending
    }

    enum Visibility: UInt8, Sendable { case pending, awaitingReport, visible }

    var slots: [Slot] = []
    var ids: [String] = []
    var slotByID: [String: Int32] = [:]
    var freeSlots: [Int32] = []
    var providerIndex: [String: Int32] = [:]
    var providerNames: [String] = []
    var shapes: [Shape] = []
    var shapeByValue: [Shape: Int32] = [:]
    /// Groups of each shape, in creation order.
    var groupsByShape: [[Int32]] = []
    /// Groups of each shape by lowest member price (re-sorted when a group of the shape changed).
    var groupOrder: [[Int32]] = []
    var shapeOrderDirty: [Bool] = []
    var groups: [CapacityGroup] = []
    var groupByKey: [GroupKey: Int32] = [:]
    /// Bumped when a resource of the shape is added or changed (price, renewable share, location…).
    var shapeGeneration: [UInt64] = []
    /// Effective free units ever gained by resources of the shape (only grows): a task that
    /// lacked `d` units is not retried before its shapes gained `d` more.
    var shapeIncrease: [Int64] = []
    /// What the last failed `plan` saw: most free units on one candidate (gang) or in total (split).
    var lastCapacitySeen: Int64 = 0
    /// Effective free units of all resources of each shape (an upper bound for quick rejection).
    var shapeFree: [Int64] = []
    /// Bumped with every shape generation; a drain with nothing new to try returns at once.
    var capacityEpoch: UInt64 = 0
    /// Reliability score per provider index (``setProviderReliability(_:)``; 1 when unset).
    var providerReliability: [Double] = []
    var drainedEpoch: UInt64 = .max
    /// Queued tasks that have not been tried since the last drain (restored, requeued, or cut off by the attempt limit).
    var queueDirty = false
    /// The earliest deadline among queued tasks.
    var earliestDeadline = Double.infinity
    /// Reservations on each resource slot.
    var reservationsOn: [[Reservation]] = []
    /// RTT matrix copied from the topology, row-major.
    var rtt: [Double] = []
    var locationCount: Int
    /// Number of live resources.
    public private(set) var resourceCount = 0
    /// Capacity held for quotes, by hold identifier (``hold(_:spec:expiresAt:now:excluding:)``).
    var holds: [String: Hold] = [:]
    /// Spot prices by resource slot (``SchedulerResource/spotPriceFenPerUnitHour``), paid by preemptible tasks.
    var spotPrices: [Int32: Int64] = [:]

    // MARK: Tasks

    struct TaskRecord: Sendable {
        var id: String
        var spec: TaskSpec
        var compiled: CompiledTask
        var seq: UInt64
        var queued: Bool
        var running: Bool
        var parts: [Reservation]  // (resource slot, units) — `task` holds the resource slot here
        var placement: Placement?
        var placedAt: Double
        var expectedEnd: Double
        /// Sum of shape generations at the last attempt that failed for lack of capacity.
        var generationSeen: UInt64
        /// Sum of shape increases then, and how many more free units it needed at least.
        var increaseSeen: Int64 = 0
        var deficit: Int64 = 0
        /// The blocked head this task could not be backfilled behind (-1: none).
        var blockedBehind: Int32 = -1
        /// The generation of that head's estimate then (``HeadShadow/generation``).
        var blockedShadow: UInt64 = 0
        /// Whether the slot holds a task (slots are reused).
        var alive: Bool
    }

    var tasks: [TaskRecord] = []
    var taskByID: [String: Int32] = [:]
    var freeTaskSlots: [Int32] = []
    var nextSeq: UInt64 = 1
    /// Queued task slots ordered by priority (descending), then the consumer's fair-share
    /// factor (descending), then submission sequence.
    var queue: [Int32] = []
    /// Each consumer's fair-share factor (``setFairShare(_:)``); a consumer not listed has 1.
    var fairShareFactors: [String: Double] = [:]
    /// The blocked head's estimated start and protected capacity, while valid.
    var headShadow: HeadShadow?
    /// Last ``HeadShadow/generation`` handed out.
    var shadowGeneration: UInt64 = 0

    /// Work counters (drains that ran, placement attempts, shadow computations, queue length seen).
    package var counters = (drains: 0, attempts: 0, shadows: 0, queued: 0, batches: 0)

    /// Location masks by (data location, max RTT bits), and shape lists by alternative, reused across tasks.
    var allowedCache: [AllowedKey: [Bool]] = [:]
    var shapeCache: [ShapeKey: [Int32]] = [:]
    var shapeCacheEpoch = -1

    struct AllowedKey: Hashable, Sendable {
        var from: Int32
        var maxRttBits: UInt64
    }

    struct ShapeKey: Hashable, Sendable {
        var kind: ResourceKind
        var arch: String?
        var model: String?
        var minMemoryBits: UInt64
    }

    /// Scratch map from resource slot to batch-problem index (-1 between batches).
    var localIndex: [Int32] = []

    /// Per-group marks for de-duplicating groups within one search.
    var groupMark: [UInt32] = []
    var groupMarkClock: UInt32 = 0

    // Scratch buffers reused by searches.
    var scratchGroups: [Int32] = []
    var scratchAlternatives: [Int32] = []

    /// Creates an empty engine over `topology`.
    public init(topology: Topology = .national, configuration: SchedulerConfiguration = SchedulerConfiguration()) {
        self.configuration = configuration
        self.topology = topology
        self.locationCount = topology.count
        self.rtt = Self.matrix(topology)
    }

    static func matrix(_ topology: Topology) -> [Double] {
        let n = topology.count
        var m = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { m[i * n + j] = topology.rttMs(i, j) } }
        return m
    }

    /// Replaces the topology (e.g. after an operator measured an RTT); locations must be the same.
    @discardableResult
    public mutating func setTopology(_ topology: Topology, now: Double) -> DrainResult {
        precondition(topology.locations.map(\.code) == self.topology.locations.map(\.code), "locations must not change")
        self.topology = topology
        self.rtt = Self.matrix(topology)
        allowedCache = [:]
        for i in shapeGeneration.indices { shapeGeneration[i] &+= 1 }
        capacityEpoch &+= 1
        for slot in tasks.indices where tasks[slot].alive { tasks[slot].compiled.invalidateLocations() }
        headShadow = nil
        return automaticDrain(now: now)
    }

    // MARK: Resource changes

    /// Adds or replaces a resource (new registration, changed spec, price, renewable share or state).
    ///
    /// Reservations on it are kept. Drains the queue, since capacity may have appeared.
    @discardableResult
    public mutating func upsertResource(_ resource: SchedulerResource, now: Double) -> DrainResult {
        upsertWithoutDrain(resource)
        return automaticDrain(now: now)
    }

    /// Adds or replaces many resources, then drains once (e.g. when loading the registry).
    @discardableResult
    public mutating func upsertResources(_ resources: [SchedulerResource], now: Double) -> DrainResult {
        for resource in resources { upsertWithoutDrain(resource) }
        return automaticDrain(now: now)
    }

    mutating func upsertWithoutDrain(_ r: SchedulerResource) {
        guard let location = topology.index(of: r.location) else {
            preconditionFailure("resource \(r.id) at unknown location \(r.location)")
        }
        let shape = internShape(Shape(kind: r.kind, arch: r.arch, model: r.model, memoryGiB: r.memoryGiB))
        let provider = internProvider(r.provider)
        let units = Int32(clamping: max(0, r.units))
        let free = Int32(clamping: min(max(0, r.freeUnits), r.units))
        let group = internGroup(
            GroupKey(location: Int32(location), shape: shape, renewableBits: r.renewable.bitPattern, provider: provider))
        if let slot = slotByID[r.id] {
            let s = Int(slot)
            // Detach with the old figures, change, attach again (the group is re-sorted lazily).
            detach(slot: slot)
            slots[s].group = group
            slots[s].price = r.priceFenPerUnitHour
            slots[s].renewable = r.renewable
            slots[s].shape = shape
            slots[s].location = Int32(location)
            slots[s].provider = provider
            slots[s].units = units
            slots[s].reportedFree = free
            slots[s].available = r.available
            spotPrices[slot] = r.spotPriceFenPerUnitHour
            attach(slot: slot)
            refresh(slot: slot, forceBump: true)
            headShadow = nil
            return
        }
        let slot: Int32
        let fresh = Slot(
            price: r.priceFenPerUnitHour, renewable: r.renewable, tieKey: Self.tieKey(r.id, seed: configuration.seed),
            units: units, reportedFree: free, reserved: 0, pending: 0, effFree: 0, shape: shape, provider: provider,
            group: group, position: -1, location: Int32(location), available: r.available, alive: true)
        if let reuse = freeSlots.popLast() {
            slot = reuse
            slots[Int(reuse)] = fresh
            ids[Int(reuse)] = r.id
            reservationsOn[Int(reuse)] = []
        } else {
            slot = Int32(slots.count)
            slots.append(fresh)
            ids.append(r.id)
            reservationsOn.append([])
        }
        slotByID[r.id] = slot
        spotPrices[slot] = r.spotPriceFenPerUnitHour
        resourceCount += 1
        attach(slot: slot)
        refresh(slot: slot, forceBump: true)
    }

    /// Removes a resource. Returns the tasks that had units on it: their reservation there is
    /// dropped, and the server should requeue (``requeue(_:now:)``) or cancel them.
    @discardableResult
    public mutating func removeResource(_ id: String, now: Double) -> [String] {
        guard let slot = slotByID[id] else { return [] }
        let s = Int(slot)
        var affected: [String] = []
        for reservation in reservationsOn[s] {
            let t = Int(reservation.task)
            guard tasks[t].alive else { continue }
            var task = tasks[t]
            task.parts.removeAll { $0.task == slot }
            tasks[t] = task
            affected.append(task.id)
        }
        dropHolds(onSlot: slot)
        reservationsOn[s] = []
        slots[s].reserved = 0
        slots[s].pending = 0
        slots[s].available = false
        refresh(slot: slot)
        detach(slot: slot)
        slots[s].alive = false
        slotByID[id] = nil
        spotPrices[slot] = nil
        ids[s] = ""
        freeSlots.append(slot)
        resourceCount -= 1
        headShadow = nil
        return affected
    }

    /// Applies one live-state report and drains the queue.
    @discardableResult
    public mutating func report(_ report: ResourceReport, now: Double) -> DrainResult {
        apply(report)
        return automaticDrain(now: now)
    }

    /// Applies a batch of reports, then drains the queue once.
    @discardableResult
    public mutating func report(_ reports: [ResourceReport], now: Double) -> DrainResult {
        for r in reports { apply(r) }
        return automaticDrain(now: now)
    }

    /// Marks a resource available or not (e.g. when its heartbeats stop), then drains.
    @discardableResult
    public mutating func setAvailable(_ id: String, _ available: Bool, now: Double) -> DrainResult {
        guard let slot = slotByID[id] else { return .empty }
        slots[Int(slot)].available = available
        refresh(slot: slot)
        return available ? automaticDrain(now: now) : .empty
    }

    mutating func apply(_ r: ResourceReport) {
        guard let slot = slotByID[r.id] else { return }
        let s = Int(slot)
        // Tasks marked running before this report are in it now: stop subtracting them from it.
        for i in reservationsOn[s].indices where reservationsOn[s][i].visibility == .awaitingReport {
            reservationsOn[s][i].visibility = .visible
            slots[s].pending -= reservationsOn[s][i].units
        }
        slots[s].reportedFree = Int32(clamping: min(max(0, r.freeUnits), Int(slots[s].units)))
        slots[s].available = r.available
        if let price = r.priceFenPerUnitHour, price != slots[s].price {
            detach(slot: slot)
            slots[s].price = price
            attach(slot: slot)
            refresh(slot: slot, forceBump: true)
        } else {
            refresh(slot: slot)
        }
    }

    // MARK: Capacity bookkeeping

    @inline(__always)
    static func effective(_ r: Slot) -> Int32 {
        guard r.available && r.alive else { return 0 }
        return max(0, min(r.reportedFree - r.pending, r.units - r.reserved))
    }

    /// Recomputes a resource's effective free units and updates its group.
    mutating func refresh(slot: Int32, forceBump: Bool = false) {
        let s = Int(slot)
        let old = slots[s].effFree
        let new = Self.effective(slots[s])
        if new != old {
            slots[s].effFree = new
            shapeFree[Int(slots[s].shape)] += Int64(new - old)
            let g = Int(slots[s].group)
            groups[g].totalFree += Int64(new - old)
            if !groups[g].dirty { groups[g].set(position: Int(slots[s].position), free: new) }
        }
        if new > old {
            shapeIncrease[Int(slots[s].shape)] += Int64(new - old)
            capacityEpoch &+= 1
            headShadow = nil
        }
        if forceBump {
            shapeGeneration[Int(slots[s].shape)] &+= 1
            capacityEpoch &+= 1
        }
    }

    /// Puts a slot into its group (the group is re-sorted on next use).
    mutating func attach(slot: Int32) {
        let g = Int(slots[Int(slot)].group)
        groups[g].members.append(slot)
        groups[g].prices.append(slots[Int(slot)].price)
        groups[g].totalFree += Int64(slots[Int(slot)].effFree)
        groups[g].dirty = true
        shapeOrderDirty[Int(groups[g].shape)] = true
        shapeFree[Int(slots[Int(slot)].shape)] += Int64(slots[Int(slot)].effFree)
    }

    /// Takes a slot out of its group.
    mutating func detach(slot: Int32) {
        let g = Int(slots[Int(slot)].group)
        let index: Int
        if !groups[g].dirty, slots[Int(slot)].position >= 0, Int(slots[Int(slot)].position) < groups[g].members.count,
            groups[g].members[Int(slots[Int(slot)].position)] == slot
        {
            index = Int(slots[Int(slot)].position)
        } else {
            guard let found = groups[g].members.firstIndex(of: slot) else { return }
            index = found
        }
        groups[g].members.remove(at: index)
        groups[g].prices.remove(at: index)
        groups[g].totalFree -= Int64(slots[Int(slot)].effFree)
        groups[g].dirty = true
        shapeOrderDirty[Int(groups[g].shape)] = true
        shapeFree[Int(slots[Int(slot)].shape)] -= Int64(slots[Int(slot)].effFree)
        slots[Int(slot)].position = -1
    }

    /// Cleans every group of a shape and orders them by lowest price.
    @inline(__always)
    mutating func ensureOrder(_ s: Int) {
        guard shapeOrderDirty[s] else { return }
        for g in groupsByShape[s] { clean(Int(g)) }
        var order = groupsByShape[s]
        order.sort { a, b in
            let x = groups[Int(a)].minPrice
            let y = groups[Int(b)].minPrice
            return x != y ? x < y : a < b
        }
        groupOrder[s] = order
        shapeOrderDirty[s] = false
    }

    /// Re-sorts a dirty group and rebuilds its trees.
    @inline(__always)
    mutating func clean(_ g: Int) {
        if groups[g].dirty { rebuild(g) }
    }

    mutating func rebuild(_ g: Int) {
        var members = groups[g].members
        groups[g].members = []
        members.sort { a, b in precedes(a, b) }
        for (i, slot) in members.enumerated() { slots[Int(slot)].position = Int32(i) }
        groups[g].prices = members.map { slots[Int($0)].price }
        let free = members.map { slots[Int($0)].effFree }
        let units = members.map { slots[Int($0)].units }
        groups[g].members = members
        groups[g].rebuild(free: free, units: units)
    }

    /// The order inside a group and the final tie-break: price, then the seeded hash, then the identifier.
    @inline(__always)
    func precedes(_ a: Int32, _ b: Int32) -> Bool {
        let x = slots[Int(a)]
        let y = slots[Int(b)]
        if x.price != y.price { return x.price < y.price }
        if x.tieKey != y.tieKey { return x.tieKey < y.tieKey }
        return ids[Int(a)] < ids[Int(b)]
    }

    mutating func internShape(_ shape: Shape) -> Int32 {
        if let i = shapeByValue[shape] { return i }
        let i = Int32(shapes.count)
        shapes.append(shape)
        shapeByValue[shape] = i
        groupsByShape.append([])
        groupOrder.append([])
        shapeOrderDirty.append(true)
        shapeGeneration.append(1)
        shapeIncrease.append(0)
        shapeFree.append(0)
        capacityEpoch &+= 1
        return i
    }

    mutating func internProvider(_ name: String) -> Int32 {
        if let i = providerIndex[name] { return i }
        let i = Int32(providerNames.count)
        providerNames.append(name)
        providerIndex[name] = i
        return i
    }

    mutating func internGroup(_ key: GroupKey) -> Int32 {
        if let g = groupByKey[key] { return g }
        let g = Int32(groups.count)
        groups.append(
            CapacityGroup(location: key.location, shape: key.shape, renewable: Double(bitPattern: key.renewableBits), provider: key.provider))
        groupByKey[key] = g
        groupsByShape[Int(key.shape)].append(g)
        shapeOrderDirty[Int(key.shape)] = true
        return g
    }

    /// 64-bit FNV-1a of the identifier, salted with the seed and avalanched.
    static func tieKey(_ id: String, seed: UInt64) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
        for byte in id.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return SplitMix64.mix(seed, h)
    }

    // MARK: Reading

    /// The engine's view of a resource: (reported free, reserved, pending, effective free), or `nil` if unknown.
    public func capacity(of id: String) -> (reportedFree: Int, reserved: Int, pending: Int, effectiveFree: Int)? {
        guard let slot = slotByID[id] else { return nil }
        let r = slots[Int(slot)]
        return (Int(r.reportedFree), Int(r.reserved), Int(r.pending), Int(r.effFree))
    }

    /// The state of a task the engine holds (queued, scheduled or running), or `nil`.
    public func status(of id: String) -> TaskStatus? {
        guard let t = taskByID[id] else { return nil }
        let task = tasks[Int(t)]
        let state: TaskState = task.queued ? .queued : (task.running ? .running : .scheduled)
        return TaskStatus(
            id: id, state: state, placement: task.placement, queuePosition: task.queued ? queuePosition(of: t) : nil,
            placedAt: task.queued ? nil : task.placedAt)
    }

    /// Queued task identifiers in queue order.
    public var queuedTaskIDs: [String] { queue.map { tasks[Int($0)].id } }

    /// Number of queued tasks.
    public var queuedCount: Int { queue.count }

    /// Number of tasks holding reservations.
    public var placedCount: Int { taskByID.count - queue.count }

    func queuePosition(of t: Int32) -> Int? {
        guard tasks[Int(t)].alive else { return nil }
        let task = tasks[Int(t)]
        let i = queueInsertionIndex(priority: task.compiled.priority, share: shareFactor(task.spec.consumer), seq: task.seq)
        return i < queue.count && queue[i] == t ? i + 1 : queue.firstIndex(of: t).map { $0 + 1 }
    }
}
