import Foundation
import SuanliCore

extension SchedulerEngine {
    // MARK: Submitting

    /// Places a task now if it fits, else queues it, or rejects it if no registered resource could ever take it.
    ///
    /// The spec is validated (a ``SuanliError`` with code `validation_failed` names the field);
    /// a task identifier already held gives `conflict`. A task that ranks behind a blocked queue
    /// head is only placed now if that does not delay the head's estimated start (backfill).
    public mutating func submit(_ id: String, spec: TaskSpec, now: Double) throws(SuanliError) -> SubmitOutcome {
        let compiled = try admit(id, spec: spec, now: now)
        var head: Int32? = nil
        if let first = queue.first, ranks(tasks[Int(first)], before: compiled.priority, share: shareFactor(spec.consumer), seq: nextSeq) {
            head = first
        }
        var outcome = attempt(compiled, behind: head, now: now)
        // Strict order (no backfill): nothing starts while a task ahead of it waits.
        if head != nil && !configuration.backfill, case .placeable = outcome { outcome = .blocked }
        if case .noCapacity = outcome, let explanation = impossibility(compiled, spec: spec) { return .impossible(explanation) }
        let t = newTask(id, spec: spec, compiled: compiled)
        if case .placeable(let plan, _) = outcome, let placement = commit(t, plan, now: now) {
            return .scheduled(placement)
        }
        if case .noCapacity = outcome { noteNoCapacity(t) }
        return .queued(position: insertIntoQueue(t, tried: true))
    }

    /// Adds a task to the queue without trying to place it (restoring queued tasks after a
    /// restart, in their original order); call ``drain(now:)`` afterwards.
    @discardableResult
    public mutating func enqueue(_ id: String, spec: TaskSpec, now: Double) throws(SuanliError) -> Int {
        let compiled = try admit(id, spec: spec, now: nil)
        let t = newTask(id, spec: spec, compiled: compiled)
        return insertIntoQueue(t)
    }

    /// Re-installs a placement from storage after a restart, before new submissions.
    ///
    /// The units are reserved as recorded even if reports now show them taken (they are facts,
    /// not requests); parts on resources that no longer exist are dropped. `running`: the
    /// provider's reports already include the task (see ``markRunning(_:now:)``).
    public mutating func restore(
        _ id: String, spec: TaskSpec, placement: Placement, placedAt: Double, running: Bool
    ) throws(SuanliError) {
        let compiled = try admit(id, spec: spec, now: nil)
        let t = newTask(id, spec: spec, compiled: compiled)
        var parts: [Reservation] = []
        for part in placement.parts {
            guard let slot = slotByID[part.resource], part.units > 0 else { continue }
            parts.append(Reservation(task: slot, units: Int32(clamping: part.units)))
        }
        tasks[Int(t)].queued = false
        tasks[Int(t)].running = running
        tasks[Int(t)].placement = placement
        tasks[Int(t)].placedAt = placedAt
        tasks[Int(t)].expectedEnd = placedAt + (spec.durationS ?? configuration.defaultDurationS)
        for part in parts { reserve(task: t, slot: part.task, units: part.units, running: running) }
        tasks[Int(t)].parts = parts
        headShadow = nil
    }

    /// Validates and compiles a spec for a new task identifier.
    mutating func admit(_ id: String, spec: TaskSpec, now: Double?) throws(SuanliError) -> CompiledTask {
        guard taskByID[id] == nil else { throw SuanliError(.conflict, "task \(id) already exists", field: "id") }
        do { try spec.validate(topology: topology) } catch { throw SuanliError.validation(error) }
        if let now, let deadline = spec.deadline, deadline.timeIntervalSince1970 <= now {
            throw SuanliError(.validation, "deadline \(Timestamp.format(deadline)) has already passed", field: "deadline")
        }
        var compiled = CompiledTask(spec, topology: topology)
        warm(&compiled)
        prepare(&compiled)
        return compiled
    }

