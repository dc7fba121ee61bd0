import Foundation
import SuanliAgent
import Testing

/// Python tools the suite drives (selenium, schemathesis, openapi-spec-validator,
/// prometheus_client): found through `SUANLI_TEST_PYTHON` (`.ci/run` sets it to a venv built
/// from `scripts/ci-requirements.txt`), else `/tmp/suanli-ci-venv/bin/python`, else `python3`.
///
/// A test that needs a tool which is missing is skipped with a message, except under
/// `SUANLI_CI=1` (set by `.ci/run`), where a missing tool is a failure: CI must run them all.
enum ExternalTools {
    /// The Python interpreter to use.
    static let python: String = {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["SUANLI_TEST_PYTHON"], !path.isEmpty { return path }
        let venv = "/tmp/suanli-ci-venv/bin/python"
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }()

    /// Whether CI demands every external tool.
    static let required = ProcessInfo.processInfo.environment["SUANLI_CI"] == "1"

    /// Whether `python` can import every module in `modules`.
    static func pythonHas(_ modules: String...) -> Bool {
        let result = try? run([python, "-c", modules.map { "import \($0)" }.joined(separator: "; ")])
        return result?.status == 0
    }

    /// Whether an executable exists at `path`.
    static func executable(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// A trait that skips the test when `available` is false, unless CI demands the tool
    /// (then the test runs and fails on the missing tool, saying which).
    static func needs(_ what: String, _ available: @autoclosure @escaping @Sendable () -> Bool) -> ConditionTrait {
        .enabled(if: required || available(), "needs \(what); see scripts/ci-requirements.txt and .ci/run")
    }

    /// The outcome of a finished command.
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `arguments` (the first is the program; a bare name is looked up on PATH), with extra
    /// `environment`, and waits for it. Blocking: call it from a detached task or a thread, not
    /// from many cooperative tasks at once.
    static func run(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws -> Output {
        // Through /usr/bin/env like before: a bare name is looked up on the merged PATH.
        let result = try CommandRunner.runOnCallingThread(
            ["/usr/bin/env"] + arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            workingDirectory: directory, timeoutSeconds: 1800)
        let status: Int32 =
            switch result.exitStatus {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
        return Output(status: status, stdout: result.stdout, stderr: result.stderr)
    }

    /// Runs blocking `body` on its own thread, off the cooperative pool.
    static func detached<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// Runs `run` off the cooperative pool.
    static func runDetached(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try run(arguments, environment: environment, directory: directory) })
            }.start()
        }
    }
}

import Synchronization
