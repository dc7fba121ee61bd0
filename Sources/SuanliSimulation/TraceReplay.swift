import Foundation
import HeapModule
import SuanliCore
import SuanliScheduler

/// Replays a cleaned workload trace (``SWFTrace``) through Suanli's scheduler engine in
/// simulated time, on one machine of the trace's size: the queue, the order and the EASY
/// backfilling are the engine's own.
///
/// The machine is one CPU resource of ``SWFTrace/machineProcessors`` cores. Every job is a gang
/// CPU task of its processors with its requested time as `duration_s` (the engine's run-time
/// estimate); it ends after its actual run time. At each event time the replay first releases
/// the jobs that end then, then queues the jobs submitted then (in trace order), then asks the
/// engine for one drain (`drainsAutomatically` is off), and starts what it placed. `--order sjf`
/// gives each job a priority from the rank of its requested time (shorter: higher), so the
/// engine's priority queue orders by requested time, ties by submission. The replay keeps its
/// own count of busy processors and fails if the engine ever promises more than the machine has.
public struct TraceReplay: Sendable {
    /// Queue order.
    public enum Order: String, Sendable, Hashable, CaseIterable, Codable {
        /// First come, first served: by submission (ties by job number).
        case fcfs
        /// Shortest requested time first (ties by submission).
        case sjf
    }

    /// Backfilling.
    public enum Backfill: String, Sendable, Hashable, CaseIterable, Codable {
        /// EASY: later jobs may start if they do not delay the first waiting one.
        case easy
        /// None: jobs start strictly in queue order.
        case none
    }

    /// How to replay.
    public struct Options: Sendable, Hashable {
        public var order: Order
        public var backfill: Backfill

        /// Creates options (defaults: FCFS with EASY backfilling).
        public init(order: Order = .fcfs, backfill: Backfill = .easy) {
            self.order = order
            self.backfill = backfill
        }
    }

    /// The figures of one replay (`suanli sim --trace … --json`).
    public struct Report: Sendable, Hashable, Codable {
        /// Jobs replayed.
        public var jobs: Int
        /// Mean of start − submit, in seconds.
        public var meanWaitS: Double
        /// Mean of max(1, (wait + run) / max(run, 10 s)).
        public var meanBoundedSlowdown: Double
        /// Longest wait, in seconds.
        public var maxWaitS: Double
        /// Σ run × processors / (machine processors × makespan).
        public var utilization: Double
        /// Last end − first submit, in seconds.
        public var makespanS: Double

        enum CodingKeys: String, CodingKey {
            case jobs
            case meanWaitS = "mean_wait_s"
            case meanBoundedSlowdown = "mean_bounded_slowdown"
            case maxWaitS = "max_wait_s"
            case utilization
            case makespanS = "makespan_s"
        }

        /// Creates a report.
        public init(
            jobs: Int, meanWaitS: Double, meanBoundedSlowdown: Double, maxWaitS: Double, utilization: Double, makespanS: Double
        ) {
            self.jobs = jobs
            self.meanWaitS = meanWaitS
            self.meanBoundedSlowdown = meanBoundedSlowdown
            self.maxWaitS = maxWaitS
            self.utilization = utilization
            self.makespanS = makespanS
        }

