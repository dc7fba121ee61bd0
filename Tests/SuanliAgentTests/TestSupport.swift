import Foundation

@testable import SuanliAgent

/// Helpers shared by the agent tests.
enum TestSupport {
    /// A fresh directory under /tmp (left in place for inspection; /tmp is cleaned by the OS).
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "suanli-agent-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs a command to completion and returns its standard output (fails on non-zero exit).
    static func shell(_ arguments: [String]) throws -> String {
        let result = try CommandRunner.runOnCallingThread(arguments, timeoutSeconds: 120)
        guard result.exitStatus == .exited(0) else { throw TestFailure("\(arguments) exited \(result.exitStatus)") }
        return result.stdout
    }

    /// Reads a file as UTF-8 ("" if missing).
    static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// Polls `condition` every 20 ms for up to `seconds`.
    static func eventually(within seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// PIDs of live processes whose command line contains `marker`.
    static func processes(containing marker: String) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), pid != getpid(),
                let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"), !raw.isEmpty
            else { return nil }
            let cmdline = String(decoding: raw.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            guard cmdline.contains(marker) else { return nil }
            if let stat = Spawner.procStat(pid), stat.state == "Z" { return nil }
            return pid
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
