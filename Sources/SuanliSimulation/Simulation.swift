import Foundation
import HeapModule
import SuanliCore
import SuanliScheduler

/// A discrete-event simulation of the national network under a seeded task stream, driven
/// through the engine in simulated time, with an independent check of every placement.
///
/// Providers "run" placed tasks at once (the engine is told with `markRunning`, then the
/// provider's next report includes them), tasks end after their `duration_s` (releasing their
/// units and draining the queue), providers' own users take and return units outside Suanli
/// (reported every 15 simulated minutes), and a few resources go dark for half an hour. The
/// verifier keeps its own truth (resource specs, units in use by Suanli tasks and by outside
/// users) and counts every placement that breaks a constraint or takes a unit that is not free.
public struct Simulation: Sendable {
    /// What to simulate.
    public struct Parameters: Sendable, Hashable {
        public var providers: Int
        public var resources: Int
        public var tasks: Int
        public var seed: UInt64
        /// Offered accelerator load relative to accelerator capacity (sets the arrival rate).
        public var load: Double
        /// Run the batch optimiser when draining (off: greedy only).
        public var batch: Bool
        /// Order equal-priority tasks by their consumer's fair-share factor, updated every
        /// simulated 15 minutes from metered spend (off: by submission only).
        public var fairShare: Bool
        /// Half-life of past spend in the fair-share factor, in simulated seconds.
        public var fairShareHalfLife: Double
        /// Spot pricing on one accelerator resource in ten (40 % of its price) and preemptible
        /// training tasks (one in four): waiting non-preemptible tasks preempt them, which then
        /// start again from the queue (off: no spot resources, nothing preemptible).
        public var spot: Bool

        /// Creates parameters; the defaults are `suanli sim`'s.
        public init(
            providers: Int = 36, resources: Int = 2000, tasks: Int = 20_000, seed: UInt64 = 1, load: Double = 0.9,
            batch: Bool = true, fairShare: Bool = true, fairShareHalfLife: Double = 86_400, spot: Bool = true
        ) {
            self.providers = providers
            self.resources = resources
            self.tasks = tasks
            self.seed = seed
            self.load = load
            self.batch = batch
            self.fairShare = fairShare
            self.fairShareHalfLife = fairShareHalfLife
            self.spot = spot
        }
    }

    /// The figures of one run.
    public struct Report: Sendable, Hashable, Codable {
        public var providers: Int
        public var resources: Int
        public var tasks: Int
        public var seed: UInt64
        /// Tasks no resource could ever take (rejected at submission).
        public var rejected: Int
        /// Tasks placed (at once or from the queue).
        public var placed: Int
        /// Placed at submission, without waiting.
        public var placedImmediately: Int
        /// Dropped from the queue at their deadline.
        public var expired: Int
        /// Still queued when the simulation ended.
        public var stillQueued: Int
        /// placed / (tasks − rejected).
        public var placementRate: Double
        public var meanWaitS: Double
        public var p95WaitS: Double
        /// Unit-hour-weighted mean price in fen per unit-hour (all units; CPU cores are cheap).
        public var meanPriceFenPerUnitHour: Double
        /// The same over accelerator units and over CPU cores.
        public var meanAcceleratorPrice: Double = 0
        public var meanCPUPrice: Double = 0
        /// Mean RTT from the data location over placed parts, unit-weighted, in ms.
        public var meanRttMs: Double
        /// Unit-hour-weighted renewable share of the compute used.
        public var renewableShare: Double
        /// Busy share of unit-time by hub, over the simulated horizon.
        public var utilizationByHub: [String: Double]
        /// Placements that broke a constraint or over-committed a resource (must be 0).
        public var violations: Int
        /// The first few violations, described.
        public var violationSamples: [String]
        /// Simulated hours.
        public var simulatedHours: Double
        /// Wall-clock seconds spent in engine calls.
        public var engineSeconds: Double
        /// Engine calls (submit, release, report, markRunning, drain).
        public var engineCalls: Int
        /// Weighted cost of drained placements before and after the batch optimiser.
        public var drainGreedyCost: Double
        public var drainOptimisedCost: Double
        /// Placements by class of task.
        public var placedByClass: [String: Int]
        /// Engine work counters, described (diagnostics).
        public var counters = ""
        /// Metered spend of all placed tasks, in fen (price in force × units × duration).
        public var spendFen: Int64 = 0
        /// Per consumer: tasks submitted, placed, mean wait, spend and final fair-share factor.
        public var consumers: [String: ConsumerFigures] = [:]
        /// Preemptible tasks stopped to give their spot units to a waiting non-preemptible task.
        public var preemptions = 0
        /// Unit-hours of preempted work lost (from its start to its preemption; it starts again).
        public var preemptedUnitHours = 0.0

