import Foundation
import SuanliCore
import Testing

@testable import SuanliSimulation

/// An SWF file's text: a header with `MaxProcs` and one line per job
/// `(job, submit, run, allocated processors, requested time)`; the other fields are -1.
func swf(maxProcs: Int, _ jobs: [(id: Int, submit: Int, run: Int, procs: Int, requested: Int)]) -> String {
    var lines = ["; Version: 2", "; MaxProcs: \(maxProcs)"]
    for j in jobs {
        lines.append("\(j.id) \(j.submit) -1 \(j.run) \(j.procs) -1 -1 \(j.procs) \(j.requested) -1 1 -1 -1 -1 -1 -1 -1 -1")
    }
    return lines.joined(separator: "\n") + "\n"
}

/// The engine-based replay of `text` and the reference simulator's, start times by job number.
func bothReplays(
    _ text: String, order: TraceReplay.Order = .fcfs, backfill: TraceReplay.Backfill = .easy
) throws -> (engine: [Int: Double], reference: [Int: Double], report: TraceReplay.Report, figures: [String: Double]) {
    let trace = try SWFTrace(parsing: text)
    let outcome = try TraceReplay.run(
        trace.jobs, processors: trace.machineProcessors, options: .init(order: order, backfill: backfill))
    let jobs = trace.jobs.map {
        ReferenceEASY.Job(submit: $0.submitS, run: $0.runS, procs: $0.processors, estimate: $0.requestedS)
    }
    let reference = ReferenceEASY(machine: trace.machineProcessors, sjf: order == .sjf, backfill: backfill == .easy)
    let starts = reference.simulate(jobs)
    let ids = trace.jobs.map(\.id)
    return (
        Dictionary(uniqueKeysWithValues: zip(ids, outcome.starts)), Dictionary(uniqueKeysWithValues: zip(ids, starts)),
        outcome.report, ReferenceEASY.figures(jobs, starts, machine: trace.machineProcessors)
    )
}

/// Checks that the engine-based replay equals the reference on every start and every figure.
func expectAgreement(
    _ r: (engine: [Int: Double], reference: [Int: Double], report: TraceReplay.Report, figures: [String: Double])
) {
    #expect(r.engine == r.reference)
    let report = r.report
    #expect(Double(report.jobs) == r.figures["jobs"])
    for (name, value) in [
        ("mean_wait_s", report.meanWaitS), ("mean_bounded_slowdown", report.meanBoundedSlowdown), ("max_wait_s", report.maxWaitS),
        ("utilization", report.utilization), ("makespan_s", report.makespanS),
    ] {
        let expected = r.figures[name] ?? .nan
        #expect(abs(value - expected) <= 1e-9 * max(1, abs(expected)), "\(name): \(value) vs reference \(expected)")
    }
}

@Suite("Trace replay") struct TraceReplayTests {
    static let combinations: [(TraceReplay.Order, TraceReplay.Backfill)] = [
        (.fcfs, .easy), (.fcfs, .none), (.sjf, .easy), (.sjf, .none),
    ]

    @Test func backfillThatEndsBeforeTheReservationStarts() throws {
        // 10 processors. Job 2 (8) waits for job 1 (6) to end at 100: its reservation. Job 3 (4)
        // fits now and its estimate (90) ends at 92 ≤ 100, so it starts at once.
        let text = swf(maxProcs: 10, [(1, 0, 100, 6, 100), (2, 1, 50, 8, 50), (3, 2, 50, 4, 90)])
        let r = try bothReplays(text)
        #expect(r.engine == [1: 0, 2: 100, 3: 2])
        expectAgreement(r)
        // Without backfilling job 3 waits behind job 2 (ends 150).
        let strict = try bothReplays(text, backfill: .none)
        #expect(strict.engine == [1: 0, 2: 100, 3: 150])
        expectAgreement(strict)
    }

    @Test func backfillThatWouldDelayTheHeadWaits() throws {
        // Job 3 (4 processors, estimate 200) would still run at 100 and needs more than the 2
        // processors job 2 leaves then: it must not start before job 2.
        let r = try bothReplays(swf(maxProcs: 10, [(1, 0, 100, 6, 100), (2, 1, 50, 8, 50), (3, 2, 200, 4, 200)]))
        #expect(r.engine == [1: 0, 2: 100, 3: 150])
        expectAgreement(r)
    }

