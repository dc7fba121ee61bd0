import Foundation
import SuanliAgent
import SuanliClient
import SuanliCore
import Testing

/// The built `suanli` executable next to the test bundle.
func suanliExecutable() throws -> String {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
    for _ in 0..<3 {
        let candidate = directory.appendingPathComponent("suanli").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    throw ClientError(status: 0, code: "setup", message: "the suanli executable was not built next to the tests (run swift build first)")
}

/// A `suanli serve` child process (``ChildProcess``: no Foundation `Process`, whose `run()`
/// crashes busy test processes).
final class ServerProcess: Sendable {
    let process: ChildProcess
    let url: String

    init(data: String, token: String, extra: [String] = []) throws {
        process = try ChildProcess(
            [try suanliExecutable(), "serve", "--port", "0", "--data", data, "--operator-token", token, "--log-level", "warning"] + extra,
            standardOutput: .pipe)
        // The first line names the bound port.
        let line = process.readLine() ?? ""
        guard let range = line.range(of: "http://127.0.0.1:") else {
            process.signal(SIGTERM)
            process.waitUntilExit()
            throw ClientError(status: 0, code: "setup", message: "serve did not announce a port: \(line)")
        }
        let port = line[range.upperBound...].prefix { $0.isNumber }
        url = "http://127.0.0.1:\(port)"
    }

    /// The server's process ID.
    var pid: pid_t { process.pid }

    func kill9() {
        process.signal(SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        process.signal(SIGINT)
        process.waitUntilExit()
    }
}

@Suite("Real processes", .serialized)
struct ProcessTests {
    @Test func acknowledgedWritesSurviveKill9() async throws {
        let data = TestPlatform.temporaryDirectory()
        let token = "kill9-operator-token-000000"
        let server = try ServerProcess(data: data, token: token)
        let operatorClient = SuanliClient(server: server.url, token: token)
        let provider = try await operatorClient.registerProvider(
            ProviderRegistration(name: "p", contact: "c", location: "cluster.horinger", renewable: 0.9, pue: 1.1))
        let client = SuanliClient(server: server.url, token: provider.token)
        let prefix = provider.prefix.description
        // Many concurrent writers; the process is killed while they are still writing.
        let acknowledged = AcknowledgedIDs()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<16 {
                group.addTask {
                    var i = lane
                    while true {
                        do {
                            _ = try await client.putResource("\(prefix)/n\(i)", gpuSpec(location: "cluster.horinger"))
                            _ = try await client.report([TelemetryReport(id: "\(prefix)/n\(i)", freeUnits: i % 8, healthy: true)])
                            acknowledged.add(i)
                        } catch { return }
                        i += 16
                    }
                }
            }
            // Kill while the writers are busy: once a good number of writes are acknowledged.
            for _ in 0..<600 where acknowledged.all.count < 40 { try await Task.sleep(for: .milliseconds(50)) }
            server.kill9()
            try await group.waitForAll()
        }
        let written = acknowledged.all
        #expect(written.count > 16, "the writers made progress before the kill")
        let restarted = try ServerProcess(data: data, token: token)
        defer { restarted.stop() }
        let reader = SuanliClient(server: restarted.url)
        let records = try await reader.resolve(batch: written.map { "\(prefix)/n\($0)" })
        for (i, record) in zip(written, records) {
            #expect(record != nil, "acknowledged \(prefix)/n\(i) is missing after kill -9")
            #expect(record?.state.freeUnits == i % 8, "telemetry of n\(i) lost")
        }
        // The provider token still works after the restart.
        _ = try await SuanliClient(server: restarted.url, token: provider.token).putResource("\(prefix)/after", gpuSpec())
    }

    @Test func cliReportsProblemsClearly() async throws {
        func run(_ arguments: [String]) throws -> (Int32, String) {
            let process = try ChildProcess([try suanliExecutable()] + arguments, standardOutput: .pipe, standardError: .sameAsStandardOutput)
            let output = process.readToEnd()
            return (process.waitUntilExit().exitCode ?? 128, output)
        }
        let (badID, badIDOut) = try run(["resolve", "86.01/x"])
        #expect(badID != 0)
        #expect(badIDOut.contains("leading zero"))
        let (unreachable, unreachableOut) = try run(["stats", "--server", "http://127.0.0.1:1"])
        #expect(unreachable == 1)
        #expect(unreachableOut.contains("cannot reach the Suanli server"))
        let (nearOnly, nearOut) = try run(["find", "--near", "city.beijing"])
        #expect(nearOnly != 0)
        #expect(nearOut.contains("--max-rtt-ms"))
        let (badPrefix, prefixOut) = try run(["serve", "--prefix", "86.x"])
        #expect(badPrefix != 0)
        #expect(prefixOut.contains("--prefix"))

        // Against a live server: a table, JSON, and an auth failure with a hint.
        let data = TestPlatform.temporaryDirectory()
        let server = try ServerProcess(data: data, token: "cli-operator-token-0000000")
        defer { server.stop() }
        let (added, addedOut) = try run([
            "providers", "add", "--server", server.url, "--token", "cli-operator-token-0000000", "--name", "CLI Co",
            "--contact", "c@example.com", "--location", "cluster.tianfu", "--renewable", "0.5",
        ])
        #expect(added == 0, "\(addedOut)")
        #expect(addedOut.contains("86.1.1"))
        let (listed, listOut) = try run(["providers", "--server", server.url])
        #expect(listed == 0)
        #expect(listOut.contains("CLI Co"))
        let (json, jsonOut) = try run(["topology", "--json", "--server", server.url])
        #expect(json == 0)
        #expect(jsonOut.contains("\"rtt_ms\""))
        let (denied, deniedOut) = try run([
            "providers", "add", "--server", server.url, "--name", "x", "--contact", "c", "--location", "cluster.tianfu",
        ])
        #expect(denied == 1)
        #expect(deniedOut.contains("hint: pass --token"))
    }
}

final class AcknowledgedIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [Int] = []
    func add(_ id: Int) { lock.lock(); ids.append(id); lock.unlock() }
    var all: [Int] { lock.lock(); defer { lock.unlock() }; return ids.sorted() }
}