        enum CodingKeys: String, CodingKey {
            case providers, resources, tasks, seed, rejected, placed, expired, violations
            case placedImmediately = "placed_immediately"
            case stillQueued = "still_queued"
            case placementRate = "placement_rate"
            case meanWaitS = "mean_wait_s"
            case p95WaitS = "p95_wait_s"
            case meanPriceFenPerUnitHour = "mean_price_fen_per_unit_hour"
            case meanAcceleratorPrice = "mean_accelerator_price_fen_per_unit_hour"
            case meanCPUPrice = "mean_cpu_price_fen_per_unit_hour"
            case meanRttMs = "mean_rtt_ms"
            case renewableShare = "renewable_share"
            case utilizationByHub = "utilization_by_hub"
            case violationSamples = "violation_samples"
            case simulatedHours = "simulated_hours"
            case engineSeconds = "engine_seconds"
            case engineCalls = "engine_calls"
            case drainGreedyCost = "drain_greedy_cost"
            case drainOptimisedCost = "drain_optimised_cost"
            case placedByClass = "placed_by_class"
            case counters = "engine_work"
            case spendFen = "spend_fen"
            case consumers, preemptions
            case preemptedUnitHours = "preempted_unit_hours"
        }
    }

    /// One consumer's figures in a run.
    public struct ConsumerFigures: Sendable, Hashable, Codable {
        public var submitted = 0
        public var placed = 0
        public var meanWaitS = 0.0
        public var spendFen: Int64 = 0
        /// The fair-share factor at the end of the run (1: no recent spend).
        public var factor = 1.0

        enum CodingKeys: String, CodingKey {
            case submitted, placed, factor
            case meanWaitS = "mean_wait_s"
            case spendFen = "spend_fen"
        }
    }

    /// The synthetic consumers and how much of the stream each submits: one heavy user, two
    /// medium, five light (weights 16, 4, 4, 1, 1, 1, 1, 1).
    static let consumerWeights: [(name: String, weight: Int)] = [
        ("heavy", 16), ("medium-1", 4), ("medium-2", 4), ("light-1", 1), ("light-2", 1), ("light-3", 1), ("light-4", 1), ("light-5", 1),
    ]