    @Test func longBackfillOnSpareProcessorsOnly() throws {
        // Job 2 will need 8 of 10 at 100: 2 are spare. Job 3 (2, long) takes them; job 4 (2,
        // long) fits now too but nothing is spare any more, so it waits.
        let r = try bothReplays(
            swf(maxProcs: 10, [(1, 0, 100, 6, 100), (2, 1, 50, 8, 50), (3, 2, 500, 2, 500), (4, 3, 500, 2, 500)]))
        #expect(r.engine == [1: 0, 2: 100, 3: 2, 4: 150])
        expectAgreement(r)
    }

    @Test func spareProcessorsCountEveryJobEndingAtTheShadowTime() throws {
        // Jobs 1 and 2 both end at 100; job 3 (6) is reserved then, when 10 are free: 4 spare.
        // Job 4 (2, long) may take 2 of them now. (Regression: the engine used to count only
        // the first job ending at the shadow time and kept job 4 waiting.)
        let r = try bothReplays(
            swf(maxProcs: 10, [(1, 0, 100, 4, 100), (2, 0, 100, 4, 100), (3, 1, 50, 6, 50), (4, 2, 1000, 2, 1000)]))
        #expect(r.engine == [1: 0, 2: 0, 3: 100, 4: 2])
        expectAgreement(r)
    }

    @Test func submitTiesGoByJobNumber() throws {
        // Listed 5 before 3, both at t=0, each needing the whole machine: job 3 runs first.
        let r = try bothReplays(swf(maxProcs: 10, [(5, 0, 10, 10, 10), (3, 0, 20, 10, 20)]))
        #expect(r.engine == [3: 0, 5: 20])
        expectAgreement(r)
    }

    @Test func completionsComeBeforeArrivalsAtTheSameTime() throws {
        // Job 1 ends at 100 when job 3 arrives. Under SJF job 3 (estimate 50) must be in the
        // queue for the pass at 100 and start before job 2 (estimate 300), which waits from 50.
        let text = swf(maxProcs: 10, [(1, 0, 100, 10, 100), (2, 50, 300, 10, 300), (3, 100, 50, 10, 50)])
        let sjf = try bothReplays(text, order: .sjf)
        #expect(sjf.engine == [1: 0, 2: 150, 3: 100])
        expectAgreement(sjf)
        let fcfs = try bothReplays(text)
        #expect(fcfs.engine == [1: 0, 2: 100, 3: 400])
        expectAgreement(fcfs)
    }

    @Test func sjfOrdersByRequestedTime() throws {
        let text = swf(maxProcs: 10, [(1, 0, 100, 10, 100), (2, 10, 300, 5, 300), (3, 20, 100, 5, 100), (4, 30, 50, 10, 50)])
        let sjf = try bothReplays(text, order: .sjf)
        #expect(sjf.engine == [1: 0, 2: 150, 3: 150, 4: 100])
        expectAgreement(sjf)
        let fcfs = try bothReplays(text)
        #expect(fcfs.engine == [1: 0, 2: 100, 3: 100, 4: 400])
        expectAgreement(fcfs)
    }

    @Test func jobsPastTheirEstimateAreExpectedToEndNow() throws {
        // Job 1 (6) asked for 100 s but runs 200. At 150 the reservation of job 2 (8) is "now",
        // with 2 spare, so job 4 (4 processors, 10 s) may not start; it runs after job 2.
        let r = try bothReplays(
            swf(maxProcs: 10, [(1, 0, 200, 6, 100), (2, 1, 50, 8, 50), (3, 2, 90, 4, 90), (4, 150, 10, 4, 10)]))
        #expect(r.engine == [1: 0, 2: 200, 3: 2, 4: 250])
        expectAgreement(r)
    }

