import Foundation
import Logging
import SuanliCore
import Testing

@testable import SuanliAgent

@Suite("Process executor")
struct ProcessExecutorTests {
    let layout: WorkLayout
    let executor: ProcessExecutor

    init() throws {
        layout = WorkLayout(root: try TestSupport.temporaryDirectory())
        executor = ProcessExecutor(configuration: .init(terminationGrace: 2, stateDirectory: layout.stateDirectory))
    }

    private func job(
        _ command: [String], task: String = "t\(UInt32.random(in: 0...UInt32.max))", attempt: Int = 1,
        env: [String: String] = [:], kind: ResourceKind = .cpu, units: Int = 1, devices: [Int]? = nil, cpus: [Int]? = nil,
        timeLimit: Double? = nil
    ) -> Job {
        layout.job(taskID: task, attempt: attempt, command: command, environment: env, kind: kind, units: units,
                   devices: devices, cpus: cpus, timeLimitSeconds: timeLimit)
    }

    @Test func capturesOutputEnvironmentAndWorkingDirectory() async throws {
        let job = job(
            ["sh", "-c", #"echo "out $FOO"; echo err >&2; pwd; echo "$SUANLI_TASK_ID $SUANLI_ATTEMPT $SUANLI_CHECKPOINT_DIR $SUANLI_UNITS""#],
            task: "t-env", attempt: 2, env: ["FOO": "bar baz", "SUANLI_ATTEMPT": "99"], units: 1)
        let running = try await executor.start(job)
        let outcome = try await executor.wait(running)
        #expect(outcome.result == .succeeded)
        #expect(outcome.exitStatus == .exited(0))
        let lines = TestSupport.read(job.stdoutPath).split(separator: "\n").map(String.init)
        #expect(lines == ["out bar baz", job.workingDirectory, "t-env 2 \(job.checkpointDirectory) 1"])
        #expect(TestSupport.read(job.stderrPath) == "err\n")
        #expect(FileManager.default.fileExists(atPath: job.checkpointDirectory))
        #expect(job.workingDirectory.hasSuffix("/t-env/attempt2"))
        #expect(try await executor.status(running) == .finished(outcome))
    }

    /// `mkdir -p` as the executor does it: parents made on the way, an existing directory
    /// accepted, a file in the way refused.
    @Test func directoriesAreMadeWithTheirParents() throws {
        let base = layout.root + "/mkdir-\(UUID().uuidString)"
        #expect(ProcessExecutor.makeDirectory(base + "/a/b/c") == 0)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: base + "/a/b/c", isDirectory: &isDirectory) && isDirectory.boolValue)
        #expect(ProcessExecutor.makeDirectory(base + "/a/b") == 0)
        #expect(FileManager.default.createFile(atPath: base + "/file", contents: Data()))
        #expect(ProcessExecutor.makeDirectory(base + "/file") == ENOTDIR)
        #expect(ProcessExecutor.makeDirectory(base + "/file/x") == ENOTDIR)
        // Parents as NSString's deletingLastPathComponent gives them.
        let parents = [
            "/a/b/c": "/a/b", "/a/b/c/": "/a/b", "/a//b": "/a", "/a": "/", "/": "/", "a": "", "a/b": "a", "/a/b//": "/a",
            "/é/ü/x": "/é/ü",
        ]
        for (path, parent) in parents { #expect(ProcessExecutor.parentDirectory(path) == parent, "\(path)") }
    }

    /// What the agent ships of a log: what is new since `offset`, at most `limit` bytes at once.
    @Test func logsAreReadFromTheirOffset() throws {
        let path = layout.root + "/log-\(UUID().uuidString)"
        #expect(AgentRunner.readLog(path, from: 0, upTo: 10) == nil)  // no file yet
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        #expect(AgentRunner.readLog(path, from: 0, upTo: 10) == nil)  // nothing written
        try Data("hello world".utf8).write(to: URL(fileURLWithPath: path))
        #expect(AgentRunner.readLog(path, from: 0, upTo: 5) == Array("hello".utf8))
        #expect(AgentRunner.readLog(path, from: 5, upTo: 100) == Array(" world".utf8))
        #expect(AgentRunner.readLog(path, from: 11, upTo: 100) == nil)
        #expect(AgentRunner.readLog(path, from: 50, upTo: 100) == nil)
    }

    @Test func agentSecretsDoNotLeak() async throws {
        // The agent's own environment with a secret in it; never `setenv`: the process-wide
        // environment changing while other tests' `Process.run()` copies it crashed the suite.
        var agentEnvironment = ProcessInfo.processInfo.environment
        agentEnvironment["SUANLI_TEST_SECRET_TOKEN"] = "s3cret"
        let base = ProcessExecutor.Configuration.defaultBaseEnvironment(from: agentEnvironment)
        #expect(base["SUANLI_TEST_SECRET_TOKEN"] == nil)
        #expect(base["PATH"] != nil)
        let guarded = ProcessExecutor(configuration: .init(baseEnvironment: base, terminationGrace: 2, stateDirectory: layout.stateDirectory))
        let job = job(["env"])
        let outcome = try await guarded.wait(try await guarded.start(job))
        #expect(outcome.result == .succeeded)
        #expect(!TestSupport.read(job.stdoutPath).contains("s3cret"))
    }

    @Test func exitCodesAndSignals() async throws {
        let failing = try await executor.wait(try await executor.start(job(["sh", "-c", "exit 3"])))
        #expect(failing.result == .failed)
        #expect(failing.exitStatus == .exited(3))
        let killed = try await executor.wait(try await executor.start(job(["sh", "-c", "kill -KILL $$"])))
        #expect(killed.result == .failed)
        #expect(killed.exitStatus == .signaled(SIGKILL))
        #expect(killed.exitStatus?.shellCode == 137)
    }

    @Test func sigpipeIsDefaultInJobs() async throws {
        // The agent ignores SIGPIPE (as servers do); jobs must not inherit that.
        signal(SIGPIPE, SIG_IGN)
        let job = job(["sh", "-c", "yes | head -n 1"])
        let outcome = try await executor.wait(try await executor.start(job))
        #expect(outcome.result == .succeeded)
        #expect(TestSupport.read(job.stdoutPath) == "y\n")
        #expect(TestSupport.read(job.stderrPath) == "")
    }

    @Test func commandNotFoundAndInvalidJobs() async throws {
        await #expect(throws: ExecutorError.commandNotFound("no-such-program-suanli")) {
            try await executor.start(job(["no-such-program-suanli"]))
        }
        await #expect(throws: ExecutorError.self) { try await executor.start(job([])) }
        await #expect(throws: ExecutorError.self) { try await executor.start(job(["true"], attempt: 0)) }
        let relative = Job(taskID: "t", attempt: 1, command: ["true"], workingDirectory: "rel", checkpointDirectory: "/c",
                           kind: .cpu, units: 1, stdoutPath: "/o", stderrPath: "/e")
        await #expect(throws: ExecutorError.self) { try await executor.start(relative) }
    }

    @Test func cancelKillsTheWholeProcessTree() async throws {
        let marker = "299.\(Int.random(in: 100_000...999_999))"
        let job = job(["sh", "-c", "sleep \(marker) & sleep \(marker) & wait"])
        let running = try await executor.start(job)
        guard case .process(let pgid, _) = running.handle else { Issue.record("not a process handle"); return }
        // sh (its command line names the marker too) and the two sleeps.
        #expect(await TestSupport.eventually(within: 20) { TestSupport.processes(containing: marker).count == 3 })
        #expect(Spawner.livingMembers(ofProcessGroup: pgid).count == 3)  // sh and two sleeps
        #expect(try await executor.status(running) == .running)

        let outcome = try await executor.cancel(running)
        #expect(outcome.result == .cancelled)
        #expect(outcome.exitStatus == .signaled(SIGTERM))
        // Nothing of the tree runs any more.
        #expect(TestSupport.processes(containing: marker).isEmpty)
        #expect(Spawner.livingMembers(ofProcessGroup: pgid).isEmpty)
        // Orphaned children become zombies of PID 1 until it reaps them; after that the group is gone.
        let gone = await TestSupport.eventually(within: 20) { kill(-pgid, 0) == -1 && errno == ESRCH }
        #expect(gone, "kill(-\(pgid), 0) still finds the group")
        // Cancelling again returns the same outcome.
        #expect(try await executor.cancel(running) == outcome)
    }

    @Test func cancelEscalatesToSIGKILL() async throws {
        let executor = ProcessExecutor(configuration: .init(terminationGrace: 0.3))
        let job = job(["sh", "-c", "trap '' TERM; sleep 300"])
        let running = try await executor.start(job)
        try await Task.sleep(for: .milliseconds(100))  // let sh install its trap
        let began = Date()
        let outcome = try await executor.cancel(running)
        #expect(outcome.result == .cancelled)
        #expect(outcome.exitStatus == .signaled(SIGKILL))
        #expect(Date().timeIntervalSince(began) >= 0.3)
        #expect(Date().timeIntervalSince(began) < 60, "escalated to SIGKILL, not the end of the 300 s sleep")
    }

    @Test func mainProcessExitKillsLeftovers() async throws {
        let marker = "298.\(Int.random(in: 100_000...999_999))"
        let job = job(["sh", "-c", "sleep \(marker) & echo started"])
        let outcome = try await executor.wait(try await executor.start(job))
        #expect(outcome.result == .succeeded)
        #expect(await TestSupport.eventually(within: 20) { TestSupport.processes(containing: marker).isEmpty })
    }

    @Test func timeLimit() async throws {
        let began = Date()
        let outcome = try await executor.wait(try await executor.start(job(["sleep", "300"], timeLimit: 0.3)))
        #expect(outcome.result == .timedOut)
        #expect(outcome.exitStatus == .signaled(SIGTERM))
        let elapsed = Date().timeIntervalSince(began)
        // Killed by the limit, not by the end of the 300 s sleep (generous: CI machines are busy).
        #expect(elapsed >= 0.3 && elapsed < 60, "took \(elapsed) s")
        // A job that ends in time is not affected by its limit.
        let quick = try await executor.wait(try await executor.start(job(["true"], timeLimit: 5)))
        #expect(quick.result == .succeeded)
    }

    @Test func cpuAffinityIsApplied() async throws {
        let usable = Spawner.currentAffinity()
        let cpu = try #require(usable.last)
        let job = job(["sh", "-c", "grep Cpus_allowed_list /proc/self/status; exec sleep 30"], cpus: [cpu])
        let running = try await executor.start(job)
        guard case .process(let pid, _) = running.handle else { Issue.record("not a process handle"); return }
        let status = TestSupport.read("/proc/\(pid)/status")
        let allowed = status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
        #expect(allowed?.split(separator: "\t").last.map(String.init) == "\(cpu)")
        // The job prints its own mask before it sleeps: wait for that line, then stop it.
        #expect(await TestSupport.eventually(within: 20) { TestSupport.read(job.stdoutPath).hasSuffix("\n") })
        _ = try await executor.cancel(running)
        #expect(TestSupport.read(job.stdoutPath) == "Cpus_allowed_list:\t\(cpu)\n")
        // The agent's own threads keep their mask.
        #expect(Spawner.currentAffinity() == usable)
        // A CPU the machine does not have is an error, not a silently unbound job.
        await #expect(throws: ExecutorError.self) { try await executor.start(self.job(["true"], cpus: [4000])) }
    }

    /// A watcher fed `lines`, then end of file, for an agent of PID `agent` started at `born`; its exit status.
    func lifeline(_ lines: String, agent: pid_t, born: String, path: String) async throws -> Int32 {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        let bytes = Array(lines.utf8)
        #expect(bytes.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) } == bytes.count)
        close(fds[1])
        let watcher = try Spawner.spawn(SpawnSpec(
            path: "/bin/sh", arguments: ["sh", "-c", Lifeline.script, "suanli-lifeline", String(agent), born],
            environment: ["PATH=\(path)"], workingDirectory: nil, stdin: .descriptor(fds[0]), newProcessGroup: true))
        close(fds[0])
        return await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Spawner.waitForExit(watcher)) }.start()
        }
    }

    @Test func procStatIsParsedAfterTheLastParenthesis() throws {
        func parse(_ line: String) -> Spawner.ProcStat? {
            Array(line.utf8).withUnsafeBufferPointer { Spawner.parseProcStat($0) }
        }
        let tail = "1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654321 1000 10 18446744073709551615\n"
        #expect(parse("4242 (sleep) S " + tail) == Spawner.ProcStat(state: "S", processGroup: 4242, startTicks: 987_654_321))
        // A command name may hold spaces, parentheses and digits of its own.
        #expect(parse("4242 (a) Z 9 (b c) R " + tail)?.startTicks == 987_654_321)
        #expect(parse("4242 (a) Z 9 (b c) R " + tail)?.state == "R")
        #expect(parse("4242 (x) S 1 4242") == nil, "cut short")
        #expect(parse("4242 (x) S 1 -5 " + tail.dropFirst(7)) == nil, "a group that is not a number")
        #expect(parse("no parenthesis at all") == nil)
        #expect(parse("4242 (x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 99999999999999999999999 1000\n") == nil, "overflow")
        // This process, as the kernel writes it.
        let own = try #require(Spawner.procStat(getpid()))
        let text = try String(contentsOfFile: "/proc/self/stat", encoding: .utf8)
        let fields = text[text.index(after: text.lastIndex(of: ")")!)...].split(separator: " ")
        #expect(own.startTicks == UInt64(fields[19]) && own.processGroup == getpgrp() && own.state.isLetter)
    }

    /// With `awk` (the usual watcher) and without it (shell builtins alone: a `PATH` with only
    /// `cat` and `sleep`).
    @Test(arguments: [true, false])
    func aLifelineKillsTheGroupsStillListedOnlyWhenTheAgentIsGone(withAwk: Bool) async throws {
        var path = "/usr/bin:/bin"
        if !withAwk {
            path = layout.root + "/no-awk-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            for tool in ["cat", "sleep"] {
                let real = try #require(["/usr/bin/" + tool, "/bin/" + tool].first { FileManager.default.isExecutableFile(atPath: $0) })
                try FileManager.default.createSymbolicLink(atPath: path + "/" + tool, withDestinationPath: real)
            }
        }
        let marker = "298.\(Int.random(in: 100_000...999_999))"
        let job = try Spawner.spawn(SpawnSpec(path: "/bin/sleep", arguments: ["sleep", marker], environment: [], workingDirectory: nil))
        let ticks = try #require(Spawner.processStartTicks(job))
        let agent = try #require(Lifeline.agent)
        // End of file while the agent lives (a descriptor closed by mistake): the job survives.
        let status = try await lifeline("+ \(job) \(ticks)\n", agent: agent.pid, born: String(agent.startTicks), path: path)
        #expect(Spawner.exitStatus(fromWaitStatus: status) == .exited(0))
        #expect(Spawner.processGroupAlive(job), "the job outlived a watcher whose input ended while the agent lives")
        // A dead agent (a PID and start time that do not match): a group the agent unlisted, or
        // whose leader's PID now names another process, is left alone.
        _ = try await lifeline("+ \(job) \(ticks)\n+ 999999 5\n- \(job)\n", agent: agent.pid, born: "1", path: path)
        #expect(Spawner.processGroupAlive(job), "a group the agent had unlisted was killed")
        _ = try await lifeline("+ \(job) \(ticks + 1)\n", agent: agent.pid, born: "1", path: path)
        #expect(Spawner.processGroupAlive(job), "a group whose leader's PID names another process was killed")
        // Unlisting finds the group itself (not one whose number starts with it), first, in the
        // middle or last, also when listed twice.
        _ = try await lifeline(
            "+ \(job)1 1\n+ \(job) \(ticks)\n+ 7\(job) 1\n+ \(job) \(ticks)\n- \(job)\n- \(job)1\n- 7\(job)\n",
            agent: agent.pid, born: "1", path: path)
        #expect(Spawner.processGroupAlive(job), "an unlisted group was killed")
        // A group still listed is killed, wherever it is in the list.
        // (Unlisting a number that starts the job's own leaves the job listed.)
        let prefix = String(String(job).dropLast())
        _ = try await lifeline(
            "+ 1 1\n+ \(job)1 1\n+ \(job) \(ticks)\n+ 7\(job) 1\n- 1\n- \(job)1\n- 7\(job)\n- \(prefix)\n", agent: agent.pid, born: "1", path: path)
        let jobStatus = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Spawner.waitForExit(job)) }.start()
        }
        #expect(Spawner.exitStatus(fromWaitStatus: jobStatus) == .signaled(SIGKILL))
    }

    @Test func recoveryRemovesHalfWrittenRecords() async throws {
        // An agent killed between writing a record and renaming it leaves the temporary behind.
        try FileManager.default.createDirectory(atPath: layout.stateDirectory, withIntermediateDirectories: true)
        for name in ["process-t9.1.json.tmp", ".dat.nosync26EB.kwNDSg"] {
            #expect(FileManager.default.createFile(atPath: layout.stateDirectory + "/" + name, contents: Data("{".utf8)))
        }
        #expect(try await executor.recover().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: layout.stateDirectory).isEmpty)
        // Jobs are recorded in one journal, not a file each; a line cut short by a crash is skipped.
        let running = try await executor.start(job(["sleep", "30"]))
        let names = try FileManager.default.contentsOfDirectory(atPath: layout.stateDirectory)
        #expect(names == [JobJournal.fileName], "\(names)")
        let journal = layout.stateDirectory + "/" + JobJournal.fileName
        let handle = try #require(FileHandle(forWritingAtPath: journal))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("S {\"job\":".utf8))
        try handle.close()
        let restarted = ProcessExecutor(configuration: .init(terminationGrace: 2, stateDirectory: layout.stateDirectory))
        #expect(try await restarted.recover().map(\.key) == [running.key])
        _ = try await executor.cancel(running)
        #expect(try await executor.recover().isEmpty)
    }

    @Test func recordsOfAnAgentFromBeforeTheJournalAreRecovered() async throws {
        // An agent that kept a file per job, then was upgraded: its record moves into the journal.
        let old = RunningJob(job: job(["sleep", "30"], task: "t-legacy"), handle: .process(pid: 999_999, startTicks: 1), startedAt: Date())
        let path = ProcessExecutor.recordPath(in: layout.stateDirectory, prefix: "process-", key: old.key)
        ProcessExecutor.writeRecord(old, to: path, directory: layout.stateDirectory, logger: Logger(label: "test"))
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try await executor.recover().map(\.key) == [old.key])
        #expect(!FileManager.default.fileExists(atPath: path))
        // The PID is gone: its outcome is unknown, and its record ends with it.
        #expect(try await executor.status(old).outcome?.result == .unknown)
        #expect(try await executor.recover().isEmpty)
        let again = ProcessExecutor(configuration: .init(terminationGrace: 2, stateDirectory: layout.stateDirectory))
        #expect(try await again.recover().isEmpty)
    }

    @Test func theJournalIsRewrittenWithTheRunningJobsOnly() throws {
        let directory = layout.stateDirectory + "/compaction"
        let journal = JobJournal(directory: directory)
        let kept = RunningJob(job: job(["true"], task: "t-kept"), handle: .process(pid: 999_998, startTicks: 1), startedAt: Date())
        try journal.started(kept)
        for i in 0..<(JobJournal.compactionLines) {
            let done = RunningJob(job: job(["true"], task: "t-\(i)"), handle: .process(pid: 999_997, startTicks: 1), startedAt: Date())
            try journal.started(done)
            try journal.ended(done.key)
        }
        let lines = try String(contentsOfFile: journal.path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count < JobJournal.compactionLines, "rewritten: \(lines.count) lines")
        #expect(JobJournal(directory: directory).running.map(\.key) == [kept.key])
        #expect(!FileManager.default.fileExists(atPath: journal.path + ".tmp"))
    }

    @Test func deviceVariables() async throws {
        let gpu = job(["sh", "-c", "echo $CUDA_VISIBLE_DEVICES"], env: ["CUDA_VISIBLE_DEVICES": "7"], kind: .gpu, units: 2, devices: [1, 3])
        _ = try await executor.wait(try await executor.start(gpu))
        #expect(TestSupport.read(gpu.stdoutPath) == "1,3\n")
        let npu = job(["sh", "-c", "echo $ASCEND_RT_VISIBLE_DEVICES"], kind: .npu, units: 1, devices: [5])
        _ = try await executor.wait(try await executor.start(npu))
        #expect(TestSupport.read(npu.stdoutPath) == "5\n")
    }

    @Test func cancellingAWaiterLeavesTheJobRunning() async throws {
        let running = try await executor.start(job(["sleep", "30"]))
        let waiter = Task { try await executor.wait(running) }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(try await executor.status(running) == .running)
        #expect(try await executor.cancel(running).result == .cancelled)
    }

    @Test func duplicateStartIsRefused() async throws {
        let job = job(["sleep", "30"])
        let running = try await executor.start(job)
        await #expect(throws: ExecutorError.self) { try await executor.start(job) }
        _ = try await executor.cancel(running)
    }

    @Test func aRestartedAgentRecoversAndKillsItsJobs() async throws {
        let marker = "297.\(Int.random(in: 100_000...999_999))"
        let job = job(["sleep", marker], task: "t-recover")
        let running = try await executor.start(job)
        // Another executor on the same state directory stands for the agent after a restart.
        let restarted = ProcessExecutor(configuration: .init(terminationGrace: 2, stateDirectory: layout.stateDirectory))
        let recovered = try await restarted.recover()
        #expect(recovered.map(\.key) == [job.key])
        #expect(recovered.first?.handle == running.handle)
        #expect(try await restarted.status(recovered[0]) == .running)
        let outcome = try await restarted.cancel(recovered[0])
        #expect(outcome.result == .cancelled)
        #expect(TestSupport.processes(containing: marker).isEmpty)
        #expect(try await restarted.status(recovered[0]).outcome?.result == .unknown)
        // The original executor reaps its child and drops the record.
        _ = try await executor.wait(running)
        #expect(try await restarted.recover().isEmpty)
        #expect(try await executor.recover().isEmpty)
    }

    @Test func startLatency() async throws {
        var startTimes: [Double] = []
        var roundTrips: [Double] = []
        for attempt in 1...30 {
            let job = job(["true"], task: "t-latency", attempt: attempt)
            let began = ContinuousClock.now
            let running = try await executor.start(job)
            let started = ContinuousClock.now
            let outcome = try await executor.wait(running)
            let ended = ContinuousClock.now
            #expect(outcome.result == .succeeded)
            startTimes.append((started - began).milliseconds)
            roundTrips.append((ended - began).milliseconds)
        }
        startTimes.sort()
        roundTrips.sort()
        let median = startTimes[startTimes.count / 2]
        print(String(format: "process executor: start() of `true` median %.2f ms (min %.2f, max %.2f); start→exit median %.2f ms",
                     median, startTimes.first!, startTimes.last!, roundTrips[roundTrips.count / 2]))
        // A figure to read, not a threshold: timing depends on the machine's load.
        #expect(startTimes.count == 30)
    }

    @Test func manyConcurrentJobs() async throws {
        let outcomes = try await withThrowingTaskGroup(of: (Int, JobOutcome).self) { group in
            for index in 0..<100 {
                let job = job(["sh", "-c", "exit \(index % 7)"], task: "t-many-\(index)")
                group.addTask { (index, try await executor.wait(try await executor.start(job))) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.count == 100)
        for (index, outcome) in outcomes { #expect(outcome.exitStatus == .exited(Int32(index % 7))) }
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