    /// The consumer of task `index` (a function of the seed and the index).
    static func consumer(of index: Int, seed: UInt64) -> String {
        var rng = SplitMix64(seed: seed ^ 0xFA1E_5EED ^ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let total = consumerWeights.reduce(0) { $0 + $1.weight }
        var pick = Int(rng.next() % UInt64(total))
        for (name, weight) in consumerWeights {
            if pick < weight { return name }
            pick -= weight
        }
        return consumerWeights[0].name
    }

    public let parameters: Parameters

    /// Creates a simulation.
    public init(_ parameters: Parameters) { self.parameters = parameters }

    /// The identifier of resource `index` of a synthetic network (provider prefixes `86.1.N`).
    public static func resourceID(_ network: SyntheticNetwork, _ index: Int) -> String {
        let r = network.resource(index)
        return "86.1.\(r.provider + 1)/\(r.suffix)"
    }

    /// The engine's description of resource `index` of a synthetic network, all units free.
    public static func schedulerResource(_ network: SyntheticNetwork, _ index: Int) -> SchedulerResource {
        let r = network.resource(index)
        let provider = network.providers[r.provider]
        return SchedulerResource(
            id: "86.1.\(r.provider + 1)/\(r.suffix)", provider: "86.1.\(r.provider + 1)", kind: r.spec.kind,
            arch: r.spec.arch, model: r.spec.model, memoryGiB: r.spec.memoryGiB, units: r.spec.units,
            location: r.spec.location, priceFenPerUnitHour: r.spec.priceFenPerUnitHour,
            renewable: r.spec.renewable ?? provider.registration.renewable, freeUnits: r.spec.units, available: true)
    }

    enum EventKind: Int { case finish = 0, tick = 1, arrival = 2 }

    struct Event: Comparable {
        var time: Double
        var kind: EventKind
        var index: Int
        static func < (a: Event, b: Event) -> Bool {
            (a.time, a.kind.rawValue, a.index) < (b.time, b.kind.rawValue, b.index)
        }
    }

    /// Runs the simulation; `progress` is told how many tasks of the stream have arrived.
    public func run(progress: (_ arrived: Int, _ total: Int) -> Void = { _, _ in }) -> Report {
        let p = parameters
        let topology = Topology.national
        let network = SyntheticNetwork(providers: p.providers, resources: p.resources, seed: p.seed)
        let workload = SyntheticWorkload(seed: p.seed &+ 17, topology: topology)
        var configuration = SchedulerConfiguration(seed: p.seed)
        if !p.batch { configuration.batchMinimum = 0 }
        var engine = SchedulerEngine(topology: topology, configuration: configuration)
        var truth = Truth(network: network, topology: topology)
        var clock = EngineClock()

        var resources = (0..<p.resources).map { Self.schedulerResource(network, $0) }
        if p.spot {
            for i in resources.indices where resources[i].kind.isAccelerator && i % 10 == 3 {
                resources[i].spotPriceFenPerUnitHour = resources[i].priceFenPerUnitHour * 4 / 10
            }
        }
        clock.measure { _ = engine.upsertResources(resources, now: 0) }

        // Arrival rate from the offered accelerator load.
        let accelUnits = resources.filter { $0.kind.isAccelerator }.reduce(0) { $0 + $1.units }
        var demand = 0.0
        var accelTasks = 0
        for i in 0..<min(p.tasks, 4000) {
            let spec = workload.spec(i)
            if spec.accept.contains(where: { $0.kind.isAccelerator }) {
                demand += Double(spec.units) * (spec.durationS ?? 3600)
                accelTasks += 1
            }
        }
        let sample = Double(min(p.tasks, 4000))
        let unitSecondsPerArrival = accelTasks > 0 ? demand / sample : 3600
        let rate = max(1e-6, p.load * Double(max(1, accelUnits)) / unitSecondsPerArrival)

        var events = Heap<Event>()
        var rng = SplitMix64(seed: p.seed ^ 0xA441)
        var t = 0.0
        for i in 0..<p.tasks {
            t += -log(Double.random(in: Double.ulpOfOne..<1, using: &rng)) / rate
            events.insert(Event(time: t, kind: .arrival, index: i))
        }
        let lastArrival = t
        events.insert(Event(time: 900, kind: .tick, index: 0))

        var specs: [Int: TaskSpec] = [:]
        var arrivalTime: [Int: Double] = [:]
        var waits: [Double] = []
        var report = Report(
            providers: network.providers.count, resources: p.resources, tasks: p.tasks, seed: p.seed, rejected: 0, placed: 0,
            placedImmediately: 0, expired: 0, stillQueued: 0, placementRate: 0, meanWaitS: 0, p95WaitS: 0,
            meanPriceFenPerUnitHour: 0, meanRttMs: 0, renewableShare: 0, utilizationByHub: [:], violations: 0,
            violationSamples: [], simulatedHours: 0, engineSeconds: 0, engineCalls: 0, drainGreedyCost: 0,
            drainOptimisedCost: 0, placedByClass: [:])
        var priceUnitHours = 0.0
        var unitHours = 0.0
        var accel = (price: 0.0, unitHours: 0.0)
        var cpu = (price: 0.0, unitHours: 0.0)
        var renewableUnitHours = 0.0
        var rttUnits = 0.0
        var rttSum = 0.0
        var now = 0.0
        var running: [Int: Placement] = [:]
        var darkUntil: [Int: Double] = [:]
        var fairShare = FairShare(halfLife: p.fairShareHalfLife)
        var consumerWaits: [String: (sum: Double, count: Int)] = [:]
        var startedAt: [Int: Double] = [:]
        var everStarted = Set<Int>()

        func started(_ index: Int, _ placement: Placement, at time: Double) {
            let spec = specs[index]!
            if let problem = truth.check(spec, placement) {
                report.violations += 1
                if report.violationSamples.count < 5 { report.violationSamples.append("task-\(index): \(problem)") }
            }
            truth.start(placement)
            running[index] = placement
            startedAt[index] = time
            let consumer = spec.consumer ?? "?"
            // A preempted task that starts again is placed once and waited once (until its first start).
            if everStarted.insert(index).inserted {
                report.placed += 1
                report.placedByClass[workload.taskClass(index).rawValue, default: 0] += 1
                waits.append(time - arrivalTime[index]!)
                consumerWaits[consumer, default: (0, 0)].sum += time - arrivalTime[index]!
                consumerWaits[consumer, default: (0, 0)].count += 1
                report.consumers[consumer, default: ConsumerFigures()].placed += 1
            }
            let duration = spec.durationS ?? 3600
            for part in placement.parts {
                let uh = Double(part.units) * duration / 3600
                unitHours += uh
                priceUnitHours += Double(part.priceFenPerUnitHour) * uh
                if let i = truth.index[part.resource], truth.specs[i].kind.isAccelerator {
                    accel.price += Double(part.priceFenPerUnitHour) * uh
                    accel.unitHours += uh
                } else {
                    cpu.price += Double(part.priceFenPerUnitHour) * uh
                    cpu.unitHours += uh
                }
                renewableUnitHours += part.renewable * uh
                let fen = Int64((Double(part.priceFenPerUnitHour) * uh).rounded())
                report.spendFen += fen
                report.consumers[consumer, default: ConsumerFigures()].spendFen += fen
                if let rtt = part.rttMs {
                    rttSum += rtt * Double(part.units)
                    rttUnits += Double(part.units)
                }
            }
            events.insert(Event(time: time + duration, kind: .finish, index: index))
            // The provider starts it: its agent says so (the platform marks it running), and its
            // next report includes the task's units.
            let id = "task-\(index)"
            var drained = clock.measure { engine.markRunning(id, now: time) }
            absorb(&drained, at: time)
            let reports = placement.parts.map { truth.report($0.resource) }.filter { darkUntil[truth.index[$0.id]!] == nil }
            drained = clock.measure { engine.report(reports, now: time) }
            absorb(&drained, at: time)
        }

        func absorb(_ result: inout DrainResult, at time: Double) {
            report.expired += result.expired.count
            report.drainGreedyCost += result.greedyCost
            report.drainOptimisedCost += result.optimisedCost
            let scheduled = result.scheduled
            result = .empty
            for task in scheduled {
                let index = Int(task.id.dropFirst("task-".count))!
                started(index, task.placement, at: time)
            }
        }

        var arrived = 0
        let progressStep = max(1, p.tasks / 200)
        while let event = events.popMin() {
            now = event.time
            truth.advance(to: now)
            switch event.kind {
            case .arrival:
                let i = event.index
                arrived += 1
                if arrived % progressStep == 0 || arrived == p.tasks { progress(arrived, p.tasks) }
                var spec = workload.spec(i)
                // Latency-bound inference is worthless if it waits more than half an hour.
                if workload.taskClass(i) == .inference { spec.deadline = Date(timeIntervalSince1970: now + 1800) }
                spec.consumer = Self.consumer(of: i, seed: p.seed)
                if p.spot && workload.taskClass(i) == .training && i % 4 == 0 { spec.preemptible = true }
                report.consumers[spec.consumer!, default: ConsumerFigures()].submitted += 1
                specs[i] = spec
                arrivalTime[i] = now
                let outcome = clock.measure { try? engine.submit("task-\(i)", spec: spec, now: now) }
                switch outcome {
                case .scheduled(let placement):
                    report.placedImmediately += 1
                    started(i, placement, at: now)
                case .queued: break
                case .impossible, .none: report.rejected += 1
                }
            case .finish:
                let i = event.index
                // A finish of a run that was preempted (and perhaps started again since) is stale.
                guard let began = startedAt[i], abs(began + (specs[i]?.durationS ?? 3600) - now) < 1e-6,
                    let placement = running.removeValue(forKey: i)
                else { break }
                truth.finish(placement)
                let duration = specs[i]?.durationS ?? 3600
                let fen = placement.parts.reduce(0.0) { $0 + Double($1.priceFenPerUnitHour) * Double($1.units) * duration / 3600 }
                fairShare.record(consumer: specs[i]?.consumer ?? "?", amount: fen, at: now)
                let reports = placement.parts.map { truth.report($0.resource) }.filter { darkUntil[truth.index[$0.id]!] == nil }
                var drained = clock.measure { engine.report(reports, now: now) }
                absorb(&drained, at: now)
                drained = clock.measure { engine.release("task-\(i)", now: now) }
                absorb(&drained, at: now)
            case .tick:
                // Outside users take or return units on 1% of resources; 0.2% go dark for 30 minutes.
                var reports: [ResourceReport] = []
                for (r, until) in darkUntil.sorted(by: { $0.key < $1.key }) where until <= now {
                    darkUntil[r] = nil
                    reports.append(truth.report(truth.ids[r]))
                }
                let changes = max(1, p.resources / 100)
                for _ in 0..<changes {
                    let r = Int(rng.next() % UInt64(p.resources))
                    truth.changeExternal(r, using: &rng)
                    if darkUntil[r] == nil { reports.append(truth.report(truth.ids[r])) }
                }
                for _ in 0..<max(1, p.resources / 500) {
                    let r = Int(rng.next() % UInt64(p.resources))
                    if darkUntil[r] == nil {
                        darkUntil[r] = now + 1800
                        var dark = truth.report(truth.ids[r])
                        dark.available = false
                        reports.append(dark)
                    }
                }
                truth.dark = Set(darkUntil.keys)
                if p.fairShare {
                    let factors = fairShare.factors(now: now)
                    clock.measure { engine.setFairShare(factors) }
                }
                var drained = clock.measure { engine.report(reports, now: now) }
                absorb(&drained, at: now)
                if now < lastArrival || !running.isEmpty {
                    events.insert(Event(time: now + 900, kind: .tick, index: 0))
                }
            }
            if p.spot {
                // Waiting non-preemptible tasks take spot units from preemptible ones, which go back to the queue.
                let done = clock.measure { engine.preempt(now: now) }
                for preemption in done {
                    for victim in preemption.victims {
                        let v = Int(victim.dropFirst("task-".count))!
                        guard let placement = running.removeValue(forKey: v), let began = startedAt[v] else { continue }
                        truth.finish(placement)
                        report.preemptions += 1
                        // Metered for the time it ran: give back what the rest of its run was charged.
                        let duration = specs[v]?.durationS ?? 3600
                        let unused = max(0, began + duration - now)
                        for part in placement.parts {
                            report.preemptedUnitHours += Double(part.units) * (now - began) / 3600
                            let refund = Int64((Double(part.priceFenPerUnitHour) * Double(part.units) * unused / 3600).rounded())
                            report.spendFen -= refund
                            report.consumers[specs[v]?.consumer ?? "?", default: ConsumerFigures()].spendFen -= refund
                        }
                        startedAt[v] = nil
                    }
                    let index = Int(preemption.task.dropFirst("task-".count))!
                    started(index, preemption.placement, at: now)
                }
            }
            if now > lastArrival && running.isEmpty && events.count <= 1 { break }
        }
        report.stillQueued = engine.queuedCount
        let k = engine.counters
        report.counters =
            "engine work: \(k.drains) queue drains (mean queue \(k.drains > 0 ? k.queued / k.drains : 0)), \(k.attempts) placement attempts, \(k.shadows) head start estimates, \(k.batches) batch re-optimisations"
        report.simulatedHours = now / 3600
        report.engineSeconds = clock.seconds
        report.engineCalls = clock.calls
        let eligible = p.tasks - report.rejected
        report.placementRate = eligible > 0 ? Double(report.placed) / Double(eligible) : 1
        waits.sort()
        report.meanWaitS = waits.isEmpty ? 0 : waits.reduce(0, +) / Double(waits.count)
        report.p95WaitS = waits.isEmpty ? 0 : waits[min(waits.count - 1, Int(Double(waits.count) * 0.95))]
        report.meanPriceFenPerUnitHour = unitHours > 0 ? priceUnitHours / unitHours : 0
        report.renewableShare = unitHours > 0 ? renewableUnitHours / unitHours : 0
        report.meanAcceleratorPrice = accel.unitHours > 0 ? accel.price / accel.unitHours : 0
        report.meanCPUPrice = cpu.unitHours > 0 ? cpu.price / cpu.unitHours : 0
        report.meanRttMs = rttUnits > 0 ? rttSum / rttUnits : 0
        report.utilizationByHub = truth.utilizationByHub(horizon: now)
        let finalFactors = fairShare.factors(now: now)
        for (name, figures) in report.consumers {
            var figures = figures
            let waited = consumerWaits[name] ?? (0, 0)
            figures.meanWaitS = waited.count > 0 ? waited.sum / Double(waited.count) : 0
            figures.factor = finalFactors[name] ?? 1
            report.consumers[name] = figures
        }
        return report
    }
}

/// Wall-clock time spent in engine calls.
struct EngineClock {
    var seconds = 0.0
    var calls = 0