    @Test func reservationMovesWithTimeWhileJobsRunPastTheirEstimate() throws {
        // Jobs 0 (2, asked 140 s) and 1 (4, asked 100 s) both run far longer. At t=2 job 2 (8)
        // is reserved for t=100 with nothing spare, so neither job 3 (4, long) starts. At t=150
        // both estimates have passed: the reservation is "now" with 4 + 4 + 2 − 8 = 2 spare, so
        // job 4 (2, long), arriving then, starts, and job 3 (4) still may not. (Regression: the
        // engine kept the estimate made at t=2 and left job 4 waiting.)
        let r = try bothReplays(
            swf(
                maxProcs: 10,
                [(0, 0, 400, 2, 140), (1, 0, 300, 4, 100), (2, 1, 10, 8, 10), (3, 2, 1000, 4, 1000), (4, 150, 1000, 2, 1000)]))
        #expect(r.engine == [0: 0, 1: 0, 2: 400, 3: 410, 4: 150])
        expectAgreement(r)
    }

    @Test func jobKeptBackByAReservationIsRetriedWhenTheReservationMoves() throws {
        // As above, but job 3 needs only 2: kept back at t=2 (nothing spare at t=100), it may
        // start at t=150, when job 4's arrival makes an event and 2 are spare. (Regression: the
        // engine did not retry a job kept back while neither the head nor the capacity changed.)
        let r = try bothReplays(
            swf(
                maxProcs: 10,
                [(0, 0, 400, 2, 140), (1, 0, 300, 4, 100), (2, 1, 10, 8, 10), (3, 2, 1000, 2, 1000), (4, 150, 10, 6, 10)]))
        #expect(r.engine == [0: 0, 1: 0, 2: 400, 3: 150, 4: 410])
        expectAgreement(r)
    }

    @Test func sliceReplaysOnAnEmptyMachine() throws {
        let text = swf(maxProcs: 10, [(1, 0, 1000, 10, 1000), (2, 5, 10, 10, 10), (3, 6, 10, 10, 10), (4, 7, 10, 4, 10)])
        let trace = try SWFTrace(parsing: text)
        let slice = try TraceReplay.slice(trace.jobs, from: 1, count: 2)
        #expect(slice.map(\.id) == [2, 3])
        let outcome = try TraceReplay.run(slice, processors: 10)
        // Job 2 starts at its submit time: job 1 is not part of the slice.
        #expect(outcome.starts == [5, 15])
        #expect(outcome.report.jobs == 2)
        #expect(outcome.report.makespanS == 20)
        #expect(try TraceReplay.slice(trace.jobs, from: 3, count: nil).map(\.id) == [4])
        #expect(try TraceReplay.slice(trace.jobs, from: 2, count: 100).map(\.id) == [3, 4])
        #expect(throws: TraceReplay.Failure.self) { try TraceReplay.slice(trace.jobs, from: 4, count: 1) }
        #expect(throws: TraceReplay.Failure.self) { try TraceReplay.slice(trace.jobs, from: 0, count: 0) }
    }

    @Test func figuresFollowTheirDefinitions() throws {
        // 4 processors; job 1 (4, 100 s) at 0; job 2 (2, 5 s) at 10 waits 90 s; job 3 (2, 20 s) at 100.
        let text = swf(maxProcs: 4, [(1, 0, 100, 4, 100), (2, 10, 5, 2, 5), (3, 100, 20, 2, 20)])
        let r = try bothReplays(text)
        #expect(r.engine == [1: 0, 2: 100, 3: 100])
        #expect(r.report.jobs == 3)
        #expect(r.report.maxWaitS == 90)
        #expect(r.report.meanWaitS == 30)
        // Slowdowns: 1, (90 + 5) / 10 = 9.5 (bounded at 10 s), 1.
        #expect(abs(r.report.meanBoundedSlowdown - 11.5 / 3) < 1e-12)
        #expect(r.report.makespanS == 120)
        #expect(abs(r.report.utilization - (400.0 + 10 + 40) / (4 * 120)) < 1e-12)
        expectAgreement(r)
        let json = String(decoding: try JSONEncoder().encode(r.report), as: UTF8.self)
        for key in [
            "\"jobs\"", "\"mean_wait_s\"", "\"mean_bounded_slowdown\"", "\"max_wait_s\"", "\"utilization\"", "\"makespan_s\"",
        ] {
            #expect(json.contains(key), "\(key) in \(json)")
        }
    }

