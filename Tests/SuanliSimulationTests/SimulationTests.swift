import Foundation
import SuanliCore
import SuanliScheduler
import Testing

@testable import SuanliSimulation

@Suite("Simulation") struct SimulationTests {
    @Test func simulationIsReproducible() {
        let parameters = Simulation.Parameters(providers: 20, resources: 300, tasks: 600, seed: 3)
        var a = Simulation(parameters).run()
        var b = Simulation(parameters).run()
        #expect(a.violations == 0, "\(a.violationSamples)")
        #expect(a.placed > 0)
        a.engineSeconds = 0
        b.engineSeconds = 0
        #expect(a == b)
    }

    @Test func everyArrivalIsAccountedFor() {
        let report = Simulation(.init(providers: 12, resources: 120, tasks: 300, seed: 9, batch: false)).run()
        #expect(report.violations == 0, "\(report.violationSamples)")
        #expect(report.placed + report.expired + report.stillQueued + report.rejected == report.tasks)
        #expect(report.placedByClass.values.reduce(0, +) == report.placed)
        #expect(report.simulatedHours > 0)
    }

    /// A seeded, overloaded run: with fair share the light users (1/32 of the stream each) wait
    /// less than without it and less than the heavy user, spend adds up, and the factors
    /// follow each consumer's share of the spend.
    @Test func fairShareShortensTheLightUsersWaits() throws {
        var parameters = Simulation.Parameters(providers: 12, resources: 300, tasks: 1500, seed: 7, load: 1.5)
        let fair = Simulation(parameters).run()
        parameters.fairShare = false
        let plain = Simulation(parameters).run()
        for report in [fair, plain] {
            #expect(report.violations == 0, "\(report.violationSamples)")
            #expect(report.consumers.values.reduce(0) { $0 + $1.submitted } == report.tasks)
            #expect(report.consumers.values.reduce(Int64(0)) { $0 + $1.spendFen } == report.spendFen)
            #expect(report.preemptions > 0, "spot resources and preemptible tasks: some are preempted")
        }
        func lightWait(_ report: Simulation.Report) -> Double {
            let light = report.consumers.filter { $0.key.hasPrefix("light") }.values
            let placed = light.reduce(0) { $0 + $1.placed }
            return light.reduce(0.0) { $0 + $1.meanWaitS * Double($1.placed) } / Double(max(1, placed))
        }
        let heavy = try #require(fair.consumers["heavy"])
        #expect(lightWait(fair) < lightWait(plain), "light users: \(lightWait(fair)) s with fair share, \(lightWait(plain)) s without")
        #expect(lightWait(fair) < heavy.meanWaitS)
        #expect(heavy.factor < fair.consumers["medium-1"]!.factor && fair.consumers["medium-1"]!.factor < fair.consumers["light-1"]!.factor)
    }

    @Test func eventsPopInTimeThenKindThenIndexOrder() {
        let events = [
            Simulation.Event(time: 5, kind: .arrival, index: 2), Simulation.Event(time: 1, kind: .tick, index: 0),
            Simulation.Event(time: 5, kind: .finish, index: 7), Simulation.Event(time: 5, kind: .arrival, index: 1),
            Simulation.Event(time: 0.5, kind: .arrival, index: 9),
        ]
        let sorted = events.sorted()
        #expect(sorted.map(\.index) == [9, 0, 7, 1, 2])
    }

    @Test func summaryReportsViolationsAndEveryHub() {
        let report = Simulation(.init(providers: 8, resources: 60, tasks: 100, seed: 4)).run()
        let lines = report.summary(load: 0.9, wallSeconds: 1.5)
        #expect(lines.first?.hasPrefix("Suanli simulation: 8 providers, 60 resources, 100 tasks, seed 4, load 0.9") == true)
        #expect(lines.contains("  constraint violations (checked independently): 0"))
        for hub in Topology.hubCodes { #expect(lines.contains { $0.hasPrefix("    \(hub) ") }, "\(hub)") }
    }
}

@Suite("Synthetic data") struct SyntheticDataTests {
    @Test func networkIsAFunctionOfItsSeed() {
        let a = SyntheticNetwork(providers: 36, resources: 500, seed: 11)
        let b = SyntheticNetwork(providers: 36, resources: 500, seed: 11)
        let c = SyntheticNetwork(providers: 36, resources: 500, seed: 12)
        #expect(a.providers == b.providers)
        #expect((0..<500).map(a.resource) == (0..<500).map(b.resource))
        #expect((0..<500).map(a.resource) != (0..<500).map(c.resource))
    }

    @Test func networkResourcesAreValidAndUniquelyNamed() throws {
        let network = SyntheticNetwork(providers: 36, resources: 1000)
        var ids = Set<String>()
        for i in 0..<network.resourceCount {
            let r = network.resource(i)
            #expect(ids.insert(Simulation.resourceID(network, i)).inserted)
            #expect(r.spec.units > 0 && r.spec.priceFenPerUnitHour > 0)
            #expect(Topology.national.location(code: r.spec.location) != nil)
            #expect(HardwareModel.catalog.contains { $0.model == r.spec.model })
        }
        // Four in five providers run a cluster site, round robin over all ten clusters.
        let clusters = Set(network.providers.map(\.registration.location)).filter { $0.hasPrefix("cluster.") }
        #expect(clusters.count == Topology.national.locations.filter { $0.kind == .cluster }.count)
        #expect(network.providers.allSatisfy { $0.registration.contact.hasSuffix(".demo.suanli") })
    }

    @Test func workloadIsAFunctionOfSeedAndIndex() {
        let a = SyntheticWorkload(seed: 5)
        let b = SyntheticWorkload(seed: 5)
        #expect((0..<200).map(a.spec) == (0..<200).map(b.spec))
        #expect((0..<200).map(a.taskClass) == (0..<200).map(b.taskClass))
        let classes = Set((0..<2000).map(a.taskClass))
        #expect(classes == Set(SyntheticWorkload.Class.allCases))
        for i in 0..<200 { #expect(a.spec(i).accept.isEmpty == false) }
    }

    @Test func schedulerResourceMirrorsTheNetwork() {
        let network = SyntheticNetwork(providers: 10, resources: 50, seed: 3)
        for i in 0..<50 {
            let r = network.resource(i)
            let s = Simulation.schedulerResource(network, i)
            #expect(s.id == Simulation.resourceID(network, i))
            #expect(s.units == r.spec.units && s.freeUnits == r.spec.units && s.available)
            #expect(s.provider == "86.1.\(r.provider + 1)")
        }
    }
}