    mutating func measure<T>(_ body: () -> T) -> T {
        let start = ContinuousClock.now
        let value = body()
        let elapsed = ContinuousClock.now - start
        seconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        calls += 1
        return value
    }
}

/// The verifier's own view of the network: specs from the synthetic network, units used by
/// Suanli tasks and by outside users, dark resources. It never asks the engine anything.
struct Truth {
    let specs: [ResourceSpec]
    let renewable: [Double]
    let ids: [String]
    let index: [String: Int]
    let topology: Topology
    var suanli: [Int]
    var external: [Int]
    var dark: Set<Int> = []
    var busyUnitSeconds: [Double]
    var lastTime = 0.0

    init(network: SyntheticNetwork, topology: Topology) {
        var specs: [ResourceSpec] = []
        var renewable: [Double] = []
        var ids: [String] = []
        for i in 0..<network.resourceCount {
            let r = network.resource(i)
            specs.append(r.spec)
            renewable.append(r.spec.renewable ?? network.providers[r.provider].registration.renewable)
            ids.append("86.1.\(r.provider + 1)/\(r.suffix)")
        }
        self.specs = specs
        self.renewable = renewable
        self.ids = ids
        self.index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        self.topology = topology
        self.suanli = Array(repeating: 0, count: specs.count)
        self.external = Array(repeating: 0, count: specs.count)
        self.busyUnitSeconds = Array(repeating: 0, count: specs.count)
    }