    /// A seeded trace of `count` jobs on `machine` processors with bursts of simultaneous
    /// submissions, estimates from exact to 4× too long, some missing and some too short (jobs
    /// overrunning them).
    static func randomTrace(seed: UInt64, count: Int, machine: Int) -> String {
        var rng = SplitMix64(seed: seed)
        var jobs: [(id: Int, submit: Int, run: Int, procs: Int, requested: Int)] = []
        var t = 0
        for id in 1...count {
            if rng.next() % 3 != 0 { t += Int(rng.next() % 400) }
            let procs = rng.next() % 2 == 0 ? min(machine, 1 << Int(rng.next() % 7)) : 1 + Int(rng.next() % UInt64(machine))
            let run = 1 + Int(rng.next() % 3000)
            let requested: Int
            switch rng.next() % 10 {
            case 0: requested = -1
            case 1, 2: requested = max(1, run / (2 + Int(rng.next() % 3)))
            case 3, 4: requested = run
            default: requested = run + Int(rng.next() % UInt64(3 * run + 1))
            }
            jobs.append((id, t, run, procs, requested))
        }
        return swf(maxProcs: machine, jobs)
    }

    @Test(arguments: [(UInt64(20_240_613), 64), (UInt64(5), 32), (UInt64(99), 128)])
    func seededRandomTraceAgreesWithTheReference(seed: UInt64, machine: Int) throws {
        let text = Self.randomTrace(seed: seed, count: 300, machine: machine)
        for (order, backfill) in Self.combinations {
            let r = try bothReplays(text, order: order, backfill: backfill)
            #expect(r.report.jobs == 300)
            #expect(r.report.meanWaitS > 0, "the trace should make jobs wait (\(order), \(backfill))")
            let differing = r.engine.keys.filter { r.engine[$0] != r.reference[$0] }.sorted()
            #expect(
                differing.isEmpty,
                "\(order)+\(backfill): jobs \(differing.prefix(10)) start at \(differing.prefix(10).map { r.engine[$0]! }) vs reference \(differing.prefix(10).map { r.reference[$0]! })"
            )
            expectAgreement(r)
        }
    }

    @Test func backfillingShortensWaitsOnTheRandomTrace() throws {
        var rng = SplitMix64(seed: 7)
        var jobs: [(id: Int, submit: Int, run: Int, procs: Int, requested: Int)] = []
        for id in 1...200 {
            let run = 1 + Int(rng.next() % 2000)
            jobs.append((id, id * 60, run, 1 + Int(rng.next() % 32), run))
        }
        let text = swf(maxProcs: 32, jobs)
        let easy = try bothReplays(text).report
        let strict = try bothReplays(text, backfill: .none).report
        #expect(easy.meanWaitS < strict.meanWaitS)
        #expect(easy.utilization >= strict.utilization)
    }
}

/// The public trace next to the repository (`../shared/traces/lublin-aaroh.swf`, or
/// `SUANLI_SWF_TRACE`), when this machine has it; it is never part of the repository.
let publicTracePath: String? = {
    let candidates = [ProcessInfo.processInfo.environment["SUANLI_SWF_TRACE"], "../shared/traces/lublin-aaroh.swf"]
    return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
}()

@Suite("Trace replay on the public trace", .enabled(if: publicTracePath != nil, "no public SWF trace on this machine"))
struct PublicTraceReplayTests {
    @Test(arguments: [(0, 2000), (2000, 2000), (0, Int?.none)] as [(Int, Int?)])
    func engineAgreesWithTheReference(from: Int, count: Int?) throws {
        let text = try String(contentsOfFile: publicTracePath!, encoding: .utf8)
        let trace = try SWFTrace(parsing: text)
        let slice = try TraceReplay.slice(trace.jobs, from: from, count: count)
        let jobs = slice.map {
            ReferenceEASY.Job(submit: $0.submitS, run: $0.runS, procs: $0.processors, estimate: $0.requestedS)
        }
        for (order, backfill) in TraceReplayTests.combinations {
            let outcome = try TraceReplay.run(
                slice, processors: trace.machineProcessors, options: .init(order: order, backfill: backfill))
            let reference = ReferenceEASY(machine: trace.machineProcessors, sjf: order == .sjf, backfill: backfill == .easy)
            let starts = reference.simulate(jobs)
            let differing = slice.indices.filter { outcome.starts[$0] != starts[$0] }
            #expect(differing.isEmpty, "\(order)+\(backfill): \(differing.count) of \(slice.count) jobs start elsewhere")
        }
    }
}
