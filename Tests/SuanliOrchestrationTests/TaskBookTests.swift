import Foundation
import SuanliCore
import SuanliOrchestration
import SuanliScheduler
import Testing

/// A clock the test moves by hand.
struct ManualClock {
    var now = Date(timeIntervalSince1970: 1_800_000_000)
    mutating func advance(_ seconds: Double) { now = now.addingTimeInterval(seconds) }
}

let providerA = try! Prefix(parsing: "86.1.1")
let providerB = try! Prefix(parsing: "86.1.2")
let resourceA = "86.1.1/gpu-a"
let resourceB = "86.1.2/gpu-b"

/// Owner lookup as the registry answers it: the identifier's prefix.
func owner(_ resource: String) -> Prefix? { Identifier(uncheckedString: resource).prefix }

func spec(maxRetries: Int? = nil, gang: Bool = true) -> TaskSpec {
    TaskSpec(
        name: "job", units: 1, gang: gang,
        accept: [TaskSpec.Alternative(kind: .gpu, run: TaskSpec.Run(command: ["true"]))], durationS: 60,
        maxRetries: maxRetries)
}

/// 3,600 fen per unit-hour: one fen per unit-second.
func placement(_ resources: String...) -> Placement {
    Placement(
        alternative: 0,
        parts: resources.map { Placement.Part(resource: $0, units: 1, priceFenPerUnitHour: 3600, rttMs: nil, renewable: 0.5) })
}

func event(
    _ phase: AttemptEvent.Phase, _ task: String = "t1", attempt: Int = 1, on resource: String = resourceA, at: Date? = nil,
    exitCode: Int? = nil
) -> AttemptEvent {
    AttemptEvent(task: task, attempt: attempt, resource: resource, phase: phase, exitCode: exitCode, at: at)
}

/// The book, its clock, and shorthand for its inputs.
struct Harness {
    var book = TaskBook()
    var clock = ManualClock()
    var seq: UInt64 = 1

    @discardableResult
    mutating func submit(_ outcome: SubmitOutcome, spec taskSpec: TaskSpec = spec()) -> [LifecycleAction] {
        submit("t1", outcome, spec: taskSpec)
    }

    @discardableResult
    mutating func submit(_ id: String, _ outcome: SubmitOutcome, spec taskSpec: TaskSpec = spec()) -> [LifecycleAction] {
        defer { seq += 1 }
        return book.submit(id: id, seq: seq, consumer: "c1", spec: taskSpec, outcome: outcome, now: clock.now, owner: owner)
    }

    @discardableResult
    mutating func place(_ id: String, _ placement: Placement) -> [LifecycleAction] {
        book.apply(
            DrainResult(scheduled: [ScheduledTask(id: id, placement: placement)], expired: [], greedyCost: 0, optimisedCost: 0),
            now: clock.now, owner: owner)
    }

    /// Sends one event in its own batch, sent now by an agent whose clock agrees with ours.
    @discardableResult
    mutating func send(_ e: AttemptEvent, from provider: Prefix = providerA, sentAt: Date? = nil) -> (EventOutcome, [LifecycleAction]) {
        book.apply(e, from: provider, sentAt: sentAt, now: clock.now)
    }

    func state(_ id: String = "t1") -> TaskState? { book[id]?.state }
}

extension [LifecycleAction] {
    var metered: [UsageRecord] { compactMap { if case .meter(let r) = $0 { r } else { nil } } }
    var woken: Set<Prefix> { Set(compactMap { if case .wake(let p) = $0 { p } else { nil } }) }
    func has(_ action: LifecycleAction) -> Bool { contains(action) }
}

@Suite("Task lifecycle state machine")
struct TaskBookTests {
    // MARK: The table