    /// Accumulates busy unit-time up to `time`.
    mutating func advance(to time: Double) {
        let dt = time - lastTime
        guard dt > 0 else { return }
        for i in suanli.indices where suanli[i] > 0 { busyUnitSeconds[i] += Double(suanli[i]) * dt }
        lastTime = time
    }

    /// What is wrong with a placement, or `nil`.
    func check(_ spec: TaskSpec, _ placement: Placement) -> String? {
        guard spec.accept.indices.contains(placement.alternative) else {
            return "alternative \(placement.alternative) out of range"
        }
        let alt = spec.accept[placement.alternative]
        guard placement.units == spec.units else { return "\(placement.units) units placed, \(spec.units) asked" }
        if spec.gang && placement.parts.count != 1 { return "gang task split over \(placement.parts.count) resources" }
        guard Set(placement.parts.map(\.resource)).count == placement.parts.count else { return "resource repeated" }
        for part in placement.parts {
            guard let i = index[part.resource] else { return "unknown resource \(part.resource)" }
            let r = specs[i]
            if r.kind != alt.kind { return "\(part.resource) is \(r.kind), not \(alt.kind)" }
            if let arch = alt.arch, arch != r.arch { return "\(part.resource) is \(r.arch), not \(arch)" }
            if let model = alt.model, model != r.model { return "\(part.resource) is \(r.model), not \(model)" }
            if let memory = alt.minMemoryGiB, r.memoryGiB < memory {
                return "\(part.resource) has \(r.memoryGiB) GiB < \(memory)"
            }
            if let from = spec.dataLocation, let maxRtt = spec.maxRttMs,
                let rtt = topology.rttMs(from: from, to: r.location), rtt > maxRtt + 1e-9
            {
                return "\(part.resource) is \(rtt) ms from \(from) > \(maxRtt)"
            }
            if let maxPrice = spec.maxPriceFenPerUnitHour, r.priceFenPerUnitHour > maxPrice {
                return "\(part.resource) costs \(r.priceFenPerUnitHour) > \(maxPrice)"
            }
            if let minRenewable = spec.minRenewable, renewable[i] < minRenewable {
                return "\(part.resource) renewable \(renewable[i]) < \(minRenewable)"
            }
            if dark.contains(i) { return "\(part.resource) is unavailable" }
            if part.units <= 0 { return "part with \(part.units) units" }
            if suanli[i] + external[i] + part.units > r.units {
                return
                    "\(part.resource) over-committed: \(suanli[i]) Suanli + \(external[i]) outside + \(part.units) > \(r.units)"
            }
        }
        return nil
    }

