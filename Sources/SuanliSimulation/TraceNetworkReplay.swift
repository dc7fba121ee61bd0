import Foundation
import SuanliCore
import SuanliScheduler

/// Replays a trace's jobs on the synthetic national network (the CPU nodes of the network
/// `suanli up` seeds) instead of one machine, twice: with every job kept near its data
/// (`max_rtt_ms`) and with cross-region placement allowed, to show what the latter does to waits.
///
/// Each job gets a home demand city, drawn from the job number and the seed with eastern cities
/// three times as likely (as in ``SyntheticWorkload``), and becomes a CPU task of its processors
/// that may split over nodes (`gang: false`), any architecture, default objective, `duration_s`
/// = requested time, priority as in the one-machine replay. Only the network's CPU resources are
/// registered. Submit times are compressed by (network CPU cores / trace machine processors),
/// so the network is offered the same load per core as the trace's machine; run times are
/// unchanged, so waits compare in seconds (``Parameters/load`` asks for another load instead). Jobs that no CPU capacity within the regional limit
/// could ever take are left out of both runs (and counted).
public struct TraceNetworkReplay: Sendable {
    /// The network and the regional limit.
    public struct Parameters: Sendable, Hashable {
        public var providers: Int
        public var resources: Int
        public var seed: UInt64
        /// The regional run's `max_rtt_ms` from the job's home city.
        public var regionalRttMs: Double
        /// Offered load on the network's CPU cores (Σ run × processors / (cores × submit span));
        /// `nil`: the load per core the trace's own machine had.
        public var load: Double?

        /// Creates parameters; the defaults are `suanli up`'s demo network and a 10 ms region.
        public init(
            providers: Int = 36, resources: Int = 1000, seed: UInt64 = 2025, regionalRttMs: Double = 10, load: Double? = nil
        ) {
            self.providers = providers
            self.resources = resources
            self.seed = seed
            self.regionalRttMs = regionalRttMs
            self.load = load
        }
    }

    /// The figures of one network run.
    public struct Run: Sendable, Hashable, Codable {
        public var jobs: Int
        public var meanWaitS: Double
        public var meanBoundedSlowdown: Double
        public var maxWaitS: Double
        /// Σ run × processors / (network CPU cores × makespan).
        public var utilization: Double
        public var makespanS: Double
        /// Unit-weighted mean RTT from the job's home city to the cores it got, in ms.
        public var meanRttMs: Double
        /// Share of jobs with at least one part outside their home city's hub.
        public var outsideHomeHub: Double

        enum CodingKeys: String, CodingKey {
            case jobs
            case meanWaitS = "mean_wait_s"
            case meanBoundedSlowdown = "mean_bounded_slowdown"
            case maxWaitS = "max_wait_s"
            case utilization
            case makespanS = "makespan_s"
            case meanRttMs = "mean_rtt_ms"
            case outsideHomeHub = "outside_home_hub"
        }
    }

    /// Both runs and what they ran on.
    public struct Report: Sendable, Hashable, Codable {
        public var providers: Int
        public var resources: Int
        /// CPU nodes of the network and their cores.
        public var cpuResources: Int
        public var cpuCores: Int
        /// Submit times were divided by this (network CPU cores / trace machine processors, or
        /// what gives the asked load).
        public var timeCompression: Double
        /// The load offered to the network's CPU cores.
        public var offeredLoad: Double
        public var regionalRttMs: Double
        /// Jobs left out: no CPU capacity within the regional limit could ever take them.
        public var outOfRegionalReach: Int
        /// Every job within `regional_rtt_ms` of its home city.
        public var regional: Run
        /// Cross-region placement allowed.
        public var crossRegion: Run

        enum CodingKeys: String, CodingKey {
            case providers, resources, regional
            case cpuResources = "cpu_resources"
            case cpuCores = "cpu_cores"
            case timeCompression = "time_compression"
            case offeredLoad = "offered_load"
            case regionalRttMs = "regional_rtt_ms"
            case outOfRegionalReach = "out_of_regional_reach"
            case crossRegion = "cross_region"
        }
    }

    public let parameters: Parameters

    /// Creates a network replay.
    public init(_ parameters: Parameters = Parameters()) { self.parameters = parameters }

    /// The home demand city of job number `id`.
    public static func homeCity(_ id: Int, seed: UInt64, topology: Topology = .national) -> String {
        let cities = topology.locations.filter { $0.kind == .city }
        let weights = cities.map { $0.region == .east ? 3.0 : 1.0 }
        var rng = SplitMix64(seed: SplitMix64.mix(seed ^ 0x5F_7ACE, UInt64(bitPattern: Int64(id))))
        var x = Double.random(in: 0..<weights.reduce(0, +), using: &rng)
        for (i, w) in weights.enumerated() {
            if x < w { return cities[i].code }
            x -= w
        }
        return cities[cities.count - 1].code
    }