    @Test func transitionTableHasExactlyTheLegalEdges() {
        let edges: [TaskState: Set<TaskState>] = [
            .queued: [.scheduled, .expired, .cancelled],
            .scheduled: [.starting, .running, .succeeded, .failed, .cancelled, .lost],
            .starting: [.running, .succeeded, .failed, .cancelled, .lost],
            .running: [.succeeded, .failed, .cancelled, .lost],
            .lost: [.queued, .failed, .cancelled],
        ]
        for from in TaskState.allCases {
            for to in TaskState.allCases {
                #expect(TaskBook.isLegal(from: from, to: to) == (edges[from]?.contains(to) ?? false), "\(from) → \(to)")
            }
            if from.isFinal { #expect(edges[from] == nil) }
        }
    }

    /// A book holding task `t1` in `state`, reached through the inputs (or restored, for `lost` and `rejected`).
    static func harness(in state: TaskState) -> Harness {
        var h = Harness()
        switch state {
        case .queued: h.submit(.queued(position: 1))
        case .scheduled: h.submit(.scheduled(placement(resourceA)))
        case .starting:
            h.submit(.scheduled(placement(resourceA)))
            h.send(event(.starting))
        case .running:
            h.submit(.scheduled(placement(resourceA)))
            h.send(event(.running))
        case .succeeded, .failed:
            h.submit(.scheduled(placement(resourceA)))
            h.send(event(state == .succeeded ? .succeeded : .failed, exitCode: state == .succeeded ? 0 : 1))
        case .cancelled:
            h.submit(.queued(position: 1))
            _ = h.book.cancel("t1", by: "c1", now: h.clock.now)
        case .expired:
            h.submit(.queued(position: 1))
            _ = h.book.apply(DrainResult(scheduled: [], expired: ["t1"], greedyCost: 0, optimisedCost: 0), now: h.clock.now, owner: owner)
        case .lost, .rejected:
            let entry = TaskEntry(
                id: "t1", seq: 1, consumer: "c1", spec: spec(), state: state, placement: nil,
                events: [TaskEvent(state: state, at: h.clock.now)], createdAt: h.clock.now, updatedAt: h.clock.now)
            _ = h.book.restore([entry], now: h.clock.now, owner: owner)
        }
        return h
    }

    /// The per-state counts are kept as tasks change (reading them scans nothing): after every
    /// kind of input, from every state, they equal a count of the tasks in the book.
    @Test(arguments: TaskState.allCases)
    func stateCountsFollowEveryInput(_ state: TaskState) {
        func check(_ book: TaskBook, _ step: String) {
            var scanned: [TaskState: Int] = [:]
            for task in book.tasks.values { scanned[task.state, default: 0] += 1 }
            #expect(book.liveByState == scanned, "from \(state), \(step)")
            #expect(book.countsByState == scanned.merging(book.archivedByState, uniquingKeysWith: +), "from \(state), \(step)")
        }
        var h = Self.harness(in: state)
        check(h.book, "reached")
        h.submit("t2", .queued(position: 1))
        check(h.book, "a second task queued")
        h.place("t2", placement(resourceB))
        check(h.book, "placed")
        h.send(event(.running, "t2", on: resourceB), from: providerB)
        h.send(event(.running, "t2", on: resourceB), from: providerB)
        check(h.book, "running (and a duplicate event)")
        _ = h.book.cancel("t1", by: "c1", now: h.clock.now)
        check(h.book, "t1 cancelled")
        h.clock.advance(30)
        _ = h.book.providerLost(providerB, lastSeen: h.clock.now, reason: "test", now: h.clock.now)
        check(h.book, "provider lost")
        _ = h.book.resourceLost(resourceA, lastSeen: h.clock.now, reason: "test", now: h.clock.now)
        check(h.book, "resource lost")
        h.submit("t3", .scheduled(placement(resourceA)))
        h.send(event(.succeeded, "t3", exitCode: 0))
        check(h.book, "t3 ran")
        let archived = h.book.archive(["t1", "t2", "t3", "t3"])
        check(h.book, "archived \(archived.count)")
        var restored = TaskBook()
        _ = restored.restore(h.book.order.map { h.book[$0]! }, now: h.clock.now, owner: owner)
        check(restored, "restored")
    }

    @Test(arguments: TaskState.allCases)
    func everyInputInEveryState(_ state: TaskState) {
        let start = Self.harness(in: state)
        let reached = start.state()
        // `lost` is transient: recovery queues it again.
        #expect(reached == (state == .lost ? .queued : state))
        let s = reached!

        var h = start
        let cancelled = h.book.cancel("t1", by: "c1", now: h.clock.now)
        if s.isFinal {
            #expect(cancelled == .failure(.alreadyFinal(s)) && h.book["t1"] == start.book["t1"])
        } else {
            #expect(h.state() == .cancelled)
            #expect(TaskBook.isLegal(from: s, to: .cancelled))
        }

        h = start
        let (outcome, _) = h.send(event(.running))
        switch s {
        case .scheduled, .starting: #expect(outcome == .applied && h.state() == .running)
        case .running: #expect(outcome == .ignored(.duplicate))
        case .queued: #expect(outcome == .ignored(.notPlaced))
        case .succeeded, .failed, .cancelled, .expired, .rejected: #expect(outcome == .ignored(.taskEnded))
        case .lost: Issue.record("not reached")
        }
        if outcome != .applied { #expect(h.book["t1"] == start.book["t1"]) }

        h = start
        let placed = h.place("t1", placement(resourceB))
        switch s {
        case .queued: #expect(h.state() == .scheduled && placed.woken == [providerB])
        case .scheduled, .starting, .running: #expect(placed.isEmpty && h.book["t1"] == start.book["t1"])
        case .succeeded, .failed, .cancelled, .expired, .rejected:
            #expect(placed == [.release(task: "t1")] && h.book["t1"] == start.book["t1"])
        case .lost: Issue.record("not reached")
        }

        h = start
        let lost = h.book.resourceLost(resourceA, lastSeen: h.clock.now, reason: "gone", now: h.clock.now)
        if s.holdsUnits {
            #expect(h.state() == .queued && h.book["t1"]!.runtime.attempt == 2 && lost.has(.requeue(task: "t1")))
        } else {
            #expect(lost.isEmpty && h.book["t1"] == start.book["t1"])
        }
    }

    // MARK: Submission and drains

    @Test func submissionPlacedNowAssignsAndWakes() {
        var h = Harness()
        let actions = h.submit(.scheduled(placement(resourceA)))
        #expect(h.state() == .scheduled)
        #expect(h.book["t1"]!.events.map(\.state) == [.queued, .scheduled])
        #expect(actions.has(.persist(task: "t1")) && actions.woken == [providerA])
        let work = h.book.work(for: providerA, running: [])
        #expect(work.assignments.map(\.ref) == [AttemptRef(task: "t1", attempt: 1, resource: resourceA)])
        #expect(h.book.work(for: providerB, running: []).assignments.isEmpty)
    }

    @Test func impossibleSubmissionLeavesNoTask() {
        var h = Harness()
        let explanation = Explanation(verdict: .impossible, resources: 0, steps: [], message: "no")
        #expect(h.submit(.impossible(explanation)).isEmpty)
        #expect(h.book["t1"] == nil && h.book.order.isEmpty)
    }

    @Test func queuedTasksArePlacedOrExpiredByDrains() {
        var h = Harness()
        #expect(h.submit("t1", .queued(position: 1)) == [.persist(task: "t1")])
        h.submit("t2", .queued(position: 2))
        h.clock.advance(5)
        let placed = h.place("t1", placement(resourceB))
        #expect(h.state("t1") == .scheduled && h.book["t1"]!.events.last?.message == "capacity appeared")
        #expect(placed.woken == [providerB] && placed.has(.persist(task: "t1")))
        let expired = h.book.apply(
            DrainResult(scheduled: [], expired: ["t2"], greedyCost: 0, optimisedCost: 0), now: h.clock.now, owner: owner)
        #expect(h.state("t2") == .expired && expired == [.persist(task: "t2")])
        // Placing a task that is already placed is no new attempt; placing one that ended frees the units again.
        #expect(h.place("t1", placement(resourceA)).isEmpty)
        #expect(h.book["t1"]!.placement == placement(resourceB))
        #expect(h.place("t2", placement(resourceA)) == [.release(task: "t2")])
        #expect(h.state("t2") == .expired)
    }

    // MARK: Agent events

    @Test func aRunIsMeteredFromRunningToItsEnd() {
        var h = Harness()
        h.submit(.scheduled(placement(resourceA)))
        let t0 = h.clock.now
        h.clock.advance(1)
        #expect(h.send(event(.starting)).0 == .applied)
        #expect(h.state() == .starting)
        #expect(h.book.work(for: providerA, running: []).assignments.isEmpty, "not sent again once starting")
        h.clock.advance(1)
        let (ran, running) = h.send(event(.running))
        #expect(ran == .applied && h.state() == .running && running.has(.markRunning(task: "t1")))
        h.clock.advance(10)
        let (done, ended) = h.send(event(.succeeded, exitCode: 0))
        #expect(done == .applied && h.state() == .succeeded)
        #expect(ended.has(.release(task: "t1")) && ended.woken == [providerA])
        #expect(ended.metered.count == 1)
        let usage = ended.metered[0]
        #expect(usage.start == t0.addingTimeInterval(2) && usage.end == t0.addingTimeInterval(12))
        #expect(usage.amountFen == 10 && usage.provider == "86.1.1" && usage.consumer == "c1" && usage.attempt == 1)
        #expect(h.book["t1"]!.runtime.usage == [usage])
        #expect(h.book.assigned[providerA] == nil && h.book.onResource[resourceA] == nil)
        #expect(h.book["t1"]!.events.map(\.state) == [.queued, .scheduled, .starting, .running, .succeeded])
    }

    @Test func meteringUsesTheAgentClockWhenEventsArriveLate() {
        // Defect 6: a 0.2 s run during a platform outage was billed 0 s (both events arrived together).
        var h = Harness()
        h.submit(.scheduled(placement(resourceA)))
        let t0 = h.clock.now
        let skew = 100.0  // the agent's clock is 100 s ahead
        let agent = { (seconds: Double) in t0.addingTimeInterval(skew + seconds) }
        h.clock.advance(30)  // the batch arrives 30 s after it all happened
        let sentAt = agent(29.9)
        #expect(h.send(event(.running, at: agent(1)), sentAt: sentAt).0 == .applied)
        let (_, actions) = h.send(event(.succeeded, at: agent(1.2), exitCode: 0), sentAt: sentAt)
        let usage = actions.metered[0]
        #expect(abs(usage.start.timeIntervalSince(t0) - 1.1) < 1e-6)
        #expect(abs(usage.end.timeIntervalSince(usage.start) - 0.2) < 1e-6)
        #expect(usage.unitSeconds == 0.2)
    }

    @Test func agentTimesAreClampedToWhatThePlatformSaw() {
        let assigned = Date(timeIntervalSince1970: 1000)
        let now = Date(timeIntervalSince1970: 2000)
        func time(_ at: Double?, sent: Double?) -> Double {
            EventClock.platformTime(
                agentTime: at.map { Date(timeIntervalSince1970: $0) }, sentAt: sent.map { Date(timeIntervalSince1970: $0) },
                receivedAt: now, notBefore: assigned
            ).timeIntervalSince1970
        }
        #expect(time(nil, sent: nil) == 2000, "no reading: arrival time")
        #expect(time(1500, sent: nil) == 1500, "no batch time: the reading as is")
        #expect(time(1500, sent: 1900) == 1600, "offset by now − sent_at")
        #expect(time(5000, sent: nil) == 2000, "never in the future")
        #expect(time(10, sent: nil) == 1000, "never before the attempt was placed")
        #expect(time(.infinity, sent: nil) == 2000)
        // End never before start: an end reading earlier than the start meters zero.
        var h = Harness()
        h.submit(.scheduled(placement(resourceA)))
        let t0 = h.clock.now
        h.clock.advance(10)
        h.send(event(.running, at: t0.addingTimeInterval(8)))
        let (_, actions) = h.send(event(.succeeded, at: t0.addingTimeInterval(3), exitCode: 0))
        #expect(actions.metered[0].start == t0.addingTimeInterval(8) && actions.metered[0].end == t0.addingTimeInterval(8))
    }

    @Test func duplicateAndLateEventsChangeNothing() {
        var h = Harness()
        h.submit(.scheduled(placement(resourceA, resourceB)), spec: spec(gang: false))
        #expect(h.send(event(.starting)).0 == .applied)
        let before = h.book
        #expect(h.send(event(.starting)) == (.ignored(.duplicate), []), "a second starting")
        #expect(h.book["t1"] == before["t1"])
        #expect(h.send(event(.running)).0 == .applied)
        #expect(h.state() == .starting, "one of two parts runs")
        #expect(h.send(event(.running)) == (.ignored(.duplicate), []))
        #expect(h.send(event(.starting)) == (.ignored(.late), []), "starting after running")
        #expect(h.send(event(.succeeded, exitCode: 0)).0 == .applied)
        #expect(h.state() == .starting, "part B has not finished")
        let ended = h.book
        #expect(h.send(event(.succeeded, exitCode: 0)) == (.ignored(.duplicate), []))
        #expect(h.send(event(.running)) == (.ignored(.late), []))
        #expect(h.send(event(.failed, exitCode: 1)) == (.ignored(.late), []))
        #expect(h.book["t1"] == ended["t1"] && h.book["t1"]!.runtime.usage.count == 1)
        // Part B runs: all parts have run or ended, so the task runs.
        let (_, actions) = h.send(event(.running, on: resourceB), from: providerB)
        #expect(h.state() == .running && actions.has(.markRunning(task: "t1")))
        let (_, last) = h.send(event(.succeeded, on: resourceB, exitCode: 0), from: providerB)
        #expect(h.state() == .succeeded && last.has(.release(task: "t1")) && last.woken == [providerA, providerB])
        #expect(h.send(event(.succeeded, on: resourceB, exitCode: 0), from: providerB) == (.ignored(.taskEnded), []))
    }

    @Test func eventsThatAreNotTheProvidersAreIgnored() {
        var h = Harness()
        h.submit("t1", .scheduled(placement(resourceA)))
        h.submit("t2", .queued(position: 1))
        #expect(h.send(event(.running, "nope")) == (.ignored(.unknownTask), []))
        #expect(h.send(event(.running), from: providerB) == (.ignored(.notYourResource), []))
        #expect(h.send(event(.running, on: "86.1.1/other")) == (.ignored(.notAPart), []))
        #expect(h.send(event(.running, attempt: 2)) == (.ignored(.otherAttempt), []))
        #expect(h.send(event(.running, "t2")) == (.ignored(.notPlaced), []))
        #expect(h.state("t1") == .scheduled && h.state("t2") == .queued)
    }

    @Test func aFailedPartFailsTheTaskAndStopsTheOthers() {
        var h = Harness()
        h.submit(.scheduled(placement(resourceA, resourceB)), spec: spec(gang: false))
        h.send(event(.running))
        h.send(event(.running, on: resourceB), from: providerB)
        h.clock.advance(4)
        let (_, actions) = h.send(event(.failed, exitCode: 3))
        #expect(h.state() == .failed && h.book["t1"]!.events.last?.message == "exit code 3")
        #expect(actions.metered.map(\.resource) == [resourceA, resourceB], "the other part is metered to the same end")
        #expect(actions.metered.allSatisfy { $0.unitSeconds == 4 })
        #expect(actions.has(.release(task: "t1")) && actions.woken == [providerA, providerB])
        let refB = AttemptRef(task: "t1", attempt: 1, resource: resourceB)
        #expect(h.book.work(for: providerB, running: [refB]).cancellations == [refB])
    }

    // MARK: Work (defect 2)

    @Test func workNeverResendsAPartTheAgentListsAsRunning() {
        var h = Harness()
        h.submit(.scheduled(placement(resourceA)))
        let ref = AttemptRef(task: "t1", attempt: 1, resource: resourceA)
        #expect(h.book.work(for: providerA, running: []).assignments.map(\.ref) == [ref], "sent until acknowledged")
        #expect(h.book.work(for: providerA, running: []).assignments.map(\.ref) == [ref])
        // The agent accepted it (and may even have finished it) before its events arrived.
        let listed = h.book.work(for: providerA, running: [ref])
        #expect(listed.assignments.isEmpty && listed.cancellations.isEmpty)
        h.send(event(.running))
        h.send(event(.succeeded, exitCode: 0))
        // Listed after it ended (the acknowledgement is on its way): stop it, never start it again.
        let after = h.book.work(for: providerA, running: [ref])
        #expect(after.assignments.isEmpty && after.cancellations == [ref])
        #expect(h.book.work(for: providerA, running: []) == WorkResponse())
    }

    // MARK: Loss and migration

    @Test func aLostAttemptMovesToAnotherProviderAsAttemptTwo() {
        var h = Harness()
        h.submit(.scheduled(placement(resourceA)))
        let t0 = h.clock.now
        h.clock.advance(1)
        h.send(event(.running))
        h.clock.advance(30)
        let lost = h.book.resourceLost(resourceA, lastSeen: t0.addingTimeInterval(6), reason: "gone", now: h.clock.now)
        #expect(h.state() == .queued && h.book["t1"]!.runtime.attempt == 2)
        #expect(h.book["t1"]!.events.suffix(2).map(\.state) == [.lost, .queued])
        #expect(lost.metered.map(\.unitSeconds) == [5], "metered to the last heartbeat")
        #expect(lost.has(.requeue(task: "t1")) && lost.woken == [providerA] && lost.has(.persist(task: "t1")))
        #expect(h.book.assigned[providerA] == nil)
        let moved = h.place("t1", placement(resourceB))
        #expect(h.state() == .scheduled && h.book["t1"]!.events.last?.message == "attempt 2 placed" && moved.woken == [providerB])
        // The old copy reports late: ignored, and told to stop.
        #expect(h.send(event(.succeeded, exitCode: 0)) == (.ignored(.otherAttempt), []))
        let old = AttemptRef(task: "t1", attempt: 1, resource: resourceA)
        #expect(h.book.work(for: providerA, running: [old]).cancellations == [old])
        #expect(h.book.work(for: providerB, running: []).assignments.map(\.attempt) == [2])
        #expect(h.send(event(.running, attempt: 2, on: resourceB), from: providerB).0 == .applied)
        // Logs: only for attempts that ran (or run) on the provider's resources.
        #expect(h.book.logPermission(task: "t1", attempt: 1, provider: providerA) == .allowed)
        #expect(h.book.logPermission(task: "t1", attempt: 2, provider: providerA) == .notYours)
        #expect(h.book.logPermission(task: "t1", attempt: 2, provider: providerB) == .allowed)
        #expect(h.book.logPermission(task: "t1", attempt: 1, provider: providerB) == .notYours)
        #expect(h.book.logPermission(task: "t1", attempt: 999, provider: providerB) == .notYours)
        #expect(h.book.logPermission(task: "t9", attempt: 1, provider: providerB) == .unknownTask)
    }

    @Test func spentRetriesFailTheTask() {
        var h = Harness()
        h.submit(.scheduled(placement(resourceA)), spec: spec(maxRetries: 1))
        _ = h.book.resourceLost(resourceA, lastSeen: h.clock.now, reason: "gone", now: h.clock.now)
        #expect(h.state() == .queued)
        h.place("t1", placement(resourceB))
        let actions = h.book.providerLost(providerB, lastSeen: h.clock.now, reason: "gone", now: h.clock.now)
        #expect(h.state() == .failed && h.book["t1"]!.events.last?.message == "lost 2 times; retries spent")
        #expect(actions.has(.release(task: "t1")) && !actions.has(.requeue(task: "t1")))
        #expect(h.book["t1"]!.placement == nil)
        #expect(h.book.resourceLost(resourceB, lastSeen: h.clock.now, reason: "again", now: h.clock.now).isEmpty)
    }

    @Test func losingAResourceWithoutWorkChangesNothing() {
        var h = Harness()
        h.submit("t1", .queued(position: 1))
        #expect(h.book.resourceLost(resourceA, lastSeen: h.clock.now, reason: "gone", now: h.clock.now).isEmpty)
        #expect(h.state() == .queued)
    }

    // MARK: Cancellation

    @Test func cancellingWhileStartingOrRunningMetersAndReleases() throws {
        var h = Harness()
        h.submit("t1", .scheduled(placement(resourceA)))
        h.submit("t2", .scheduled(placement(resourceB)))
        h.submit("t3", .queued(position: 1))
        h.send(event(.starting))
        h.send(event(.running, "t2", on: resourceB), from: providerB)
        h.clock.advance(7)
        let starting = try h.book.cancel("t1", by: "c1", now: h.clock.now).get()
        #expect(h.state("t1") == .cancelled && h.book["t1"]!.events.last?.message == "cancelled by c1")
        #expect(starting.metered.map(\.unitSeconds) == [7], "held since starting")
        #expect(starting.has(.release(task: "t1")) && starting.woken == [providerA])
        let running = try h.book.cancel("t2", by: "the operator", now: h.clock.now).get()
        #expect(h.state("t2") == .cancelled && running.metered.map(\.unitSeconds) == [7])
        let queued = try h.book.cancel("t3", by: "c1", now: h.clock.now).get()
        #expect(h.state("t3") == .cancelled && queued.metered.isEmpty && queued.woken.isEmpty && queued.has(.release(task: "t3")))
        #expect(h.book.cancel("t1", by: "c1", now: h.clock.now) == .failure(.alreadyFinal(.cancelled)))
        #expect(h.book.cancel("t9", by: "c1", now: h.clock.now) == .failure(.unknownTask))
        // A late event of a cancelled task changes nothing.
        #expect(h.send(event(.running)) == (.ignored(.taskEnded), []))
        let ref = AttemptRef(task: "t1", attempt: 1, resource: resourceA)
        #expect(h.book.work(for: providerA, running: [ref]).cancellations == [ref])
    }

    // MARK: Restart recovery

    @Test func restartRecoveryRebuildsTheBookFromStoredRecords() throws {
        var h = Harness()
        h.submit("t1", .scheduled(placement(resourceA)))  // scheduled, not acknowledged
        h.submit("t2", .scheduled(placement(resourceB)))  // running
        h.submit("t3", .queued(position: 1))
        h.submit("t4", .scheduled(placement(resourceA)))  // succeeded
        h.send(event(.running, "t2", on: resourceB), from: providerB)
        h.send(event(.running, "t4"))
        h.clock.advance(3)
        h.send(event(.succeeded, "t4", exitCode: 0))
        let lost = TaskEntry(
            id: "t5", seq: 5, consumer: "c1", spec: spec(), state: .lost, placement: nil,
            events: [TaskEvent(state: .lost, at: h.clock.now)], createdAt: h.clock.now, updatedAt: h.clock.now)
        let stored = h.book.order.map { h.book[$0]!.stored() } + [lost.stored()]

        var restored = TaskBook()
        let entries = try stored.map { record throws(UndecodableTask) in try TaskEntry.decode(record) }
        h.clock.advance(60)
        let actions = restored.restore(entries, now: h.clock.now, owner: owner)
        #expect(
            actions == [
                .restorePlacement(task: "t1"), .restorePlacement(task: "t2"), .enqueue(task: "t3"), .enqueue(task: "t5"),
                .persist(task: "t5"),
            ])
        #expect(restored.order == ["t1", "t2", "t3", "t4", "t5"])
        for id in ["t1", "t2", "t3", "t4"] { #expect(restored[id] == h.book[id], "\(id) round-trips") }
        #expect(restored["t5"]!.state == .queued && restored["t5"]!.events.last?.message == "queued again after a restart")
        #expect(restored.assigned[providerA] == ["t1"] && restored.assigned[providerB] == ["t2"])
        #expect(restored.work(for: providerA, running: []).assignments.map(\.task) == ["t1"])
        // The running task carries on: its end is metered from its recorded start.
        let (outcome, ended) = restored.apply(event(.succeeded, "t2", on: resourceB, exitCode: 0), from: providerB, sentAt: nil, now: h.clock.now)
        #expect(outcome == .applied && restored["t2"]!.state == .succeeded && ended.metered.map(\.unitSeconds) == [63])
        #expect(restored.logPermission(task: "t4", attempt: 1, provider: providerA) == .allowed)

        var broken = stored[0]
        broken.runtimeJSON = "{\"attempt\":\"one\"}"
        #expect(throws: UndecodableTask.self) { try TaskEntry.decode(broken) }
        do {
            _ = try TaskEntry.decode(broken)
        } catch {
            #expect(error.id == "t1" && error.description.contains("runtime"))
        }
    }

    /// The stored placement and history are kept encoded as they change; at every step they must
    /// decode to what the task holds, also after a restore and an amended event.
    @Test func theStoredRecordMatchesTheTaskAtEveryStep() throws {
        func check(_ task: TaskEntry, _ step: String) throws {
            let stored = task.stored()
            let decoder = SuanliJSON.decoder()
            #expect(try decoder.decode([TaskEvent].self, from: Data(stored.eventsJSON.utf8)) == task.events, "\(step): events")
            #expect(try stored.placementJSON.map { try decoder.decode(Placement.self, from: Data($0.utf8)) } == task.placement, "\(step): placement")
            let decoded = try TaskEntry.decode(stored)
            #expect(decoded.events == task.events && decoded.placement == task.placement && decoded.state == task.state, "\(step)")
        }
        var h = Harness()
        h.submit("t1", .scheduled(placement(resourceA)), spec: spec(maxRetries: 2))
        try check(h.book["t1"]!, "submitted")
        h.book.notePreemption(of: ["t9"], by: "t1")
        #expect(h.book["t1"]!.events.last?.message == "placed (preempting t9)")
        try check(h.book["t1"]!, "amended")
        h.send(event(.starting))
        h.send(event(.running))
        try check(h.book["t1"]!, "running")
        h.clock.advance(30)
        _ = h.book.providerLost(providerA, lastSeen: h.clock.now, reason: "silent", now: h.clock.now)
        #expect(h.state() == .queued && h.book["t1"]!.placement == nil)
        try check(h.book["t1"]!, "lost and queued again")
        // A restored entry carries the stored text on, and extends it.
        var restored = TaskBook()
        _ = restored.restore([try TaskEntry.decode(h.book["t1"]!.stored())], now: h.clock.now, owner: owner)
        try check(restored["t1"]!, "restored")
        _ = restored.apply(
            DrainResult(
                scheduled: [ScheduledTask(id: "t1", placement: placement(resourceB))], expired: [], greedyCost: 0, optimisedCost: 0),
            now: h.clock.now, owner: owner)
        #expect(restored["t1"]!.placement?.parts.map(\.resource) == [resourceB] && restored["t1"]!.events.last?.state == .scheduled)
        try check(restored["t1"]!, "placed again after the restore")
    }

    // MARK: Usage ledger

    @Test func theLedgerAnswersFromTheCallersRecords() {
        var ledger = UsageLedger()
        let base = Date(timeIntervalSince1970: 1000)
        func record(_ consumer: String, _ provider: String, _ start: Double, _ end: Double) -> UsageRecord {
            UsageRecord(
                task: "t", attempt: 1, consumer: consumer, provider: provider, resource: "\(provider)/r", units: 1,
                start: base.addingTimeInterval(start), end: base.addingTimeInterval(end), priceFenPerUnitHour: 3600)
        }
        ledger.append(record("c1", "86.1.1", 0, 10))
        ledger.append(record("c2", "86.1.1", 5, 15))
        ledger.append(record("c1", "86.1.2", 20, 30))
        #expect(ledger.query(consumer: "c1", provider: nil, from: nil, to: nil).map(\.provider) == ["86.1.1", "86.1.2"])
        #expect(ledger.query(consumer: nil, provider: "86.1.1", from: nil, to: nil).map(\.consumer) == ["c1", "c2"])
        #expect(ledger.query(consumer: "c1", provider: "86.1.2", from: nil, to: nil).count == 1)
        #expect(ledger.query(consumer: "c3", provider: nil, from: nil, to: nil).isEmpty)
        #expect(ledger.query(consumer: nil, provider: nil, from: base.addingTimeInterval(12), to: nil).count == 2)
        #expect(ledger.query(consumer: nil, provider: nil, from: nil, to: base.addingTimeInterval(5)).count == 1)
        #expect(ledger.records.count == 3)
    }
}
