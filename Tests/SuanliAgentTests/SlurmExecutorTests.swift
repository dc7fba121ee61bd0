import Foundation
import SuanliCore
import Testing

@testable import SuanliAgent

/// Whether a Slurm cluster answers, found once: `SLURM_CONF` from the environment or from the
/// file `scripts/slurm-up.sh` writes (`$SUANLI_SLURM_DIR/env`, default `/tmp/suanli-slurm/env`).
enum SlurmAvailability {
    struct Probe: Sendable {
        var slurmConf: String?
        var available: Bool
        var reason: String
        /// GPUs the node declares (`Gres=gpu:N`).
        var gpus: Int
    }

    static let probe: Probe = {
        let result = run()
        if result.available {
            print("Slurm available: SLURM_CONF=\(result.slurmConf ?? "?"), \(result.reason)")
        } else {
            print("Slurm not available: \(result.reason); run scripts/slurm-up.sh")
        }
        return result
    }()

    static var available: Bool { probe.available }
    static var skipMessage: Comment { Comment(rawValue: "Slurm not available: \(probe.reason); run scripts/slurm-up.sh") }

    private static func run() -> Probe {
        let environment = ProcessInfo.processInfo.environment
        var conf = environment["SLURM_CONF"]
        let envFile = (environment["SUANLI_SLURM_DIR"] ?? "/tmp/suanli-slurm") + "/env"
        if conf == nil, let text = try? String(contentsOfFile: envFile, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                let trimmed = line.hasPrefix("export ") ? line.dropFirst("export ".count) : line[...]
                if trimmed.hasPrefix("SLURM_CONF=") { conf = String(trimmed.dropFirst("SLURM_CONF=".count)) }
            }
        }
        guard let conf else {
            return Probe(slurmConf: nil, available: false, reason: "no SLURM_CONF in the environment and no \(envFile)", gpus: 0)
        }
        guard FileManager.default.fileExists(atPath: conf) else {
            return Probe(slurmConf: conf, available: false, reason: "SLURM_CONF=\(conf) does not exist", gpus: 0)
        }
        guard let sinfo = Spawner.resolve("sinfo", searchPath: environment["PATH"]) else {
            return Probe(slurmConf: conf, available: false, reason: "sinfo is not installed", gpus: 0)
        }
        var env = environment
        env["SLURM_CONF"] = conf
        // A configured but stopped controller makes sinfo retry for a long time.
        let result: CommandRunner.Result
        do {
            result = try CommandRunner.runOnCallingThread([sinfo, "-h", "-N", "-o", "%t %G"], environment: env, timeoutSeconds: 20)
        } catch {
            return Probe(slurmConf: conf, available: false, reason: "cannot run sinfo: \(error)", gpus: 0)
        }
        if result.timedOut {
            return Probe(slurmConf: conf, available: false, reason: "sinfo did not answer within 20 s (SLURM_CONF=\(conf))", gpus: 0)
        }
        let text = (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
        let state = text.split(separator: " ").first.map(String.init) ?? ""
        guard result.exitStatus == .exited(0), ["idle", "mix", "mixed", "alloc", "allocated"].contains(state) else {
            return Probe(slurmConf: conf, available: false, reason: "sinfo says '\(text.prefix(200))'", gpus: 0)
        }
        let gpus = text.range(of: "gpu:").flatMap { Int(text[$0.upperBound...].prefix { $0.isNumber }) } ?? 0
        return Probe(slurmConf: conf, available: true, reason: "node \(text)", gpus: gpus)
    }
}

@Suite("Slurm executor (real Slurm)", .serialized, .enabled(if: SlurmAvailability.available, SlurmAvailability.skipMessage))
struct SlurmExecutorTests {
    let layout: WorkLayout
    let executor: SlurmExecutor

    init() throws {
        layout = WorkLayout(root: try TestSupport.temporaryDirectory())
        executor = SlurmExecutor(
            configuration: .init(slurmConf: SlurmAvailability.probe.slurmConf, stateDirectory: layout.stateDirectory, cancelTimeout: 30))
    }

    private func job(
        _ command: [String], task: String = "s\(UInt32.random(in: 0...UInt32.max))", attempt: Int = 1,
        env: [String: String] = [:], kind: ResourceKind = .cpu, units: Int = 1, timeLimit: Double? = nil
    ) -> Job {
        layout.job(taskID: task, attempt: attempt, command: command, environment: env, kind: kind, units: units,
                   timeLimitSeconds: timeLimit)
    }

    @Test func probeSeesTheNode() async {
        let probe = await executor.probe()
        #expect(probe.available, "\(probe.message)")
    }

