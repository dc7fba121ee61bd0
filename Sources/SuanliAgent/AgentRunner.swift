import Foundation
import Logging
import ServiceLifecycle
import SuanliClient
import SuanliCore
import Synchronization

/// The provider agent: registers the provider's resources, reports their live state on an
/// interval, long-polls the platform for work, runs it with an ``Executor``, reports every
/// transition and ships output. Survives platform restarts and network errors: every loop
/// retries with backoff, and undelivered events are kept and sent again.
///
/// The platform owns the lease: every work response carries its heartbeat interval, the time
/// after which it re-places a silent provider's work (`lease_s`), and the earlier time after
/// which the agent must stop that work itself (`fence_after_s`). The agent heartbeats at the
/// platform's interval and, counting from the *send* time of its last acknowledged heartbeat,
/// kills its work (no grace period) once `fence_after_s` has passed — whatever its own flags
/// say — so a task that the platform moves elsewhere never runs twice at once.
///
/// Delivery is idempotent both ways: events carry a local sequence number and leave the
/// outbox only once acknowledged (one flush at a time); a part is listed in every work poll
/// from acceptance until its final event is acknowledged, and a part that ended here is never
/// started again, even if an assignment for it arrives late.
///
/// On graceful shutdown the agent stops its running work (SIGTERM, SIGKILL after at most one
/// second): only a live agent can honour the lease, so work does not outlive it. After a crash
/// (`kill -9`) local jobs die with the agent (``ProcessExecutor``'s lifeline); a restarted
/// agent recovers the jobs its executor recorded — Slurm's survive — and the platform says
/// which to keep; one that ended unseen is not reported, so the platform re-places it as lost.
public final class AgentRunner: Service, Sendable {
    /// How the agent runs.
    public struct Configuration: Sendable {
        /// Seconds between heartbeats (the platform's `--heartbeat-interval`).
        public var heartbeatInterval: Double
        /// Seconds a work poll may wait on the platform.
        public var pollWait: Double
        /// Work directory layout.
        public var layout: WorkLayout
        /// Seconds between log shipments for running work.
        public var logInterval: Double

        /// Creates a configuration.
        public init(heartbeatInterval: Double = 10, pollWait: Double = 20, workDirectory: String, logInterval: Double = 1) {
            self.heartbeatInterval = heartbeatInterval
            self.pollWait = pollWait
            self.layout = WorkLayout(root: workDirectory)
            self.logInterval = logInterval
        }
    }

    struct Running: Sendable {
        var assignment: Assignment
        var job: RunningJob?
        var devices: [Int]?
        var shipped: [String: UInt64] = [:]
        var cancelled = false
    }

    struct State: Sendable {
        var prefix: Prefix?
        var running: [AttemptRef: Running] = [:]
        var pools: [String: DevicePool] = [:]
        /// Events not yet acknowledged, in order, with their local sequence numbers.
        var outbox: [(seq: UInt64, event: AttemptEvent)] = []
        var nextSeq: UInt64 = 1
        /// Whether a flush is in progress (there is at most one).
        var flushing = false
        /// Parts that ended here (bounded, oldest first): never started again.
        var ended = Set<AttemptRef>()
        var endedOrder: [AttemptRef] = []
        /// When the last acknowledged heartbeat was sent (monotonic).
        var lastContact = ContinuousClock.now
        /// The platform's lease, once a work response has carried it.
        var lease: Lease?
        var registered = false

        /// Every part the platform must not assign again: running, or with events not yet acknowledged.
        var listed: [AttemptRef] {
            var refs = Set(running.keys)
            for item in outbox { refs.insert(item.event.ref) }
            return Array(refs)
        }

        mutating func markEnded(_ ref: AttemptRef, keep: Int = 65_536) {
            guard ended.insert(ref).inserted else { return }
            endedOrder.append(ref)
            if endedOrder.count > keep + keep / 4 {
                for old in endedOrder.prefix(endedOrder.count - keep) { ended.remove(old) }
                endedOrder.removeFirst(endedOrder.count - keep)
            }
        }
    }

