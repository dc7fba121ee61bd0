import Foundation
import SuanliCore
import Testing

@testable import SuanliRegistry

/// `Registry.resolve(_:now:unlessStamped:)`: an unchanged stamp always means an unchanged record.
@Suite("Record stamps")
struct RecordStampTests {
    /// Follows `id` as a cache would: after every step, `unchanged` must mean the cached record
    /// is still the registry's record, and a new record must be the registry's record.
    struct Follower {
        var stamp: RecordStamp?
        var record: ResourceRecord?
        var unchangedAnswers = 0

        mutating func check(_ registry: Registry, _ id: String, now: Date, _ step: String) {
            let truth = registry.resolve(id, now: now)
            switch registry.resolve(id, now: now, unlessStamped: stamp) {
            case .missing:
                #expect(truth == nil, "\(step)")
                (stamp, record) = (nil, nil)
            case .unchanged:
                #expect(stamp != nil && record == truth, "\(step): the stamp did not change but the record did")
                unchangedAnswers += 1
            case .record(let fresh, let newStamp):
                #expect(fresh == truth, "\(step)")
                #expect((newStamp == nil) == (truth?.available == false), "\(step): only available records have stamps")
                (stamp, record) = (newStamp, fresh)
            }
        }
    }

    @Test func everyChangeChangesTheStampAndNothingElseDoes() throws {
        var r = Registry()
        r.addProvider(makeProvider("86.1.1", renewable: 0.2))
        let id = "86.1.1/zjk/gpu-1"
        var follower = Follower()
        follower.check(r, id, now: t0, "before it exists")
        _ = r.upsert(ident(id), spec: makeSpec(), now: t0)
        follower.check(r, id, now: t0, "registered")
        follower.check(r, id, now: at(1), "a second later, no change")
        follower.check(r, id, now: at(1), "the same again")
        #expect(follower.unchangedAnswers == 2)
        let steps: [(String, (inout Registry) throws -> Void)] = [
            ("free units", { _ = try $0.applyTelemetry([TelemetryReport(id: id, freeUnits: 3, healthy: true)], from: prefix("86.1.1"), now: at(2)) }),
            ("a heartbeat with the same figures", { _ = try $0.applyTelemetry([TelemetryReport(id: id, freeUnits: 3, healthy: true)], from: prefix("86.1.1"), now: at(3)) }),
            ("utilization", { _ = try $0.applyTelemetry([TelemetryReport(id: id, freeUnits: 3, healthy: true, utilization: 0.5)], from: prefix("86.1.1"), now: at(3)) }),
            ("replaced spec", { _ = $0.upsert(ident(id), spec: makeSpec(price: 1234), now: at(4)) }),
            ("replaced with the same spec", { _ = $0.upsert(ident(id), spec: makeSpec(price: 1234), now: at(4)) }),
            ("its own renewable share", { var spec = makeSpec(price: 1234); spec.renewable = 0.9; _ = $0.upsert(ident(id), spec: spec, now: at(4)) }),
            ("unhealthy", { _ = try $0.applyTelemetry([TelemetryReport(id: id, freeUnits: 0, healthy: false)], from: prefix("86.1.1"), now: at(5)) }),
            ("healthy again", { _ = try $0.applyTelemetry([TelemetryReport(id: id, freeUnits: 8, healthy: true)], from: prefix("86.1.1"), now: at(6)) }),
            ("deleted", { _ = $0.remove(id) }),
            ("re-created as it was", { _ = $0.upsert(ident(id), spec: makeSpec(price: 1234), now: at(6)) }),
        ]
        for (name, step) in steps {
            try step(&r)
            follower.check(r, id, now: at(6), name)
            follower.check(r, id, now: at(6), name + ", asked again")
        }
        // Stale: no stamp while its report is older than the timeout, so the age in its reason is always current.
        follower.check(r, id, now: at(100), "stale")
        follower.check(r, id, now: at(101), "stale a second later")
        #expect(r.resolve(id, now: at(100))?.unavailableReason != r.resolve(id, now: at(101))?.unavailableReason)
    }
}