    @Test func echoHello() async throws {
        let job = job(
            ["sh", "-c", #"echo hello; echo "$SUANLI_TASK_ID $SUANLI_ATTEMPT $SUANLI_CHECKPOINT_DIR"; echo "$FOO"; pwd; echo oops >&2"#],
            task: "s-hello", attempt: 3, env: ["FOO": "a,b c=d 'q' \"dq\""])
        let running = try await executor.start(job)
        guard case .slurm(let jobID) = running.handle else { Issue.record("not a Slurm handle"); return }
        #expect(!jobID.isEmpty)
        let outcome = try await executor.wait(running)
        #expect(outcome.result == .succeeded, "\(outcome)")
        #expect(outcome.exitStatus == .exited(0))
        let lines = TestSupport.read(job.stdoutPath).split(separator: "\n").map(String.init)
        #expect(lines == ["hello", "s-hello 3 \(job.checkpointDirectory)", "a,b c=d 'q' \"dq\"", job.workingDirectory])
        #expect(TestSupport.read(job.stderrPath) == "oops\n")
        #expect(FileManager.default.fileExists(atPath: job.workingDirectory + "/suanli-job.sh"))
        // Finished jobs leave no record behind.
        #expect(try await executor.recover().isEmpty)
    }

    @Test func gpuJobsGetCUDAVisibleDevicesFromSlurm() async throws {
        try #require(SlurmAvailability.probe.gpus >= 2, "the node declares \(SlurmAvailability.probe.gpus) GPUs")
        let one = job(["sh", "-c", "echo $CUDA_VISIBLE_DEVICES"], kind: .gpu, units: 1)
        let two = job(["sh", "-c", "echo $CUDA_VISIBLE_DEVICES"], kind: .gpu, units: 2)
        let (r1, r2) = (try await executor.start(one), try await executor.start(two))
        #expect(try await executor.wait(r1).result == .succeeded)
        #expect(try await executor.wait(r2).result == .succeeded)
        #expect(["0\n", "1\n"].contains(TestSupport.read(one.stdoutPath)), "\(TestSupport.read(one.stdoutPath))")
        #expect(TestSupport.read(two.stdoutPath) == "0,1\n")
    }

    @Test func failuresReportExitCodesAndSignals() async throws {
        let failing = try await executor.wait(try await executor.start(job(["sh", "-c", "exit 3"])))
        #expect(failing.result == .failed)
        #expect(failing.exitStatus == .exited(3))
        #expect(failing.detail?.hasPrefix("FAILED") == true)
        let killed = try await executor.wait(try await executor.start(job(["sh", "-c", "kill -KILL $$"])))
        #expect(killed.result == .failed)
        #expect(killed.exitStatus == .signaled(9))
        let missing = try await executor.wait(try await executor.start(job(["no-such-program-suanli"])))
        #expect(missing.exitStatus == .exited(127))
    }

    @Test func cancelLeavesNoProcess() async throws {
        let marker = "296.\(Int.random(in: 100_000...999_999))"
        let running = try await executor.start(job(["sleep", marker]))
        #expect(await TestSupport.eventually(within: 20) { !TestSupport.processes(containing: marker).isEmpty })
        #expect(try await executor.status(running) == .running)
        let outcome = try await executor.cancel(running)
        #expect(outcome.result == .cancelled, "\(outcome)")
        #expect(TestSupport.processes(containing: marker).isEmpty)
        #expect(try await executor.cancel(running).result == .cancelled)
    }

    @Test func timeLimitsReachSlurm() async throws {
        let running = try await executor.start(job(["sleep", "300"], timeLimit: 90))
        guard case .slurm(let jobID) = running.handle else { Issue.record("not a Slurm handle"); return }
        let shown = try await CommandRunner.run(
            ["scontrol", "show", "job", "-o", jobID],
            environment: ProcessInfo.processInfo.environment.merging(["SLURM_CONF": SlurmAvailability.probe.slurmConf!]) { $1 })
        #expect(SlurmParser.parseKeyValues(shown.stdout)["TimeLimit"] == "00:02:00")
        #expect(try await executor.cancel(running).result == .cancelled)
    }

    /// Slurm enforces limits in whole minutes and checks them about every 30 s, so this takes
    /// 60–100 s; it runs when `SUANLI_SLURM_SLOW_TESTS=1`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SUANLI_SLURM_SLOW_TESTS"] == "1", "set SUANLI_SLURM_SLOW_TESTS=1 to wait for a Slurm TIMEOUT"))
    func timeLimitIsEnforced() async throws {
        let outcome = try await executor.wait(try await executor.start(job(["sleep", "300"], timeLimit: 1)))
        #expect(outcome.result == .timedOut, "\(outcome)")
    }

    @Test func rejectedSubmissionThrows() async throws {
        await #expect(throws: ExecutorError.self) {
            try await executor.start(self.job(["true"], kind: .gpu, units: 64))
        }
    }

    @Test func aRestartedAgentRecoversItsSlurmJobs() async throws {
        let running = try await executor.start(job(["sleep", "300"], task: "s-recover"))
        let restarted = SlurmExecutor(configuration: .init(slurmConf: SlurmAvailability.probe.slurmConf, stateDirectory: layout.stateDirectory))
        let recovered = try await restarted.recover()
        #expect(recovered == [running])
        let outcome = try await restarted.cancel(recovered[0])
        #expect(outcome.result == .cancelled)
        #expect(try await executor.recover().isEmpty)
    }

    @Test func queueListsJobs() async throws {
        let running = try await executor.start(job(["sleep", "300"]))
        guard case .slurm(let jobID) = running.handle else { Issue.record("not a Slurm handle"); return }
        let queue = try await executor.queue(jobIDs: [jobID])
        #expect(["PENDING", "RUNNING", "CONFIGURING"].contains(queue[jobID]?.state ?? "absent"))
        _ = try await executor.cancel(running)
    }
}