    /// Replays `jobs` (in submit order, from a trace of a `machineProcessors` machine) both ways.
    public func run(_ jobs: [SWFTrace.Job], machineProcessors: Int, options: TraceReplay.Options) throws(TraceReplay.Failure)
        -> Report
    {
        let p = parameters
        let topology = Topology.national
        let network = SyntheticNetwork(providers: p.providers, resources: p.resources, seed: p.seed)
        let resources = (0..<p.resources).map { Simulation.schedulerResource(network, $0) }.filter { $0.kind == .cpu }
        let cores = resources.reduce(0) { $0 + $1.units }
        let hubOf = Dictionary(uniqueKeysWithValues: resources.map { ($0.id, topology.location(code: $0.location)?.hub ?? "") })
        guard cores > 0 else { throw TraceReplay.Failure("the network has no CPU resources") }
        let homes = jobs.map { Self.homeCity($0.id, seed: p.seed, topology: topology) }
        func spec(_ i: Int, priority: Int, regional: Bool) -> TaskSpec {
            TaskSpec(
                name: "job-\(jobs[i].id)", priority: priority, units: jobs[i].processors, gang: false,
                accept: [TaskSpec.Alternative(kind: .cpu)], dataLocation: homes[i], maxRttMs: regional ? p.regionalRttMs : nil,
                durationS: min(jobs[i].requestedS, TraceReplay.longestEstimateS))
        }
        // Leave out jobs no CPU capacity within reach could ever take.
        var probe = SchedulerEngine(topology: topology)
        probe.upsertResources(resources, now: 0)
        var kept: [Int] = []
        for i in jobs.indices {
            let explanation = probe.explain(spec(i, priority: 0, regional: true), taskID: nil)
            if explanation.verdict != .impossible { kept.append(i) }
        }
        let keptJobs = kept.map { jobs[$0] }
        let priorities = try TraceReplay.priorities(keptJobs, order: options.order)
        let first = keptJobs.first?.submitS ?? 0
        let span = (keptJobs.last?.submitS ?? 0) - first
        let work = keptJobs.reduce(0.0) { $0 + $1.runS * Double($1.processors) }
        var compression = Double(cores) / Double(max(1, machineProcessors))
        if let load = p.load, span > 0, work > 0 { compression = load * Double(cores) * span / work }
        let offered = span > 0 ? work * compression / (Double(cores) * span) : 0
        let submits = keptJobs.map { first + ($0.submitS - first) / compression }
        // The compressed trace: same jobs, earlier submissions (the figures are taken against these).
        let compressed = zip(keptJobs, submits).map { job, submit in
            SWFTrace.Job(id: job.id, submitS: submit, runS: job.runS, processors: job.processors, requestedS: job.requestedS)
        }
        func replay(regional: Bool) throws(TraceReplay.Failure) -> Run {
            let specs = kept.indices.map { k in spec(kept[k], priority: priorities[k], regional: regional) }
            let (starts, placements) = try TraceReplay.simulate(
                compressed, submits: submits, specs: specs, resources: resources, options: options)
            let figures = TraceReplay.Report(jobs: compressed, starts: starts, processors: cores)
            var rttSum = 0.0
            var rttUnits = 0.0
            var outside = 0
            for (k, placement) in placements.enumerated() {
                guard let placement, let home = topology.location(code: homes[kept[k]]) else { continue }
                var away = false
                for part in placement.parts {
                    if let rtt = part.rttMs {
                        rttSum += rtt * Double(part.units)
                        rttUnits += Double(part.units)
                    }
                    if hubOf[part.resource] != home.hub { away = true }
                }
                if away { outside += 1 }
            }
            return Run(
                jobs: figures.jobs, meanWaitS: figures.meanWaitS, meanBoundedSlowdown: figures.meanBoundedSlowdown,
                maxWaitS: figures.maxWaitS, utilization: figures.utilization, makespanS: figures.makespanS,
                meanRttMs: rttUnits > 0 ? rttSum / rttUnits : 0,
                outsideHomeHub: compressed.isEmpty ? 0 : Double(outside) / Double(compressed.count))
        }
        return Report(
            providers: network.providers.count, resources: p.resources, cpuResources: resources.count, cpuCores: cores,
            timeCompression: compression, offeredLoad: offered, regionalRttMs: p.regionalRttMs,
            outOfRegionalReach: jobs.count - kept.count,
            regional: try replay(regional: true), crossRegion: try replay(regional: false))
    }
}
