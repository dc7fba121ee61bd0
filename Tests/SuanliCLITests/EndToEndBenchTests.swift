import ArgumentParser
import Foundation
import Synchronization
import SuanliCore
import Testing

@testable import SuanliBenchmarks
@testable import SuanliCLI

/// `suanli bench e2e` with tiny sizes, so that the benchmark cannot rot: every task runs and
/// succeeds, the agents work where `--work-dir` says and leave nothing there.
@Suite("Benchmark: suanli bench e2e")
struct EndToEndBenchTests {
    @Test func aTinyRunSucceedsWithTheAgentsWorkWhereAsked() async throws {
        let work = NSTemporaryDirectory() + "suanli-e2e-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let lines = Lines()
        let figures = try await EndToEndBenchmark(
            tasks: 30, concurrency: 4, units: 4, latencySamples: 3, slurmJobs: 0, workDirectory: work, log: { lines.append($0) }
        ).run()
        #expect(figures["failed"] as? Int == 0)
        #expect((figures["completed_per_s"] as? Double ?? 0) > 0)
        #expect(figures["work_directory_filesystem"] as? String == BenchSupport.filesystemName(work))
        #expect(lines.all.contains { $0.contains("agents' work directories in \(work)/suanli-e2e-work-") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: work).isEmpty, "the run removes its directories")
        let stages = try #require(figures["under_load_stages_ms"] as? [String: [String: Double]])
        #expect(Set(stages.keys) == ["request", "waiting_for_units", "reaching_the_agent", "spawning"])
        #expect(lines.all.contains { $0.contains("where it went under load") })
    }

    @Test func waitStagesSplitSubmitToRunningAtTheTaskEvents() {
        let t0 = Date(timeIntervalSince1970: 1_000)
        func at(_ ms: Double) -> Date { t0.addingTimeInterval(ms / 1000) }
        let placedLate = WaitStages(
            submittedAt: t0,
            events: [
                TaskEvent(state: .queued, at: at(3)), TaskEvent(state: .scheduled, at: at(53)),
                TaskEvent(state: .starting, at: at(120)), TaskEvent(state: .running, at: at(121)),
                // A second attempt's events do not move the first attempt's stages.
                TaskEvent(state: .scheduled, at: at(900)), TaskEvent(state: .running, at: at(950)),
            ])
        #expect(abs(placedLate.milliseconds[.request]! - 3) < 1e-3)
        #expect(abs(placedLate.milliseconds[.waitingForUnits]! - 50) < 1e-3)
        #expect(abs(placedLate.milliseconds[.reachingTheAgent]! - 67) < 1e-3)
        #expect(abs(placedLate.milliseconds[.spawning]! - 1) < 1e-3)
        // A task that never reached an agent has no later stages; a clock step never gives a negative stage.
        let neverPlaced = WaitStages(submittedAt: at(10), events: [TaskEvent(state: .queued, at: at(5))])
        #expect(neverPlaced.milliseconds == [.request: 0])
        let p50 = WaitStages.percentiles([placedLate, neverPlaced], 0.5)
        #expect(p50[.request] == placedLate.milliseconds[.request])
        #expect(abs(p50[.waitingForUnits]! - 50) < 1e-3 && p50.count == 4)
        #expect(WaitStages.percentiles([], 0.99).isEmpty)
    }

    @Test func aWorkDirectoryThatDoesNotExistIsRefused() throws {
        #expect(throws: (any Error).self) { try EndToEndBench.parse(["--work-dir", "/no/such/directory"]) }
        #expect(throws: Never.self) { try EndToEndBench.parse(["--work-dir", NSTemporaryDirectory()]) }
    }

    @Test func filesystemsAreNamedFromTheMountTable() throws {
        #expect(BenchSupport.filesystemName("/proc") == "proc")
        #expect(BenchSupport.filesystemName("/proc/self/fd") == "proc")
        #expect(BenchSupport.filesystemName("/no/such/path") == "unknown")
        #expect(BenchSupport.unescapeMountField("/mnt/a\\040b\\011c") == "/mnt/a b\tc")
        #expect(BenchSupport.unescapeMountField("/plain") == "/plain")
        // Scratch space is in RAM when /dev/shm is a tmpfs, else in the temporary directory.
        let scratch = try BenchSupport.scratchDirectory("test")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        if BenchSupport.filesystemName("/dev/shm") == "tmpfs" {
            #expect(scratch.hasPrefix("/dev/shm/suanli-test-") && BenchSupport.filesystemName(scratch) == "tmpfs")
        } else {
            #expect(scratch.hasPrefix(NSTemporaryDirectory()))
        }
    }
}

/// Progress lines gathered from a benchmark's log callback.
final class Lines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
