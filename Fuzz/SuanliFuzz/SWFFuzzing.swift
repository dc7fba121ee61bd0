import Foundation
import SuanliSimulation

/// Standard Workload Format traces: parsed and cleaned by ``SWFTrace``, and small ones
/// replayed by ``TraceReplay`` in every order and backfill mode.
///
/// Invariants: no trap; kept jobs obey the cleaning rules and are in submit order; a replay
/// starts every job once, never before its submission.
enum SWFFuzzing {
    /// Largest cleaned trace replayed per input (replays are the slow part).
    static let maxReplayedJobs = 48

    @Sendable static func run(_ input: UnsafeBufferPointer<UInt8>) {
        let trace: SWFTrace
        do throws(SWFTrace.ParseError) {
            trace = try SWFTrace(parsing: input.text)
        } catch {
            require(error.description.utf8.count <= 1024, "parse error of \(error.description.utf8.count) bytes")
            if let line = error.line { require(line >= 1, "line \(line)") }
            return
        }
        require(trace.machineProcessors > 0, "machine of \(trace.machineProcessors)")
        require(trace.records == trace.jobs.count + trace.skipped.total, "records \(trace.records) ≠ kept + skipped")
        for job in trace.jobs {
            require(job.runS > 0 && job.runS.isFinite, "run time \(job.runS) kept")
            require(job.requestedS > 0 && job.requestedS.isFinite, "requested time \(job.requestedS) kept")
            require((1...trace.machineProcessors).contains(job.processors), "\(job.processors) processors kept")
            require(job.submitS.isFinite, "submit \(job.submitS) kept")
        }
        for (a, b) in zip(trace.jobs, trace.jobs.dropFirst()) {
            require(a.submitS < b.submitS || (a.submitS == b.submitS && a.id <= b.id), "jobs out of order")
        }
        guard trace.jobs.count <= maxReplayedJobs else { return }
        for order in TraceReplay.Order.allCases {
            for backfill in TraceReplay.Backfill.allCases {
                let outcome: TraceReplay.Outcome
                do throws(TraceReplay.Failure) {
                    outcome = try TraceReplay.run(
                        trace.jobs, processors: trace.machineProcessors, options: .init(order: order, backfill: backfill))
                } catch {
                    require(!error.message.isEmpty && error.message.utf8.count <= 1024, "failure message")
                    continue
                }
                require(outcome.starts.count == trace.jobs.count, "\(outcome.starts.count) starts")
                for (job, start) in zip(trace.jobs, outcome.starts) {
                    require(start >= job.submitS, "job \(job.id) started at \(start) before its submission \(job.submitS)")
                }
                require(outcome.report.jobs == trace.jobs.count, "report counts \(outcome.report.jobs) jobs")
            }
        }
        if !trace.jobs.isEmpty, let slice = try? TraceReplay.slice(trace.jobs, from: trace.jobs.count / 2, count: 3) {
            require(slice.count <= 3 && !slice.isEmpty, "slice of \(slice.count)")
        }
    }
}
