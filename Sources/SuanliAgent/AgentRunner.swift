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
/// If the platform cannot be reached for longer than its lease (2.5 heartbeat intervals; the
/// platform gives up on a provider after 3), the agent stops its running work itself, so a
/// task that the platform moves elsewhere never runs twice at once.
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
        var pendingEvents: [AttemptEvent] = []
        var lastContact = Date()
        var registered = false
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
    }

    private let (starts, startQueue) = AsyncStream.makeStream(of: Start.self)

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
        try await register()
        await recover()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.heartbeatLoop() }
            group.addTask { await self.workLoop() }
            group.addTask { await self.startLoop() }
            group.addTask { await self.logLoop() }
            await withGracefulShutdownHandler {
                await group.next()
            } onGracefulShutdown: {
                self.startQueue.finish()
            }
            group.cancelAll()
        }
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
                    state.lastContact = Date()
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
                logger.warning("cannot register yet; retrying", metadata: ["error": "\(error)"])
                await backoff.sleep()
            }
        }
    }

    // MARK: Heartbeats

    func heartbeatLoop() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                _ = try await client.report(heartbeat())
                state.withLock { $0.lastContact = Date() }
                await flushEvents()
            } catch {
                logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
            }
            await fenceIfCutOff()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(self.configuration.heartbeatInterval)) }
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

    /// Stops all work when the platform has been unreachable longer than the lease.
    func fenceIfCutOff() async {
        let lease = configuration.heartbeatInterval * 2.5
        let cut: [RunningJob] = state.withLock { state in
            guard Date().timeIntervalSince(state.lastContact) > lease else { return [] }
            var jobs: [RunningJob] = []
            for key in state.running.keys where !state.running[key]!.cancelled {
                state.running[key]!.cancelled = true
                if let job = state.running[key]!.job { jobs.append(job) }
            }
            return jobs
        }
        for job in cut {
            logger.warning("platform unreachable past the lease; stopping work", metadata: ["task": "\(job.job.taskID)"])
            _ = try? await executor.cancel(job)
        }
    }

    // MARK: Work

    func workLoop() async {
        var backoff = Backoff()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let running = state.withLock { Array($0.running.keys) }
            do {
                let response = try await cancelWhenGracefulShutdown {
                    try await self.client.work(running: running, waitS: self.configuration.pollWait)
                }
                state.withLock { $0.lastContact = Date() }
                backoff.reset()
                for assignment in response.assignments { accept(assignment) }
                for ref in response.cancellations { await stop(ref) }
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                logger.warning("work poll failed; retrying", metadata: ["error": "\(error)"])
                await backoff.sleep()
            }
        }
    }

    /// Records a new assignment (ignoring ones already running) and queues it for starting.
    func accept(_ assignment: Assignment) {
        let isNew: Bool = state.withLock { state in
            guard state.running[assignment.ref] == nil else { return false }
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
            logger.info("following work from an earlier run", metadata: ["task": "\(ref.task)", "attempt": "\(ref.attempt)"])
            startQueue.yield(.follow(job, ref))
        }
    }

    /// Starts queued assignments, each followed by its own child task until it ends.
    func startLoop() async {
        await withTaskGroup(of: Void.self) { jobs in
            for await item in starts {
                switch item {
                case .start(let assignment): jobs.addTask { await self.execute(assignment) }
                case .follow(let job, let ref): jobs.addTask { await self.follow(job, ref: ref) }
                }
            }
            // Shutting down: leave running jobs to the executor's recovery on the next start.
            jobs.cancelAll()
        }
    }

    func execute(_ assignment: Assignment) async {
        let ref = assignment.ref
        // `starting` goes out with `running` (one call) once the executor has started the job.
        state.withLock {
            $0.pendingEvents.append(
                AttemptEvent(task: assignment.task, attempt: assignment.attempt, resource: assignment.resource, phase: .starting))
        }
        let devices: [Int]? = state.withLock { state in
            guard var pool = state.pools[assignment.resource], !pool.all.isEmpty else { return nil }
            let taken = pool.allocate(assignment.units)
            state.pools[assignment.resource] = pool
            state.running[ref]?.devices = taken
            return taken
        }
        let job = configuration.layout.job(
            taskID: assignment.task, attempt: assignment.attempt, command: assignment.run.command,
            environment: assignment.run.env.merging(["SUANLI_RESOURCE": assignment.resource]) { _, new in new },
            kind: assignment.kind, units: assignment.units,
            devices: assignment.kind == .cpu ? nil : devices, cpus: assignment.kind == .cpu ? devices : nil)
        let started: RunningJob
        do {
            started = try await executor.start(job)
        } catch {
            finish(ref)
            await send(
                AttemptEvent(
                    task: assignment.task, attempt: assignment.attempt, resource: assignment.resource, phase: .failed,
                    message: "could not start: \(error)"))
            return
        }
        let cancelledMeanwhile: Bool = state.withLock { state in
            state.running[ref]?.job = started
            return state.running[ref]?.cancelled ?? true
        }
        if cancelledMeanwhile { _ = try? await executor.cancel(started) }
        await send(AttemptEvent(task: assignment.task, attempt: assignment.attempt, resource: assignment.resource, phase: .running))
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
        let wasCancelled = state.withLock { $0.running[ref]?.cancelled ?? false }
        finish(ref)
        guard !wasCancelled else { return }  // the platform already knows
        let phase: AttemptEvent.Phase = outcome.result == .succeeded ? .succeeded : .failed
        await send(
            AttemptEvent(
                task: ref.task, attempt: ref.attempt, resource: ref.resource, phase: phase,
                exitCode: outcome.exitStatus.map { Int($0.shellCode) }, message: outcome.detail))
    }

    /// Stops a part the platform no longer wants here.
    func stop(_ ref: AttemptRef) async {
        let job: RunningJob? = state.withLock { state in
            guard state.running[ref] != nil else { return nil }
            state.running[ref]!.cancelled = true
            return state.running[ref]!.job
        }
        if let job {
            logger.info("stopping work moved away or cancelled", metadata: ["task": "\(ref.task)", "attempt": "\(ref.attempt)"])
            _ = try? await executor.cancel(job)
        } else {
            finish(ref)
        }
    }

    func finish(_ ref: AttemptRef) {
        state.withLock { state in
            if let running = state.running.removeValue(forKey: ref), let devices = running.devices {
                state.pools[ref.resource]?.release(devices)
            }
        }
    }

    // MARK: Events and logs

    func send(_ event: AttemptEvent) async {
        state.withLock { $0.pendingEvents.append(event) }
        await flushEvents()
    }

    /// Sends undelivered events in order; keeps them on failure.
    func flushEvents() async {
        let batch = state.withLock { $0.pendingEvents }
        guard !batch.isEmpty else { return }
        do {
            try await client.report(events: batch)
            state.withLock { $0.pendingEvents.removeFirst(min(batch.count, $0.pendingEvents.count)) }
        } catch {
            logger.warning("cannot report events yet", metadata: ["error": "\(error)"])
        }
    }

    func logLoop() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            for ref in state.withLock({ Array($0.running.keys) }) { await shipLogs(ref) }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(self.configuration.logInterval)) }
        }
    }

    /// Sends whatever the part wrote since the last shipment.
    func shipLogs(_ ref: AttemptRef) async {
        guard let running = state.withLock({ $0.running[ref] }) else { return }
        let job = configuration.layout.job(
            taskID: ref.task, attempt: ref.attempt, command: [], kind: running.assignment.kind, units: 1)
        for (stream, path) in [("stdout", job.stdoutPath), ("stderr", job.stderrPath)] {
            let offset = running.shipped[stream] ?? 0
            guard let handle = FileHandle(forReadingAtPath: path) else { continue }
            defer { try? handle.close() }
            guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.read(upToCount: 256 << 10), !data.isEmpty
            else { continue }
            do {
                try await client.appendLog(LogChunk(task: ref.task, attempt: ref.attempt, stream: stream, data: String(decoding: data, as: UTF8.self)))
                state.withLock { $0.running[ref]?.shipped[stream] = offset + UInt64(data.count) }
            } catch {
                logger.debug("log shipment failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// Exponential backoff from 0.1 s to 5 s.
struct Backoff {
    var delay = 0.1

    mutating func reset() { delay = 0.1 }

    mutating func sleep() async {
        try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
        delay = min(5, delay * 2)
    }
}