    /// Fills a fresh compiled task's shape lists and location mask from the engine's caches.
    mutating func warm(_ c: inout CompiledTask) {
        if shapeCacheEpoch != shapes.count {
            shapeCache = [:]
            shapeCacheEpoch = shapes.count
        }
        for a in c.alternatives.indices {
            let alt = c.alternatives[a]
            let key = ShapeKey(kind: alt.kind, arch: alt.arch, model: alt.model, minMemoryBits: alt.minMemoryGiB.bitPattern)
            if let cached = shapeCache[key] {
                c.alternatives[a].shapes = cached
            } else {
                var list: [Int32] = []
                for (i, shape) in shapes.enumerated() where alt.accepts(shape) { list.append(Int32(i)) }
                shapeCache[key] = list
                c.alternatives[a].shapes = list
            }
        }
        var list = c.alternatives.flatMap(\.shapes)
        list.sort()
        var unique: [Int32] = []
        for s in list where unique.last != s { unique.append(s) }
        c.shapeList = unique
        c.shapeEpoch = shapes.count
        if c.from >= 0 && c.maxRtt.isFinite {
            let key = AllowedKey(from: c.from, maxRttBits: c.maxRtt.bitPattern)
            if let cached = allowedCache[key] {
                c.allowed = cached
            } else {
                let row = Int(c.from) * locationCount
                let mask = (0..<locationCount).map { rtt[row + $0] <= c.maxRtt }
                allowedCache[key] = mask
                c.allowed = mask
            }
        } else {
            if allowedCache[AllowedKey(from: -1, maxRttBits: 0)] == nil {
                allowedCache[AllowedKey(from: -1, maxRttBits: 0)] = [Bool](repeating: true, count: locationCount)
            }
            c.allowed = allowedCache[AllowedKey(from: -1, maxRttBits: 0)]!
        }
        c.locationsValid = true
    }

    mutating func newTask(_ id: String, spec: TaskSpec, compiled: CompiledTask) -> Int32 {
        let record = TaskRecord(
            id: id, spec: spec, compiled: compiled, seq: nextSeq, queued: true, running: false, parts: [], placement: nil,
            placedAt: 0, expectedEnd: 0, generationSeen: 0, alive: true)
        nextSeq += 1
        let t: Int32
        if let reuse = freeTaskSlots.popLast() {
            t = reuse
            tasks[Int(t)] = record
        } else {
            t = Int32(tasks.count)
            tasks.append(record)
        }
        taskByID[id] = t
        return t
    }

    // MARK: Releasing

    /// Cancels or completes a task: a queued task leaves the queue, a placed task's units are
    /// released at once. Drains the queue. Unknown identifiers are ignored.
    @discardableResult
    public mutating func release(_ id: String, now: Double) -> DrainResult {
        guard let t = taskByID[id] else { return .empty }
        if tasks[Int(t)].queued {
            removeFromQueue(t)
            forget(t)
            return automaticDrain(now: now)  // a new head may let others backfill
        }
        unreserveAll(t)
        forget(t)
        return automaticDrain(now: now)
    }

    /// Records that the provider now runs the task (its agent said so): from the next report of
    /// each of its resources on, that report includes the task's units, so the reservation stops
    /// being subtracted from reported free units as well. Until then it still is, so a report
    /// taken before the task started can never free its units twice.
    @discardableResult
    public mutating func markRunning(_ id: String, now: Double) -> DrainResult {
        guard let t = taskByID[id], !tasks[Int(t)].queued, !tasks[Int(t)].running else { return .empty }
        tasks[Int(t)].running = true
        for part in tasks[Int(t)].parts {
            let s = Int(part.task)
            if let i = reservationsOn[s].firstIndex(where: { $0.task == t && $0.visibility == .pending }) {
                reservationsOn[s][i].visibility = .awaitingReport
            }
        }
        return .empty
    }

    /// Releases a placed task's units and puts it back in the queue at its original rank (its
    /// provider failed, or a resource was removed); drains, which may place it elsewhere at once.
    @discardableResult
    public mutating func requeue(_ id: String, now: Double) -> DrainResult {
        guard let t = taskByID[id], !tasks[Int(t)].queued else { return .empty }
        unreserveAll(t)
        tasks[Int(t)].queued = true
        tasks[Int(t)].running = false
        tasks[Int(t)].placement = nil
        tasks[Int(t)].generationSeen = 0
        tasks[Int(t)].deficit = 0
        _ = insertIntoQueue(t)
        return automaticDrain(now: now)
    }

    // MARK: Reservations

    /// Reserves a plan for a task after checking every part against effective free units; all or nothing.
    mutating func commit(_ t: Int32, _ plan: Plan, now: Double) -> Placement? {
        for part in plan.parts where part.units <= 0 || slots[Int(part.slot)].effFree < part.units { return nil }
        var seen = Set<Int32>()
        for part in plan.parts where !seen.insert(part.slot).inserted { return nil }
        let c = tasks[Int(t)].compiled
        for part in plan.parts { reserve(task: t, slot: part.slot, units: part.units, running: false) }
        let placement = Placement(
            alternative: Int(plan.alternative),
            parts: plan.parts.map { part in
                let r = slots[Int(part.slot)]
                return Placement.Part(
                    resource: ids[Int(part.slot)], units: Int(part.units), priceFenPerUnitHour: price(for: t, slot: part.slot),
                    rttMs: c.from < 0 ? nil : (rttFrom(c, r.location) * 10).rounded() / 10, renewable: r.renewable)
            })
        let end = expectedEnd(c, now: now)
        tasks[Int(t)].queued = false
        tasks[Int(t)].parts = plan.parts.map { Reservation(task: $0.slot, units: $0.units) }
        tasks[Int(t)].placement = placement
        tasks[Int(t)].placedAt = now
        tasks[Int(t)].expectedEnd = end
        // Keep the blocked head's protected capacity honest, and its estimate's validity.
        if var shadow = headShadow, shadow.task != t {
            shadow.firstEnd = min(shadow.firstEnd, end)
            if end > shadow.start {
                for part in plan.parts {
                    if let pool = shadow.poolOf[part.slot] { shadow.extra[Int(pool)] -= part.units }
                }
            }
            headShadow = shadow
        }
        return placement
    }