        /// The figures of jobs started at `starts` (same order) on `processors` processors.
        public init(jobs: [SWFTrace.Job], starts: [Double], processors: Int) {
            precondition(jobs.count == starts.count, "one start per job")
            guard !jobs.isEmpty else {
                self.init(jobs: 0, meanWaitS: 0, meanBoundedSlowdown: 0, maxWaitS: 0, utilization: 0, makespanS: 0)
                return
            }
            var waitSum = 0.0
            var slowdownSum = 0.0
            var maxWait = 0.0
            var work = 0.0
            var firstSubmit = Double.infinity
            var lastEnd = -Double.infinity
            for (job, start) in zip(jobs, starts) {
                let wait = start - job.submitS
                waitSum += wait
                maxWait = max(maxWait, wait)
                slowdownSum += max(1, (wait + job.runS) / max(job.runS, TraceReplay.slowdownBoundS))
                work += job.runS * Double(job.processors)
                firstSubmit = min(firstSubmit, job.submitS)
                lastEnd = max(lastEnd, start + job.runS)
            }
            let makespan = lastEnd - firstSubmit
            let n = Double(jobs.count)
            self.init(
                jobs: jobs.count, meanWaitS: waitSum / n, meanBoundedSlowdown: slowdownSum / n, maxWaitS: maxWait,
                utilization: makespan > 0 ? work / (Double(processors) * makespan) : 0, makespanS: makespan)
        }
    }

    /// A replay's figures and each job's start time (same order as the jobs).
    public struct Outcome: Sendable, Hashable {
        public var report: Report
        public var starts: [Double]
    }

    /// Why a replay could not run.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }

