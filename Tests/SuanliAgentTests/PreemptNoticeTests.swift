import Foundation
import SuanliCore
import Testing

@testable import SuanliAgent

/// `SUANLI_PREEMPT_NOTICE_S`: read from the agent's environment, given to every job.
@Suite("Preemption notice")
struct PreemptNoticeTests {
    @Test func theNoticeComesFromTheEnvironmentWithADefault() throws {
        #expect(try PreemptNotice.seconds(environment: [:]) == 30)
        #expect(try PreemptNotice.seconds(environment: ["SUANLI_PREEMPT_NOTICE_S": "1"]) == 1)
        #expect(try PreemptNotice.seconds(environment: ["SUANLI_PREEMPT_NOTICE_S": "0.5"]) == 0.5)
        for bad in ["", "abc", "-1", "3601", "nan", "inf"] {
            #expect(throws: PreemptNotice.Invalid.self, "\(bad)") { try PreemptNotice.seconds(environment: ["SUANLI_PREEMPT_NOTICE_S": bad]) }
        }
        #expect(PreemptNotice.format(30) == "30" && PreemptNotice.format(1.5) == "1.5")
    }

    @Test func everyJobIsToldItsNotice() {
        let job = Job(
            taskID: "t1", attempt: 2, command: ["true"], environment: ["SUANLI_PREEMPT_NOTICE_S": "999"], workingDirectory: "/tmp",
            checkpointDirectory: "/tmp/cp", kind: .cpu, units: 1, stdoutPath: "/tmp/o", stderrPath: "/tmp/e")
        let environment = ProcessExecutor.environment(
            for: job, configuration: ProcessExecutor.Configuration(baseEnvironment: [:], terminationGrace: 7))
        #expect(environment["SUANLI_PREEMPT_NOTICE_S"] == "7", "the agent's value wins over the task's")
        #expect(environment["SUANLI_ATTEMPT"] == "2")
    }
}
