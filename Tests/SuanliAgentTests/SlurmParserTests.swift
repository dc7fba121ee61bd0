import Foundation
import SuanliCore
import Testing

@testable import SuanliAgent

/// Parsing Slurm 22.05 outputs captured from the single-node cluster of `scripts/slurm-up.sh`,
/// and the batch script and `sbatch` arguments the executor generates.
@Suite("Slurm parsers")
struct SlurmParserTests {
    static let failedJob = """
        JobId=1 JobName=wrap UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901759 Nice=0 Account=(null) QOS=(null) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0 RunTime=00:00:01 TimeLimit=UNLIMITED TimeMin=N/A SubmitTime=2026-11-21T23:15:14 EligibleTime=2026-11-21T23:15:14 AccrueTime=2026-11-21T23:15:14 StartTime=2026-11-21T23:15:14 EndTime=2026-11-21T23:15:15 Deadline=N/A SuspendTime=None SecsPreSuspend=0 LastSchedEval=2026-11-21T23:15:14 Scheduler=Main Partition=debug AllocNode:Sid=localhost:20999 ReqNodeList=(null) ExcNodeList=(null) NodeList=vm BatchHost=vm NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:* TRES=cpu=1,mem=256M,node=1,billing=1 Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=* MinCPUsNode=1 MinMemoryCPU=256M MinTmpDiskNode=0 Features=(null) DelayBoot=00:00:00 OverSubscribe=OK Contiguous=0 Licenses=(null) Network=(null) Command=/tmp/my jobs/run it.sh WorkDir=/tmp/my jobs StdErr=/tmp/sx/slurm-1.out StdIn=/dev/null StdOut=/tmp/sx/slurm-1.out Power= 

        """

    @Test func submission() {
        #expect(SlurmParser.parseSubmission("42\n") == "42")
        #expect(SlurmParser.parseSubmission("42;cluster-a\n") == "42")
        #expect(SlurmParser.parseSubmission("  7  ") == "7")
        #expect(SlurmParser.parseSubmission("") == nil)
        #expect(SlurmParser.parseSubmission("sbatch: error: Batch job submission failed\n") == nil)
    }

    @Test func scontrolFailedJob() throws {
        let info = try #require(SlurmParser.parseScontrolJob(Self.failedJob))
        #expect(info.jobID == "1")
        #expect(info.state == "FAILED")
        #expect(info.reason == "NonZeroExitCode")
        #expect(info.exitStatus == .exited(3))
        #expect(info.startTime == SlurmParser.parseTime("2026-11-21T23:15:14"))
        #expect(info.endTime != nil)
        let outcome = try #require(info.status.outcome)
        #expect(outcome.result == .failed)
        #expect(outcome.exitStatus == .exited(3))
        #expect(outcome.detail == "FAILED (NonZeroExitCode)")
    }

    @Test func valuesWithSpacesStayWhole() {
        let fields = SlurmParser.parseKeyValues(Self.failedJob)
        #expect(fields["Command"] == "/tmp/my jobs/run it.sh")
        #expect(fields["WorkDir"] == "/tmp/my jobs")
        #expect(fields["TRES"] == "cpu=1,mem=256M,node=1,billing=1")
        #expect(fields["Power"] == "")
    }

    @Test func scontrolStates() throws {
        let pending = "JobId=9 JobName=x JobState=PENDING Reason=Resources Dependency=(null) ExitCode=0:0 StartTime=2026-11-22T00:00:00 EndTime=Unknown"
        let info = try #require(SlurmParser.parseScontrolJob(pending))
        #expect(info.status == .pending(reason: "Resources"))
        #expect(info.startTime == nil)

        let cancelled = "JobId=2 JobState=CANCELLED Reason=None ExitCode=0:15 StartTime=2026-11-21T23:20:01 EndTime=2026-11-21T23:20:03"
        let c = try #require(SlurmParser.parseScontrolJob(cancelled)?.status.outcome)
        #expect(c.result == .cancelled)
        #expect(c.exitStatus == .signaled(15))

        let killed = "JobId=3 JobState=FAILED Reason=NonZeroExitCode ExitCode=0:9"
        #expect(SlurmParser.parseScontrolJob(killed)?.exitStatus == .signaled(9))

        let timeout = "JobId=4 JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15"
        #expect(SlurmParser.parseScontrolJob(timeout)?.status.outcome?.result == .timedOut)

        let completing = "JobId=5 JobState=COMPLETING Reason=None ExitCode=0:0"
        #expect(SlurmParser.parseScontrolJob(completing)?.status == .running)

        #expect(SlurmParser.parseScontrolJob("slurm_load_jobs error: Invalid job id specified\n") == nil)
    }

    @Test func sacct() throws {
        let output = """
            7|COMPLETED|0:0|2026-11-21T23:15:14|2026-11-21T23:15:15
            7.batch|COMPLETED|0:0|2026-11-21T23:15:14|2026-11-21T23:15:15
            8|CANCELLED by 0|0:15|2026-11-21T23:16:00|2026-11-21T23:16:02

            """
        let seven = try #require(SlurmParser.parseSacct(output, jobID: "7"))
        #expect(seven.state == "COMPLETED")
        #expect(seven.status.outcome?.result == .succeeded)
        let eight = try #require(SlurmParser.parseSacct(output, jobID: "8"))
        #expect(eight.state == "CANCELLED")
        #expect(eight.exitStatus == .signaled(15))
        #expect(SlurmParser.parseSacct(output, jobID: "9") == nil)
    }

