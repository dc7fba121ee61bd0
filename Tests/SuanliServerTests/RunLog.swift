import Foundation

/// What the commands of the fault tests wrote: one line per event, appended with `O_APPEND`
/// (`>>`), `start|tick|end TASK ATTEMPT NANOSECONDS` (wall clock, `date +%s%N`).
///
/// An attempt is alive from its `start` line to its last line; one killed in between has no
/// `end` line, and it died at most one tick after its last line.
struct RunLog {
    /// One attempt of one task as the log saw it.
    struct Attempt {
        var starts = 0
        var first = UInt64.max
        var last = UInt64(0)
        var ended = false
    }

    /// By task id, then attempt number.
    var tasks: [String: [Int: Attempt]] = [:]

    /// The command of a task that logs to `path`: a start, `ticks` ticks `pause` seconds apart, an end.
    static func command(path: String, ticks: Int, pause: Double) -> [String] {
        let line = { (kind: String) in #"echo "\#(kind) $SUANLI_TASK_ID $SUANLI_ATTEMPT $(date +%s%N)" >> \#(path)"# }
        let loop = "i=0; while [ $i -lt \(ticks) ]; do sleep \(pause); \(line("tick")); i=$((i+1)); done"
        return ["sh", "-c", "\(line("start")); \(loop); \(line("end"))"]
    }

    /// Reads the log at `path` (an absent file is an empty log).
    init(path: String) {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 4, let attempt = Int(fields[2]), let at = UInt64(fields[3]) else { continue }
            var entry = tasks[String(fields[1]), default: [:]][attempt, default: Attempt()]
            entry.first = min(entry.first, at)
            entry.last = max(entry.last, at)
            switch fields[0] {
            case "start": entry.starts += 1
            case "end": entry.ended = true
            default: break
            }
            tasks[String(fields[1]), default: [:]][attempt] = entry
        }
    }

    /// Attempts whose command was started more than once.
    var repeatedStarts: [String] {
        tasks.flatMap { task, attempts in attempts.filter { $0.value.starts > 1 }.map { "\(task) attempt \($0.key)" } }
    }

    /// Tasks where one attempt was still alive when another began, with the overlap in ms.
    var overlaps: [String] {
        var found: [String] = []
        for (task, attempts) in tasks {
            let ordered = attempts.sorted { $0.value.first < $1.value.first }
            for (earlier, later) in zip(ordered, ordered.dropFirst()) where earlier.value.last >= later.value.first {
                let ms = Double(earlier.value.last - later.value.first) / 1e6
                found.append("\(task): attempt \(earlier.key) alive \(ms) ms after attempt \(later.key) started")
            }
        }
        return found
    }
}

/// A seeded generator (SplitMix64), so that a failing run can be repeated.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