    mutating func start(_ placement: Placement) {
        for part in placement.parts { if let i = index[part.resource] { suanli[i] += part.units } }
    }

    mutating func finish(_ placement: Placement) {
        for part in placement.parts { if let i = index[part.resource] { suanli[i] -= part.units } }
    }

    /// Outside users take or return some of the units Suanli does not use.
    mutating func changeExternal(_ i: Int, using rng: inout SplitMix64) {
        let free = specs[i].units - suanli[i]
        external[i] = free > 0 ? Int(rng.next() % UInt64(free / 2 + 1)) : 0
    }

    /// The provider's report for a resource: free = units − Suanli's running tasks − outside use.
    func report(_ id: String) -> ResourceReport {
        let i = index[id]!
        return ResourceReport(id: id, freeUnits: specs[i].units - suanli[i] - external[i], available: true)
    }

    func utilizationByHub(horizon: Double) -> [String: Double] {
        var busy: [String: Double] = [:]
        var capacity: [String: Double] = [:]
        for i in specs.indices {
            guard let location = topology.location(code: specs[i].location) else { continue }
            busy[location.hub, default: 0] += busyUnitSeconds[i]
            capacity[location.hub, default: 0] += Double(specs[i].units) * horizon
        }
        var out: [String: Double] = [:]
        for (hub, c) in capacity where c > 0 { out[hub] = ((busy[hub] ?? 0) / c * 1000).rounded() / 1000 }
        return out
    }
}