    @Test func squeue() {
        let jobs = SlurmParser.parseSqueue("12|RUNNING|None\n13|PENDING|Resources\n")
        #expect(jobs["12"]?.state == "RUNNING")
        #expect(jobs["12"]?.reason == nil)
        #expect(jobs["13"]?.reason == "Resources")
    }

    @Test func phases() {
        #expect(SlurmParser.phase(ofState: "CANCELLED+") == .finished(.cancelled))
        #expect(SlurmParser.phase(ofState: "OUT_OF_MEMORY") == .finished(.failed))
        #expect(SlurmParser.phase(ofState: "NODE_FAIL") == .finished(.failed))
        #expect(SlurmParser.phase(ofState: "REQUEUED") == .pending)
        #expect(SlurmParser.phase(ofState: "CONFIGURING") == .running)
    }

    @Test func exitCodes() {
        #expect(SlurmParser.parseExitCode("0:0") == .exited(0))
        #expect(SlurmParser.parseExitCode("127:0") == .exited(127))
        #expect(SlurmParser.parseExitCode("0:9") == .signaled(9))
        #expect(SlurmParser.parseExitCode("garbage") == nil)
    }

    @Test func timesAreLocal() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        let date = try #require(SlurmParser.parseTime("2026-01-02T03:04:05", timeZone: utc))
        #expect(date.timeIntervalSince1970 == 1_767_323_045)
        #expect(SlurmParser.parseTime("Unknown") == nil)
        #expect(SlurmParser.parseTime("None") == nil)
    }

    static let job = Job(
        taskID: "t42", attempt: 2, command: ["python3", "train.py", "--name", "it's \"quoted\" $HOME `x` \\ ;", ""],
        environment: ["A": "1"], workingDirectory: "/w/t42/attempt2", checkpointDirectory: "/w/t42/checkpoint",
        kind: .gpu, units: 2, timeLimitSeconds: 90, stdoutPath: "/w/t42/attempt2/stdout-%j.log",
        stderrPath: "/w/t42/attempt2/stderr.log")

    @Test func scriptQuotesEveryArgument() throws {
        let script = SlurmScript.render(Self.job)
        #expect(script.hasPrefix("#!/bin/sh\n"))
        #expect(script.contains("exec 'python3' 'train.py' '--name' 'it'\\''s \"quoted\" $HOME `x` \\ ;' ''\n"))
        // The shell must give back exactly the original argv.
        let dir = try TestSupport.temporaryDirectory()
        var echoJob = Self.job
        echoJob.command = ["printf", "[%s]\\n"] + Self.job.command
        let path = dir + "/script.sh"
        try SlurmScript.render(echoJob).write(toFile: path, atomically: true, encoding: .utf8)
        let result = try TestSupport.shell(["/bin/sh", path])
        #expect(result == Self.job.command.map { "[\($0)]" }.joined(separator: "\n") + "\n")
    }

    @Test func sbatchArguments() throws {
        let arguments = try SlurmScript.sbatchArguments(
            for: Self.job, scriptPath: "/w/t42/attempt2/suanli-job.sh",
            options: SlurmScript.Options(partition: "gpu", extraArguments: ["--qos=normal"]))
        #expect(arguments == [
            "--parsable", "--job-name=suanli-t42-a2", "--output=/w/t42/attempt2/stdout-%%j.log",
            "--error=/w/t42/attempt2/stderr.log", "--chdir=/w/t42/attempt2", "--export=ALL", "--no-requeue",
            "--nodes=1", "--ntasks=1", "--gres=gpu:2", "--time=2", "--partition=gpu", "--qos=normal",
            "/w/t42/attempt2/suanli-job.sh",
        ])
        var cpuJob = Self.job
        cpuJob.kind = .cpu
        cpuJob.units = 4
        cpuJob.timeLimitSeconds = nil
        let cpuArguments = try SlurmScript.sbatchArguments(for: cpuJob, scriptPath: "/s", options: SlurmScript.Options())
        #expect(cpuArguments.contains("--cpus-per-task=4"))
        #expect(!cpuArguments.contains { $0.hasPrefix("--time") || $0.hasPrefix("--gres") })
        var fpga = Self.job
        fpga.kind = .fpga
        #expect(throws: ExecutorError.self) {
            try SlurmScript.sbatchArguments(for: fpga, scriptPath: "/s", options: SlurmScript.Options(gresNames: [:]))
        }
    }

    @Test func timeLimitRoundsUpToMinutes() {
        #expect(SlurmScript.timeLimit(seconds: 1) == "1")
        #expect(SlurmScript.timeLimit(seconds: 60) == "1")
        #expect(SlurmScript.timeLimit(seconds: 61) == "2")
        #expect(SlurmScript.timeLimit(seconds: 86_400) == "1440")
    }
}
