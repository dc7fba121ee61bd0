import Foundation
import Testing

@testable import SuanliSimulation

@Suite("SWF trace") struct SWFTraceTests {
    @Test func cleaningRules() throws {
        let text = """
            ; Version: 2
            ; Computer: test
            ; MaxNodes: 64
            ; MaxProcs: 16
            ;
            ; job submit wait run alloc cpu mem req-procs req-time …
                1    0  -1   100   4 -1 -1  4  200 -1 1 -1 -1 -1 -1 -1 -1 -1
                2    5  -1     0   4 -1 -1  4  200 -1 0 -1 -1 -1 -1 -1 -1 -1
                3    6  -1    -1   4 -1 -1  4  200 -1 5 -1 -1 -1 -1 -1 -1 -1
                4    7  -1    50  -1 -1 -1  8   60 -1 1 -1 -1 -1 -1 -1 -1 -1
                5    8  -1    50  -1 -1 -1 -1   60 -1 1 -1 -1 -1 -1 -1 -1 -1
                6    9  -1    50  17 -1 -1 17   60 -1 1 -1 -1 -1 -1 -1 -1 -1
                7   10  -1    70   2 -1 -1  2   -1 -1 1 -1 -1 -1 -1 -1 -1 -1
                9    3  -1    10   1 -1 -1  1   10 -1 1 -1 -1 -1 -1 -1 -1 -1
                8    3  -1    10   1 -1 -1  1   10 -1 1 -1 -1 -1 -1 -1 -1 -1

            """
        let trace = try SWFTrace(parsing: text)
        // MaxProcs wins over MaxNodes.
        #expect(trace.machineProcessors == 16)
        #expect(trace.records == 9)
        #expect(trace.skipped == SWFTrace.Skipped(nonPositiveRunTime: 2, noProcessors: 1, tooManyProcessors: 1))
        // Submit order, ties (8 and 9 at t=3) by job number.
        #expect(trace.jobs.map(\.id) == [1, 8, 9, 4, 7])
        let byID = Dictionary(uniqueKeysWithValues: trace.jobs.map { ($0.id, $0) })
        // Allocated processors missing: the requested ones.
        #expect(byID[4]?.processors == 8)
        // Requested time missing: the run time.
        #expect(byID[7]?.requestedS == 70)
        #expect(byID[1] == SWFTrace.Job(id: 1, submitS: 0, runS: 100, processors: 4, requestedS: 200))
    }

    @Test func maxNodesWhenMaxProcsIsAbsent() throws {
        let trace = try SWFTrace(parsing: "; MaxNodes: 32\n1 0 -1 10 32 -1 -1 32 10\n")
        #expect(trace.machineProcessors == 32)
        #expect(trace.jobs.count == 1)
    }

    @Test func errorsNameTheLine() {
        func message(_ text: String) -> String {
            do {
                _ = try SWFTrace(parsing: text)
                return "no error"
            } catch {
                return error.description
            }
        }
        #expect(message("1 0 -1 10 4 -1 -1 4 10\n").contains("MaxProcs"))
        #expect(message("; MaxProcs: many\n") == "line 1: MaxProcs is not an integer: 'many'")
        #expect(message("; MaxProcs: 8\n\n1 0 -1 10 4\n").hasPrefix("line 3: a job line needs at least 9 fields"))
        #expect(message("; MaxProcs: 8\n1 0 -1 ten 4 -1 -1 4 10\n") == "line 2: field 4 (run time) is not a number: 'ten'")
        #expect(message("; MaxProcs: 8\n1.5 0 -1 10 4 -1 -1 4 10\n") == "line 2: field 1 (job number) is not an integer: '1.5'")
        #expect(message("; MaxProcs: 0\n; MaxNodes: -1\n").contains("no machine size"))
    }

    @Test func unreadableFileIsAnError() {
        #expect(throws: SWFTrace.ParseError.self) { try SWFTrace(contentsOf: "/nonexistent/trace.swf") }
    }
}
