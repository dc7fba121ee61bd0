import Foundation
import Testing

/// `suanli sim --trace`: the real executable on small SWF files; bad files give a clear error.
@Suite("sim --trace command") struct SimTraceCommandTests {
    /// Writes `text` to a fresh file and returns its path.
    func traceFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("suanli-trace-\(UUID().uuidString).swf").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func replaysATraceAsJSON() async throws {
        // Job 2 (8 of 10) waits for job 1 until t=100; job 3 backfills at t=2 (ends by then).
        let path = try traceFile(
            """
            ; MaxProcs: 10
            1 0 -1 100 6 -1 -1 6 100 -1 1 -1 -1 -1 -1 -1 -1 -1
            2 1 -1 50 8 -1 -1 8 50 -1 1 -1 -1 -1 -1 -1 -1 -1
            3 2 -1 50 4 -1 -1 4 90 -1 1 -1 -1 -1 -1 -1 -1 -1

            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let exe = try suanliExecutable()
        let easy = try await ExternalTools.runDetached([exe, "sim", "--trace", path, "--json"])
        #expect(easy.status == 0, "\(easy.stderr)")
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(easy.stdout.utf8)) as? [String: Double])
        #expect(Set(figures.keys) == ["jobs", "mean_wait_s", "mean_bounded_slowdown", "max_wait_s", "utilization", "makespan_s"])
        #expect(figures["jobs"] == 3)
        #expect(figures["max_wait_s"] == 99)
        #expect(figures["makespan_s"] == 150)
        let strict = try await ExternalTools.runDetached([exe, "sim", "--trace", path, "--backfill", "none", "--json"])
        let strictFigures = try #require(try JSONSerialization.jsonObject(with: Data(strict.stdout.utf8)) as? [String: Double])
        // Without backfilling job 3 waits for job 2 (t=150): 148 s.
        #expect(strictFigures["max_wait_s"] == 148)
        let slice = try await ExternalTools.runDetached([exe, "sim", "--trace", path, "--from", "1", "--jobs", "1", "--json"])
        let sliceFigures = try #require(try JSONSerialization.jsonObject(with: Data(slice.stdout.utf8)) as? [String: Double])
        #expect(sliceFigures["jobs"] == 1)
        #expect(sliceFigures["max_wait_s"] == 0)
        let text = try await ExternalTools.runDetached([exe, "sim", "--trace", path, "--order", "sjf"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("sjf order, EASY backfilling"))
    }

    @Test func badTracesAndOptionsGiveClearErrors() async throws {
        let exe = try suanliExecutable()
        let garbled = try traceFile("; MaxProcs: 8\n1 0 -1 ten 4 -1 -1 4 10\n")
        let headerless = try traceFile("1 0 -1 10 4 -1 -1 4 10\n")
        defer {
            try? FileManager.default.removeItem(atPath: garbled)
            try? FileManager.default.removeItem(atPath: headerless)
        }
        let cases: [([String], String)] = [
            (["--trace", "/nonexistent/trace.swf"], "no such file"),
            (["--trace", FileManager.default.temporaryDirectory.path], "is a directory"),
            (["--trace", garbled], "line 2: field 4 (run time) is not a number: 'ten'"),
            (["--trace", headerless], "MaxProcs"),
            (["--trace", garbled, "--order", "lifo"], "--order must be fcfs or sjf"),
            (["--trace", garbled, "--backfill", "conservative"], "--backfill must be easy or none"),
            (["--order", "sjf"], "--order needs --trace"),
            (["--trace", headerless, "--jobs", "0"], "--jobs must be at least 1"),
        ]
        for (arguments, message) in cases {
            let output = try await ExternalTools.runDetached([exe, "sim"] + arguments)
            #expect(output.status != 0, "\(arguments)")
            #expect(output.stderr.contains(message), "\(arguments): \(output.stderr)")
            #expect(!output.stderr.contains("Fatal error"), "\(arguments)")
        }
    }
}
