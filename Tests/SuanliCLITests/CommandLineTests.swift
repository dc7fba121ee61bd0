import ArgumentParser
import Foundation
import SuanliAgent
import SuanliCore
import Testing

@testable import SuanliCLI

/// The command line as a new user meets it: help, misspellings, hints.
@Suite("Command line")
struct CommandLineTests {
    /// The hint for a line that does not parse (`nil`: the parser's own message stands).
    func hint(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        do {
            _ = try SuanliCommand.parseAsRoot(arguments)
            Issue.record("parsed: \(arguments)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return UsageHints.rewrite(error, arguments: arguments)?.message
        }
    }

    /// The parser's message for a line that does not parse.
    func message(_ arguments: [String]) -> String {
        do {
            _ = try SuanliCommand.parseAsRoot(arguments)
            return ""
        } catch {
            return SuanliCommand.message(for: error)
        }
    }

    @Test func aRootKeyNeedsAParentAndMustBeAKey() throws {
        let key = Data(repeating: 7, count: 32).base64EncodedString()
        #expect(message(["serve", "--root-key", key]).contains("--root-key needs --parent"))
        #expect(message(["serve", "--parent", "http://127.0.0.1:9", "--root-key", "not-a-key"]).contains("32 bytes"))
        #expect(message(["serve", "--parent", "http://127.0.0.1:9", "--root-key", Data(count: 16).base64EncodedString()]).contains("32 bytes"))
        let parsed = try #require(try SuanliCommand.parseAsRoot(["serve", "--prefix", "86.1.2", "--parent", "http://127.0.0.1:9", "--root-key", key]) as? Serve)
        #expect(parsed.federation.configuration(publicURL: nil).rootPublicKey == key)
    }

    @Test func helpNeverPrintsSecrets() throws {
        // In a child process with the secrets in its environment only: a process-wide setenv
        // here would leak into every other test's child processes.
        let environment = [
            "SUANLI_TOKEN": "secret-token-from-the-environment", "SUANLI_OPERATOR_TOKEN": "secret-operator-token-0123456789",
        ]
        for command in ["find", "submit", "resolve", "agent", "serve", "up"] {
            let help = try runSuanli([command, "--help"], environment: environment)
            #expect(!help.contains("secret"), "\(command)")
            if command == "find" { #expect(help.contains("$SUANLI_TOKEN")) }
            if command == "serve" { #expect(help.contains("$SUANLI_OPERATOR_TOKEN")) }
        }
        let given = try? SuanliCommand.parseAsRoot(["find", "--token", "t-1"]) as? Find
        #expect(given?.client.token == "t-1")
    }

    /// Runs the built `suanli` with extra environment and returns its output (stdout and stderr).
    func runSuanli(_ arguments: [String], environment: [String: String]) throws -> String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
        var executable: String?
        for _ in 0..<3 where executable == nil {
            let candidate = directory.appendingPathComponent("suanli").path
            if FileManager.default.isExecutableFile(atPath: candidate) { executable = candidate }
            directory = directory.deletingLastPathComponent()
        }
        let process = try ChildProcess(
            [try #require(executable, "the suanli executable is built next to the tests")] + arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            standardOutput: .pipe, standardError: .sameAsStandardOutput)
        let output = process.readToEnd()
        process.waitUntilExit()
        return output
    }

    @Test func misspeltCommandsGetDidYouMean() {
        #expect(hint(["sumbit"])?.contains("Did you mean 'suanli submit'?") == true)
        #expect(hint(["resolv", "86.1.1/x"])?.contains("Did you mean 'suanli resolve'?") == true)
        #expect(hint(["providers", "lsit"])?.contains("Did you mean 'suanli providers list'?") == true)
        #expect(hint(["bench", "registy"])?.contains("Did you mean 'suanli bench registry'?") == true)
        // Help, version and completion scripts end well and keep their output.
        #expect(hint(["--generate-completion-script", "bash"]) == nil)
        #expect(hint(["--version"]) == nil)
        let nothingClose = hint(["xyzzy"])
        #expect(nothingClose?.contains("unknown command 'xyzzy'") == true && nothingClose?.contains("Did you mean") == false)
    }

    @Test func aMisspeltOptionIsReportedFirst() {
        // --near without --max-rtt-ms fails validation; the typo is what to fix first.
        let typo = hint(["find", "--kidn", "gpu", "--near", "city.shanghai"])
        #expect(typo?.contains("unknown option '--kidn' for 'suanli find'. Did you mean '--kind'?") == true)
        #expect(hint(["submit", "--unit", "2", "--", "x"])?.contains("Did you mean '--units'?") == true)
        #expect(hint(["providers", "add", "--nmae", "x"])?.contains("Did you mean '--name'?") == true)
        // A line whose options are all known keeps the parser's message.
        #expect(hint(["find", "--limit", "0"]) == nil)
        #expect(message(["find", "--limit", "0"]).contains("--limit must be between 1 and 1000"))
    }

    @Test func submitSaysWhereTheCommandGoes() {
        let line = hint(["submit", "--kind", "cpu", "echo", "hi"])
        #expect(line?.contains("Unexpected argument 'hi'") == true)
        #expect(line?.contains("suanli submit --kind cpu -- echo hi") == true)
        #expect(message(["submit", "task.yaml", "--", "echo"]).contains("not both"))
    }

    @Test func resolveOfAProviderPrefixPointsToProviders() {
        let text = message(["resolve", "86.1.37"])
        #expect(text.contains("provider prefix") && text.contains("suanli providers"))
        #expect(message(["resolve", "not an id"]).contains("not a valid identifier"))
    }

    @Test func unknownLocationsSuggestTheNearestCode() {
        let near = message(["find", "--near", "city.shangai", "--max-rtt-ms", "20"])
        #expect(near.contains("did you mean 'city.shanghai'?") && near.contains("suanli topology") && !near.contains("/v1/"))
        #expect(message(["submit", "--data-location", "shanghai", "--", "x"]).contains("did you mean 'city.shanghai'?"))
        #expect(message(["topology", "--from", "hub.gansuu"]).contains("did you mean 'hub.gansu'?"))
    }

    @Test func nearQueriesSortNearestFirst() throws {
        let near = try #require(try SuanliCommand.parseAsRoot(["find", "--near", "city.shanghai", "--max-rtt-ms", "20"]) as? Find)
        #expect(near.query.sort == .rtt)
        let cheap = try #require(
            try SuanliCommand.parseAsRoot(["find", "--near", "city.shanghai", "--max-rtt-ms", "20", "--sort", "price"]) as? Find)
        #expect(cheap.query.sort == .price)
        let plain = try #require(try SuanliCommand.parseAsRoot(["find"]) as? Find)
        #expect(plain.query.sort == .registered)
        #expect(message(["find", "--sort", "rtt"]).contains("--sort rtt needs --near"))
        #expect(message(["find", "--sort", "nearest"]).contains("--sort must be one of"))
    }

    @Test func tablesSayWhyAResourceIsUnavailable() {
        let record = ResourceRecord(
            id: try! Identifier(parsing: "86.1.1/a"), provider: try! Prefix(parsing: "86.1.1"), kind: .gpu, computeClass: .intelligent,
            arch: "x86_64", model: "M", units: 8, memoryGiB: 80, tflops: TFLOPS(), location: "city.shanghai", priceFenPerUnitHour: 900,
            labels: [:], renewable: 0.5, version: 1, createdAt: Date(), updatedAt: Date(),
            state: LiveState(freeUnits: 8, healthy: true, utilization: nil, heartbeatAt: Date()), available: false,
            unavailableReason: "stale: last report 34 s ago (limit 30 s)", rttMs: 3.2)
        #expect(availability(record) == "no (stale: last report 34 s ago (limit 30 s))")
        let row = resourceRow(record, rtt: true)
        #expect(row.contains("3.2") && row.last == availability(record))
        #expect(resourceTable(rtt: true).headers.contains("RTT MS") && !resourceTable().headers.contains("RTT MS"))
        #expect(Resolve().describe(record).contains("available   no (stale: last report 34 s ago"))
    }

    @Test func explainOnATaskThatDoesNotWait() {
        func task(_ state: TaskState) -> TaskRecord {
            let spec = TaskSpec(name: "t", units: 1, accept: [.init(kind: .cpu)])
            let placement = Placement(alternative: 0, parts: [.init(resource: "86.1.1/a", units: 1, priceFenPerUnitHour: 1, rttMs: nil, renewable: 0.5)])
            return TaskRecord(
                id: "t1", name: "t", consumer: "c1", state: state, priority: 0, placement: placement, spec: spec,
                createdAt: Date(), updatedAt: Date(), events: [TaskEvent(state: state, at: Date(timeIntervalSince1970: 0))])
        }
        let ended = Explain.status(of: task(.succeeded))
        #expect(ended?.contains("t1 has ended: succeeded") == true && ended?.contains("placeable") == false)
        #expect(Explain.status(of: task(.running))?.contains("t1 is running on 86.1.1/a×1") == true)
        #expect(Explain.status(of: task(.queued)) == nil, "a queued task gets the funnel")
    }

    @Test func progressLineText() {
        let line = ProgressLine("seeding", total: 36, enabled: false)
        #expect(line.text(12) == "seeding  12/36 33%")
        line.update(5)  // disabled: writes nothing, does not crash
        line.finish()
    }
}
