import Foundation
import SuanliCore
import SuanliSimulation
import Testing

@testable import SuanliScheduler

@Suite("Determinism") struct DeterminismTests {
    func run(seed: UInt64) throws -> [String] {
        var rng = TestRNG(seed: 99)
        let resources = randomResources(150, rng: &rng)
        var e = engine(resources, configuration: SchedulerConfiguration(seed: seed))
        let workload = SyntheticWorkload(seed: 5)
        var log: [String] = []
        for i in 0..<300 {
            let outcome = try e.submit("t\(i)", spec: workload.spec(i), now: Double(i))
            log.append("t\(i) \(outcome)")
            if i % 4 == 0 { log += e.release("t\(i / 2)", now: Double(i)).scheduled.map { "\($0.id) \($0.placement)" } }
        }
        return log
    }

    @Test func sameInputsSamePlacements() throws {
        #expect(try run(seed: 1) == run(seed: 1))
    }
}