    let client: SuanliClient
    let executor: any Executor
    let resources: [AgentResource]
    let configuration: Configuration
    let logger: Logger
    let state = Mutex(State())
    /// Work for ``startLoop()``: new assignments to start, or jobs of an earlier run to follow.
    enum Start: Sendable {
        case start(Assignment)
        case follow(RunningJob, AttemptRef)
        case stop(RunningJob)
    }

    private let (starts, startQueue) = AsyncStream.makeStream(of: Start.self)
    /// Wakes ``flushLoop()``: events are waiting in the outbox.
    private let (flushes, flushQueue) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    /// Creates an agent for the provider whose token `client` carries.
    public init(
        client: SuanliClient, executor: any Executor, resources: [AgentResource], configuration: Configuration,
        logger: Logger = Logger(label: "suanli.agent")
    ) {
        self.client = client
        self.executor = executor
        self.resources = resources
        self.configuration = configuration
        self.logger = logger
    }

    /// The identifiers this agent registers (known once it has learned its prefix).
    public var resourceIDs: [String] {
        guard let prefix = state.withLock({ $0.prefix }) else { return [] }
        return resources.map { "\(prefix)/\($0.suffix)" }
    }

    /// Whether the agent has registered its resources.
    public var isRegistered: Bool { state.withLock { $0.registered } }