    mutating func reserve(task t: Int32, slot: Int32, units: Int32, running: Bool) {
        let s = Int(slot)
        slots[s].reserved += units
        if !running { slots[s].pending += units }
        reservationsOn[s].append(Reservation(task: t, units: units, visibility: running ? .visible : .pending))
        refresh(slot: slot)
    }

    mutating func unreserveAll(_ t: Int32) {
        guard tasks[Int(t)].alive else { return }
        for part in tasks[Int(t)].parts {
            let s = Int(part.task)
            guard slots[s].alive else { continue }
            slots[s].reserved -= part.units
            if let i = reservationsOn[s].firstIndex(where: { $0.task == t && $0.units == part.units }) {
                if reservationsOn[s][i].visibility != .visible { slots[s].pending -= part.units }
                reservationsOn[s].remove(at: i)
            }
            refresh(slot: part.task)
        }
        tasks[Int(t)].parts = []
    }

    mutating func forget(_ t: Int32) {
        guard tasks[Int(t)].alive else { return }
        taskByID[tasks[Int(t)].id] = nil
        tasks[Int(t)].alive = false
        tasks[Int(t)].placement = nil
        tasks[Int(t)].parts = []
        freeTaskSlots.append(t)
        if headShadow?.task == t { headShadow = nil }
    }

    @inline(__always)
    func expectedEnd(_ c: CompiledTask, now: Double) -> Double { now + (c.durationS ?? configuration.defaultDurationS) }

    // MARK: Queue order

    /// The fair-share factor of `consumer` (1 unless ``setFairShare(_:)`` gave it another).
    @inline(__always)
    func shareFactor(_ consumer: String?) -> Double {
        guard !fairShareFactors.isEmpty, let consumer else { return 1 }
        return fairShareFactors[consumer] ?? 1
    }

    /// Whether `a` waits ahead of a task of `priority`, fair-share factor `share` and sequence
    /// `seq`: higher priority, then the higher factor (less past use for its share), then earlier submission.
    @inline(__always)
    func ranks(_ a: TaskRecord, before priority: Int, share: Double, seq: UInt64) -> Bool {
        if a.compiled.priority != priority { return a.compiled.priority > priority }
        let own = shareFactor(a.spec.consumer)
        return own != share ? own > share : a.seq < seq
    }

    /// Index at which a task of `priority`, fair-share factor `share` and `seq` belongs in the queue.
    func queueInsertionIndex(priority: Int, share: Double, seq: UInt64) -> Int {
        var lo = 0
        var hi = queue.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if ranks(tasks[Int(queue[mid])], before: priority, share: share, seq: seq) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Inserts a task into the queue; returns its 1-based position. `tried`: it has just failed
    /// an attempt under the current state, so a drain need not try it before something changes.
    mutating func insertIntoQueue(_ t: Int32, tried: Bool = false) -> Int {
        tasks[Int(t)].queued = true
        let task = tasks[Int(t)]
        let i = queueInsertionIndex(priority: task.compiled.priority, share: shareFactor(task.spec.consumer), seq: task.seq)
        queue.insert(t, at: i)
        if i == 0 { headShadow = nil }
        if !tried { queueDirty = true }
        if let deadline = tasks[Int(t)].compiled.deadline { earliestDeadline = min(earliestDeadline, deadline) }
        return i + 1
    }

    mutating func removeFromQueue(_ t: Int32) {
        let task = tasks[Int(t)]
        var i = queueInsertionIndex(priority: task.compiled.priority, share: shareFactor(task.spec.consumer), seq: task.seq)
        if !(i < queue.count && queue[i] == t) {
            guard let found = queue.firstIndex(of: t) else { return }
            i = found
        }
        queue.remove(at: i)
        if i == 0 {
            headShadow = nil
            queueDirty = true  // a new head may let others backfill
        }
    }
}
