import Foundation
import SuanliCore
import Testing

@testable import SuanliScheduler

@Suite("Explain") struct ExplainTests {
    func platform() -> SchedulerEngine {
        engine([
            resource("86.1.1/sz-a", free: 4, location: "city.shenzhen", price: 1000),
            resource("86.1.1/sz-b", free: 2, location: "city.shenzhen", price: 1100),
            resource("86.1.2/sg", provider: "86.1.2", free: 0, location: "cluster.shaoguan", price: 800),
            resource("86.1.3/guian", provider: "86.1.3", location: "cluster.guian", price: 600),
            resource(
                "86.1.4/npu", provider: "86.1.4", kind: .npu, arch: "aarch64", model: "Huawei Ascend 910B",
                location: "cluster.guian", price: 700),
            resource(
                "86.1.5/cpu", provider: "86.1.5", kind: .cpu, model: "AMD EPYC 9654", memoryGiB: 8, units: 192,
                location: "city.shenzhen", price: 10),
        ])
    }

    @Test func queuedTaskSaysWhatIsMissing() throws {
        var e = platform()
        let s = spec(8, from: "city.shenzhen", maxRtt: 10)
        #expect(try e.submit("t", spec: s, now: 0).isQueued)
        let x = try #require(e.explain("t"))
        #expect(x.verdict == .queued)
        #expect(x.resources == 6)
        #expect(x.queuePosition == 1)
        #expect(x.step("accept.kind") == Explanation.Step(constraint: "accept.kind", removed: 2, remaining: 4))
        #expect(x.step("max_rtt_ms") == Explanation.Step(constraint: "max_rtt_ms", removed: 1, remaining: 3))
        #expect(x.step("free_units") == Explanation.Step(constraint: "free_units", removed: 3, remaining: 0))
        #expect(
            x.message.hasPrefix("no gpu within 10 ms of city.shenzhen has 8 free units now; the most free has 4 (86.1.1/sz-a)"),
            "\(x.message)")
    }

    @Test func impossibleSpecsAreRejectedWithTheFix() throws {
        var e = platform()
        let noModel = try #require(
            try e.submit("a", spec: spec(1, accept: [alt(.gpu, model: "NVIDIA H100-SXM5-80GB")]), now: 0).explanation)
        #expect(noModel.verdict == .impossible)
        #expect(noModel.step("accept.model")?.remaining == 0)
        #expect(noModel.message.contains("NVIDIA A100-SXM4-80GB"), "lists the models there are: \(noModel.message)")
        let tooFar = try #require(
            try e.submit("b", spec: spec(1, accept: [alt(.npu)], from: "city.shenzhen", maxRtt: 10), now: 0).explanation)
        #expect(tooFar.message.contains("raise max_rtt_ms to"), "\(tooFar.message)")
        #expect(e.status(of: "a") == nil && e.status(of: "b") == nil, "rejected tasks are not kept")
        // Queued, not impossible: capacity exists, it is just busy.
        #expect(try e.submit("c", spec: spec(8, from: "city.shenzhen", maxRtt: 10), now: 0).isQueued)
    }

    @Test func explainingASpecDoesNotChangeAnything() throws {
        let e = platform()
        let x = try e.explain(spec: spec(2, accept: [alt(.gpu), alt(.npu)]))
        #expect(x.verdict == .placeable)
        #expect(x.message.contains("86.1.3/guian"), "\(x.message)")
        let y = e.explain(spec(2), taskID: nil)
        #expect(y.verdict == .placeable)
        #expect(e.placedCount == 0 && e.queuedCount == 0)
    }

    @Test func splitExplanationCountsUnits() throws {
        var e = platform()
        #expect(try e.submit("s", spec: spec(12, gang: false, from: "city.shenzhen", maxRtt: 10), now: 0).isQueued)
        let x = try #require(e.explain("s"))
        #expect(x.message.contains("6 free units in total now, the task needs 12"), "\(x.message)")
    }

    @Test func placedTaskSaysWhere() throws {
        var e = platform()
        let outcome = try e.submit("p", spec: spec(2, accept: [alt(.npu)]), now: 0)
        #expect(outcome.resources == ["86.1.4/npu"])
        let x = try #require(e.explain("p"))
        #expect(x.verdict == .placeable)
        #expect(x.message.contains("2 on 86.1.4/npu"), "\(x.message)")
    }
}