    public func run() async throws {
        // Registration (many calls for a large inventory) ends at once on graceful shutdown.
        do {
            try await cancelWhenGracefulShutdown { try await self.register() }
        } catch is CancellationError where Task.isShuttingDownGracefully {
            return
        }
        if Task.isShuttingDownGracefully { return }
        await recover()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.heartbeatLoop() }
            group.addTask { await self.fenceLoop() }
            group.addTask { await self.workLoop() }
            group.addTask { await self.startLoop() }
            group.addTask { await self.logLoop() }
            group.addTask { await self.flushLoop() }
            await withGracefulShutdownHandler {
                await group.next()
            } onGracefulShutdown: {
                self.startQueue.finish()
            }
            // Stopping: work does not outlive the agent that fences it; what ended is reported
            // if the platform answers within half a second (otherwise the lease re-places it).
            await stopAll(grace: .seconds(1), reason: "the agent is stopping")
            group.cancelAll()
            try? await withTimeout(.milliseconds(500)) { await self.flushEvents() }
        }
    }

    /// The heartbeat interval in force: the platform's, once known.
    var heartbeatInterval: Double {
        state.withLock { $0.lease?.heartbeatIntervalS } ?? configuration.heartbeatInterval
    }

    /// Seconds without an acknowledged heartbeat after which work is stopped.
    var fenceAfter: Double {
        state.withLock { $0.lease?.fenceAfterS } ?? 2 * configuration.heartbeatInterval
    }

    // MARK: Registration

    /// Learns the prefix and registers every resource, retrying until it works or the agent stops.
    func register() async throws {
        var backoff = Backoff()
        while true {
            try Task.checkCancellation()
            if Task.isShuttingDownGracefully { throw CancellationError() }
            do {
                let me = try await client.whoami()
                guard me.kind == "provider", let id = me.id, let prefix = try? Prefix(parsing: id) else {
                    throw ClientError(status: 401, code: "unauthorized", message: "the agent's token is not a provider token")
                }
                for resource in resources {
                    _ = try await client.putResource("\(prefix)/\(resource.suffix)", resource.spec)
                }
                state.withLock { state in
                    state.prefix = prefix
                    state.registered = true
                    state.lastContact = ContinuousClock.now
                    for resource in resources {
                        state.pools["\(prefix)/\(resource.suffix)"] = DevicePool(resource.devices ?? [])
                    }
                }
                logger.info("registered", metadata: ["prefix": "\(prefix)", "resources": "\(resources.count)"])
                return
            } catch let error as ClientError where error.status == 401 || error.status == 403 || error.status == 422 {
                logger.error("registration refused", metadata: ["error": "\(error.message)"])
                throw error
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { throw CancellationError() }
                logger.warning("cannot register yet; retrying", metadata: ["error": "\(error)"])
                await backoff.sleep(after: error)
            }
        }
    }

    // MARK: Heartbeats

    func heartbeatLoop() async {
        let clock = ContinuousClock()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let sent = clock.now
            let interval = heartbeatInterval
            do {
                // A heartbeat that takes longer than an interval is abandoned: the next one goes out on time.
                try await withTimeout(.seconds(interval)) { _ = try await self.client.report(self.heartbeat()) }
                state.withLock { $0.lastContact = max($0.lastContact, sent) }
                requestFlush()
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
            }
            // Sleep until the next heartbeat is due, re-reading the interval (the platform's lease
            // may arrive or change meanwhile).
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let due = sent + .seconds(heartbeatInterval)
                if clock.now >= due { break }
                let slice = min(due - clock.now, .milliseconds(250))
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: slice) }
            }
        }
    }

    /// Checks the lease often enough that work stops well before the platform re-places it.
    func fenceLoop() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await fenceIfCutOff()
            let pause = max(0.005, min(0.05, fenceAfter / 40))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(pause)) }
        }
    }

    /// One report per resource: units not used by running work are free.
    func heartbeat() -> [TelemetryReport] {
        state.withLock { state in
            guard let prefix = state.prefix else { return [] }
            var used: [String: Int] = [:]
            for (ref, running) in state.running where !running.cancelled { used[ref.resource, default: 0] += running.assignment.units }
            return resources.map { resource in
                let id = "\(prefix)/\(resource.suffix)"
                let units = resource.spec.units
                let busy = min(units, used[id] ?? 0)
                return TelemetryReport(
                    id: id, freeUnits: units - busy, healthy: true, utilization: Double(busy) / Double(max(1, units)))
            }
        }
    }

    /// Stops all work at once when no heartbeat has been acknowledged for `fence_after_s`.
    func fenceIfCutOff() async {
        let fence = fenceAfter
        let cutOff = state.withLock { ContinuousClock.now - $0.lastContact > .seconds(fence) }
        guard cutOff else { return }
        await stopAll(grace: .zero, reason: "no heartbeat acknowledged for \(fence) s (the platform's fence)")
    }

    /// Stops every running part: SIGTERM, then SIGKILL after `grace` (at once for zero).
    /// Stopped parts are not reported; the platform re-places them when the lease runs out.
    func stopAll(grace: Duration, reason: String) async {
        let jobs: [RunningJob] = state.withLock { state in
            var jobs: [RunningJob] = []
            for key in state.running.keys where !state.running[key]!.cancelled {
                state.running[key]!.cancelled = true
                if let job = state.running[key]!.job { jobs.append(job) }
            }
            return jobs
        }
        guard !jobs.isEmpty else { return }
        logger.warning("stopping all work", metadata: ["parts": "\(jobs.count)", "reason": "\(reason)"])
        await withTaskGroup(of: Void.self) { group in
            for job in jobs { group.addTask { await self.stop(job, grace: grace) } }
        }
    }

    /// Cancels a job; past `grace` the cancel is itself cancelled, which kills the job (SIGKILL).
    func stop(_ job: RunningJob, grace: Duration) async {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try? await self.executor.cancel(job)
                return true
            }
            if grace > .zero {
                group.addTask {
                    try? await Task.sleep(for: grace)
                    return false
                }
            } else {
                group.cancelAll()
            }
            _ = await group.next()
            group.cancelAll()
        }
    }

    // MARK: Work

    func workLoop() async {
        var backoff = Backoff()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let running = state.withLock { $0.listed }
            do {
                let response = try await cancelWhenGracefulShutdown {
                    try await self.client.work(running: running, waitS: self.configuration.pollWait)
                }
                if let lease = response.lease { state.withLock { $0.lease = lease } }
                backoff.reset()
                for assignment in response.assignments { accept(assignment) }
                for ref in response.cancellations { await stop(ref) }
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                logger.warning("work poll failed; retrying", metadata: ["error": "\(error)"])
                await backoff.sleep(after: error)
            }
        }
    }

    /// Records a new assignment and queues it for starting; ignores parts that run here, have
    /// unacknowledged events, or already ended here (a late or repeated assignment).
    func accept(_ assignment: Assignment) {
        let isNew: Bool = state.withLock { state in
            let ref = assignment.ref
            guard state.running[ref] == nil, !state.ended.contains(ref), !state.outbox.contains(where: { $0.event.ref == ref })
            else { return false }
            state.running[assignment.ref] = Running(assignment: assignment)
            return true
        }
        if isNew { startQueue.yield(.start(assignment)) }
    }

    /// Takes over jobs an earlier run of this agent started (after a crash or restart); the
    /// next work poll lists them, and the platform says which to stop (those moved elsewhere).
    func recover() async {
        guard let jobs = try? await executor.recover() else { return }
        for job in jobs {
            let ref = AttemptRef(
                task: job.job.taskID, attempt: job.job.attempt, resource: job.job.environment["SUANLI_RESOURCE"] ?? "")
            let assignment = Assignment(
                task: ref.task, attempt: ref.attempt, resource: ref.resource, units: job.job.units, kind: job.job.kind,
                alternative: 0, run: TaskSpec.Run(command: job.job.command, env: job.job.environment), durationS: nil)
            state.withLock { $0.running[ref] = Running(assignment: assignment, job: job) }
            if case .finished(let outcome)? = try? await executor.status(job), outcome.result == .unknown {
                // Ended unseen (it died with the earlier run): ship its output, never list it,
                // so that the first work poll already lets the platform re-place it as lost.
                await shipLogs(ref)
                finish(ref)
                continue
            }
            logger.info("following work from an earlier run", metadata: ["task": "\(ref.task)", "attempt": "\(ref.attempt)"])
            startQueue.yield(.follow(job, ref))
        }
    }

    /// Starts queued assignments, each followed by its own child task until it ends.
    ///
    /// A discarding group: a plain task group keeps every finished child until `next()` takes
    /// it, which this loop never calls, so an agent held one task's memory per job it had ever run
    /// (about 14 KB: `bench soak` found it).
    func startLoop() async {
        await withDiscardingTaskGroup { jobs in
            for await item in starts {
                switch item {
                case .start(let assignment): jobs.addTask { await self.execute(assignment) }
                case .follow(let job, let ref): jobs.addTask { await self.follow(job, ref: ref) }
                case .stop(let job): jobs.addTask { _ = try? await self.executor.cancel(job) }
                }
            }
            // Shutting down: stop following; ``run()`` stops the jobs themselves.
            jobs.cancelAll()
        }
    }

    func execute(_ assignment: Assignment) async {
        let ref = assignment.ref
        // `starting` goes out with `running` (one call) once the executor has started the job.
        enqueue(AttemptEvent(task: assignment.task, attempt: assignment.attempt, resource: assignment.resource, phase: .starting))
        await waitForRoom(assignment)  // a preempted job on these units may still be in its notice
        let devices: [Int]? = state.withLock { state in
            guard var pool = state.pools[assignment.resource], !pool.all.isEmpty else { return nil }
            let taken = pool.allocate(assignment.units)
            state.pools[assignment.resource] = pool
            state.running[ref]?.devices = taken
            return taken
        }
        // A split task may have several parts of one attempt here: each gets its own key and directory.
        let shared = state.withLock { state in
            state.running.keys.contains { $0.task == ref.task && $0.attempt == ref.attempt && $0.resource != ref.resource }
        }
        let job = configuration.layout.job(
            taskID: assignment.task, attempt: assignment.attempt, command: assignment.run.command,
            environment: assignment.run.env.merging(["SUANLI_RESOURCE": assignment.resource]) { _, new in new },
            kind: assignment.kind, units: assignment.units,
            devices: assignment.kind == .cpu ? nil : devices, cpus: assignment.kind == .cpu ? devices : nil,
            part: shared ? assignment.resource : nil)
        let started: RunningJob
        do {
            started = try await executor.start(job)
        } catch {
            // Queue the final event before forgetting the part, so that it stays listed in polls.
            enqueue(
                AttemptEvent(
                    task: assignment.task, attempt: assignment.attempt, resource: assignment.resource, phase: .failed,
                    message: "could not start: \(error)"))
            finish(ref)
            return
        }
        let cancelledMeanwhile: Bool = state.withLock { state in
            state.running[ref]?.job = started
            return state.running[ref]?.cancelled ?? true
        }
        if cancelledMeanwhile { _ = try? await executor.cancel(started) }
        enqueue(
            AttemptEvent(
                task: assignment.task, attempt: assignment.attempt, resource: assignment.resource, phase: .running,
                at: started.startedAt))
        await follow(started, ref: ref)
    }

    /// Waits for a started job to end, ships its last output and reports how it ended.
    func follow(_ started: RunningJob, ref: AttemptRef) async {
        let outcome: JobOutcome
        do {
            outcome = try await executor.wait(started)
        } catch {
            return  // the agent is stopping; the job stays with the executor
        }
        await shipLogs(ref)
        let phase: AttemptEvent.Phase = outcome.result == .succeeded ? .succeeded : .failed
        let event = AttemptEvent(
            task: ref.task, attempt: ref.attempt, resource: ref.resource, phase: phase,
            exitCode: outcome.exitStatus.map { Int($0.shellCode) }, message: outcome.detail, at: outcome.endedAt)
        // Queued before the part is forgotten, so that polls list it throughout. A cancelled part
        // is not reported: the platform already knows, or re-places it by the lease. Nor is one
        // whose outcome is unknown (it ended while no agent watched it, e.g. it died with a killed
        // agent): no longer listed, it is lost, and the platform places it again.
        let report = outcome.result != .unknown && state.withLock { !($0.running[ref]?.cancelled ?? false) }
        if report { enqueue(event) }
        finish(ref)
    }

    /// Stops a part the platform no longer wants here.
    func stop(_ ref: AttemptRef) async {
        let (job, stopping): (RunningJob?, Bool) = state.withLock { state in
            guard state.running[ref] != nil else { return (nil, false) }
            let stopping = state.running[ref]!.cancelled  // listed again by a later poll: one SIGTERM, one notice
            state.running[ref]!.cancelled = true
            return (state.running[ref]!.job, stopping)
        }
        if stopping { return }
        if let job {
            logger.info("stopping work moved away or cancelled", metadata: ["task": "\(ref.task)", "attempt": "\(ref.attempt)"])
            // Stopped alongside the jobs, so that a slow stop never holds up the work loop.
            startQueue.yield(.stop(job))
        } else {
            finish(ref)
        }
    }

    func finish(_ ref: AttemptRef) {
        state.withLock { state in
            state.markEnded(ref)
            if let running = state.running.removeValue(forKey: ref), let devices = running.devices {
                state.pools[ref.resource]?.release(devices)
            }
        }
    }

    // MARK: Events and logs

    /// Queues an event for delivery (stamped with the agent's clock if it has no time yet).
    func enqueue(_ event: AttemptEvent) {
        state.withLock { $0.enqueue(event) }
        requestFlush()
    }

    /// Asks ``flushLoop()`` to deliver the outbox; callers never wait for delivery.
    func requestFlush() { flushQueue.yield() }

    /// Delivers events whenever some are queued, batching across parts: while one call is in
    /// flight, the events of every part that changed meanwhile gather for the next. Retries
    /// undelivered events every 0.2 s until they are acknowledged or the agent stops.
    func flushLoop() async {
        for await _ in flushes {
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            await flushEvents()
            while !Task.isCancelled && !Task.isShuttingDownGracefully && !state.withLock({ $0.outbox.isEmpty }) {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(200)) }
                await flushEvents()
            }
        }
    }

    /// Sends unacknowledged events in order, in batches across parts; an event leaves the
    /// outbox only when the platform acknowledged the batch that carried it. One flush runs at
    /// a time: a caller that finds one running returns, and the running flush picks its events up.
    func flushEvents() async {
        let mine: Bool = state.withLock { state in
            if state.flushing || state.outbox.isEmpty { return false }
            state.flushing = true
            return true
        }
        guard mine else { return }
        while true {
            let batch: [(seq: UInt64, event: AttemptEvent)] = state.withLock { state in
                if state.outbox.isEmpty { state.flushing = false }
                return Array(state.outbox.prefix(Self.maxEventsPerCall))
            }
            guard let last = batch.last?.seq else { return }
            do {
                try await client.report(events: batch.map(\.event), sentAt: Date())
                state.withLock { state in state.outbox.removeAll { $0.seq <= last } }
            } catch {
                state.withLock { $0.flushing = false }
                logger.warning("cannot report events yet", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    /// At most this many events go in one call (the platform accepts 10,000).
    static let maxEventsPerCall = 5_000

    func logLoop() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            for ref in state.withLock({ Array($0.running.keys) }) { await shipLogs(ref) }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(self.configuration.logInterval)) }
        }
    }

    /// Sends whatever the part wrote since the last shipment.
    func shipLogs(_ ref: AttemptRef) async {
        guard let running = state.withLock({ $0.running[ref] }) else { return }
        let job =
            running.job?.job
            ?? configuration.layout.job(taskID: ref.task, attempt: ref.attempt, command: [], kind: running.assignment.kind, units: 1)
        for (stream, path) in [("stdout", job.stdoutPath), ("stderr", job.stderrPath)] {
            let offset = running.shipped[stream] ?? 0
            guard let data = Self.readLog(path, from: offset, upTo: 256 << 10) else { continue }
            do {
                try await client.appendLog(LogChunk(task: ref.task, attempt: ref.attempt, stream: stream, data: String(decoding: data, as: UTF8.self)))
                state.withLock { $0.running[ref]?.shipped[stream] = offset + UInt64(data.count) }
            } catch {
                logger.debug("log shipment failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

extension AgentRunner {
    /// Up to `limit` bytes of the log at `path` from `offset`; `nil` when there are none (or no file).
    ///
    /// One `stat` answers the usual case, a log with nothing new (most jobs write little); only
    /// then is the file opened and read, into a buffer of the size that is there.
    static func readLog(_ path: String, from offset: UInt64, upTo limit: Int) -> [UInt8]? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_size > offset else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let count = Int(min(UInt64(info.st_size) - offset, UInt64(limit)))
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled)) }
            if n > 0 {
                filled += n
            } else if n == 0 || errno != EINTR {
                break
            }
        }
        return filled == count ? bytes : filled > 0 ? Array(bytes[..<filled]) : nil
    }
}

extension AgentRunner.State {
    /// Appends an event to the outbox with the next sequence number and the agent's clock.
    mutating func enqueue(_ event: AttemptEvent) {
        var event = event
        if event.at == nil { event.at = Date() }
        outbox.append((nextSeq, event))
        nextSeq += 1
    }
}

/// Runs `body`, throwing `CancellationError` if it has not finished within `limit`.
func withTimeout(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
            try await body()
            return true
        }
        group.addTask {
            try await Task.sleep(for: limit)
            return false
        }
        let finished = try await group.next() ?? false
        group.cancelAll()
        if !finished { throw CancellationError() }
    }
}

/// Exponential backoff from 0.1 s to 5 s; at least as long as a platform's `Retry-After`
/// (429 rate limited, 503 unavailable).
struct Backoff {
    var delay = 0.1

    mutating func reset() { delay = 0.1 }

    mutating func sleep(after error: (any Error)? = nil) async {
        let asked = (error as? ClientError)?.retryAfter ?? 0
        try? await Task.sleep(for: .milliseconds(Int(max(delay, min(asked, 60)) * 1000)))
        delay = min(5, delay * 2)
    }
}