        /// Creates a failure.
        public init(_ message: String) { self.message = message }
    }

    /// The run time below which the bounded slowdown counts a job as this long (10 s).
    public static let slowdownBoundS = 10.0
    /// The longest estimate the engine accepts (`TaskSpec.Limits.maxDurationS`); longer requested times count as this.
    public static let longestEstimateS = TaskSpec.Limits.maxDurationS

    /// Jobs `from ..< from + count` of a trace (`count` nil: to the end), replayed on an empty machine.
    public static func slice(_ jobs: [SWFTrace.Job], from: Int, count: Int?) throws(Failure) -> [SWFTrace.Job] {
        guard from >= 0 else { throw Failure("--from must be 0 or more") }
        guard from < jobs.count || (from == 0 && jobs.isEmpty) else {
            throw Failure("--from \(from) is past the end: the trace has \(jobs.count) jobs after cleaning")
        }
        if let count, count < 1 { throw Failure("--jobs must be at least 1") }
        let end = count.map { min(jobs.count, from + $0) } ?? jobs.count
        return Array(jobs[from..<end])
    }

    /// Replays `jobs` (in submit order) on one machine of `processors` processors.
    public static func run(_ jobs: [SWFTrace.Job], processors: Int, options: Options = Options()) throws(Failure) -> Outcome {
        guard (1...TaskSpec.Limits.maxUnits).contains(processors) else {
            throw Failure("the machine has \(processors) processors; replay handles 1 to \(TaskSpec.Limits.maxUnits)")
        }
        let machine = SchedulerResource(
            id: "86.1.1/swf-machine", provider: "86.1.1", kind: .cpu, arch: "x86_64", model: "SWF machine", memoryGiB: 1,
            units: processors, location: Topology.national.locations[0].code, priceFenPerUnitHour: 1, renewable: 0,
            freeUnits: processors, available: true)
        let priorities = try Self.priorities(jobs, order: options.order)
        let specs = jobs.indices.map { i in
            TaskSpec(
                name: "job-\(jobs[i].id)", priority: priorities[i], units: jobs[i].processors, gang: true,
                accept: [TaskSpec.Alternative(kind: .cpu)], durationS: min(jobs[i].requestedS, longestEstimateS),
                objective: .cheapest)
        }
        let starts = try Self.simulate(
            jobs, submits: jobs.map(\.submitS), specs: specs, resources: [machine], options: options
        ).starts
        return Outcome(report: Report(jobs: jobs, starts: starts, processors: processors), starts: starts)
    }

    /// Queue priorities: all 0 for FCFS; for SJF the dense rank of the requested time, shortest highest.
    static func priorities(_ jobs: [SWFTrace.Job], order: Order) throws(Failure) -> [Int] {
        guard order == .sjf else { return Array(repeating: 0, count: jobs.count) }
        let estimates = Array(Set(jobs.map { min($0.requestedS, longestEstimateS) })).sorted()
        let top = TaskSpec.Limits.maxPriority
        guard estimates.count <= 2 * top + 1 else {
            throw Failure("--order sjf handles at most \(2 * top + 1) distinct requested times, the trace has \(estimates.count)")
        }
        let rank = Dictionary(uniqueKeysWithValues: estimates.enumerated().map { ($1, $0) })
        return jobs.map { top - rank[min($0.requestedS, longestEstimateS)]! }
    }

    /// The engine configuration of a replay: no batch re-optimisation, no cap on attempts per drain.
    static func configuration(_ options: Options) -> SchedulerConfiguration {
        var configuration = SchedulerConfiguration(maxDrainAttempts: .max, batchMinimum: 0)
        configuration.backfill = options.backfill == .easy
        return configuration
    }

    struct Completion: Comparable {
        var time: Double
        var index: Int
        static func < (a: Completion, b: Completion) -> Bool { (a.time, a.index) < (b.time, b.index) }
    }

    /// The event loop shared by one-machine and network replays: `submits` ascending, one spec per job.
    /// Returns each job's start and placement.
    static func simulate(
        _ jobs: [SWFTrace.Job], submits: [Double], specs: [TaskSpec], resources: [SchedulerResource], options: Options
    ) throws(Failure) -> (starts: [Double], placements: [Placement?]) {
        var engine = SchedulerEngine(topology: .national, configuration: configuration(options))
        engine.drainsAutomatically = false
        engine.upsertResources(resources, now: submits.first ?? 0)
        let units = Dictionary(uniqueKeysWithValues: resources.map { ($0.id, $0.units) })
        var busy: [String: Int] = [:]
        var starts = [Double](repeating: .nan, count: jobs.count)
        var placements = [Placement?](repeating: nil, count: jobs.count)
        var completions = Heap<Completion>()
        var next = 0
        let prefix = "job-"
        while next < jobs.count || !completions.isEmpty {
            let now = min(completions.min?.time ?? .infinity, next < jobs.count ? submits[next] : .infinity)
            // Completions first, then arrivals, then one pass of the scheduler.
            while let done = completions.min, done.time == now {
                _ = completions.popMin()
                for part in placements[done.index]?.parts ?? [] { busy[part.resource, default: 0] -= part.units }
                engine.release(prefix + String(done.index), now: now)
            }
            while next < jobs.count, submits[next] == now {
                do {
                    try engine.enqueue(prefix + String(next), spec: specs[next], now: now)
                } catch {
                    throw Failure("job \(jobs[next].id): the engine refused it: \(error.message)")
                }
                next += 1
            }
            let drained = engine.drain(now: now)
            if let lost = drained.expired.first { throw Failure("the engine dropped \(lost) (no deadline was set)") }
            for task in drained.scheduled {
                guard let i = Int(task.id.dropFirst(prefix.count)), jobs.indices.contains(i), starts[i].isNaN else {
                    throw Failure("the engine placed an unknown or already started task \(task.id)")
                }
                for part in task.placement.parts {
                    busy[part.resource, default: 0] += part.units
                    if busy[part.resource]! > units[part.resource] ?? 0 {
                        throw Failure(
                            "the engine over-committed \(part.resource) at t=\(now): \(busy[part.resource]!) of \(units[part.resource] ?? 0) units"
                        )
                    }
                }
                guard task.placement.units == jobs[i].processors else {
                    throw Failure(
                        "the engine placed \(task.placement.units) units for job \(jobs[i].id), which asked \(jobs[i].processors)"
                    )
                }
                starts[i] = now
                placements[i] = task.placement
                completions.insert(Completion(time: now + jobs[i].runS, index: i))
            }
        }
        if let stuck = starts.firstIndex(where: \.isNaN) {
            throw Failure(
                "job \(jobs[stuck].id) never started (\(engine.queuedCount) still queued when nothing was left running)")
        }
        return (starts, placements)
    }
}
