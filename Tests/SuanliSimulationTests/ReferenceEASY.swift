import Foundation

/// An independent, deliberately plain event-driven simulator of FCFS/SJF with EASY or no
/// backfilling on one machine, written from the textbook definition (it shares no code with the
/// engine or with `TraceReplay`, only the job tuple), to check the engine-based replay against.
///
/// At each event time: jobs that end then leave, jobs submitted then join the queue, then one
/// scheduling pass: start jobs from the head of the (FCFS- or SJF-ordered) queue while they fit;
/// the first that does not fit gets a reservation at the *shadow time*, the earliest time enough
/// processors free up counting running jobs as ending at max(now, start + estimate); the *extra*
/// processors are those free at the shadow time beyond what the head needs. A later job (in queue
/// order) that fits now starts if now + its estimate ≤ shadow time, or if it needs no more than
/// the extra processors (which it then uses up).
struct ReferenceEASY {
    struct Job {
        var submit: Double
        var run: Double
        var procs: Int
        var estimate: Double
    }

    var machine: Int
    var sjf: Bool
    var backfill: Bool

    /// Start time of every job (input order = submit order, ties already broken).
    func simulate(_ jobs: [Job]) -> [Double] {
        var starts = [Double](repeating: -1, count: jobs.count)
        var free = machine
        var waiting: [Int] = []
        // Running jobs: (index, actual end, estimated end).
        var running: [(job: Int, end: Double, estimatedEnd: Double)] = []
        var nextArrival = 0
        while nextArrival < jobs.count || !running.isEmpty || !waiting.isEmpty {
            var now = Double.infinity
            if nextArrival < jobs.count { now = jobs[nextArrival].submit }
            for r in running where r.end < now { now = r.end }
            if now == .infinity { break }  // jobs left waiting with nothing running: cannot happen for valid input
            // 1. Completions.
            for r in running where r.end == now { free += jobs[r.job].procs }
            running.removeAll { $0.end == now }
            // 2. Arrivals.
            while nextArrival < jobs.count && jobs[nextArrival].submit == now {
                waiting.append(nextArrival)
                nextArrival += 1
            }
            // 3. One scheduling pass over the queue in order.
            if sjf {
                waiting.sort { a, b in jobs[a].estimate != jobs[b].estimate ? jobs[a].estimate < jobs[b].estimate : a < b }
            } else {
                waiting.sort()
            }
            var started: Set<Int> = []
            func start(_ j: Int) {
                starts[j] = now
                free -= jobs[j].procs
                running.append((j, now + jobs[j].run, now + jobs[j].estimate))
                started.insert(j)
            }
            var position = 0
            while position < waiting.count && jobs[waiting[position]].procs <= free {
                start(waiting[position])
                position += 1
            }
            if position < waiting.count && backfill {
                let head = waiting[position]
                let ends = running.map { (time: max(now, $0.estimatedEnd), procs: jobs[$0.job].procs) }.sorted {
                    $0.time < $1.time
                }
                var available = free
                var shadow = Double.infinity
                for e in ends {
                    available += e.procs
                    if available >= jobs[head].procs {
                        shadow = e.time
                        break
                    }
                }
                var extra = free - jobs[head].procs
                for e in ends where e.time <= shadow { extra += e.procs }
                for j in waiting[(position + 1)...] where jobs[j].procs <= free {
                    if now + jobs[j].estimate <= shadow {
                        start(j)
                    } else if jobs[j].procs <= extra {
                        start(j)
                        extra -= jobs[j].procs
                    }
                }
            }
            waiting.removeAll { started.contains($0) }
        }
        return starts
    }

    /// The figures the issue defines, computed here on their own.
    static func figures(_ jobs: [Job], _ starts: [Double], machine: Int) -> [String: Double] {
        let waits = zip(jobs, starts).map { $1 - $0.submit }
        let slowdowns = zip(jobs, waits).map { job, wait in max(1, (wait + job.run) / max(job.run, 10)) }
        let first = jobs.map(\.submit).min() ?? 0
        let last = zip(jobs, starts).map { $1 + $0.run }.max() ?? 0
        let work = jobs.map { $0.run * Double($0.procs) }.reduce(0, +)
        let n = Double(jobs.count)
        return [
            "jobs": n, "mean_wait_s": waits.reduce(0, +) / n, "mean_bounded_slowdown": slowdowns.reduce(0, +) / n,
            "max_wait_s": waits.max() ?? 0, "utilization": work / (Double(machine) * (last - first)), "makespan_s": last - first,
        ]
    }
}
