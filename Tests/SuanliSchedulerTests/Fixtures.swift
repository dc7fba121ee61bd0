import Foundation
import SuanliCore
import Testing

@testable import SuanliScheduler

let national = Topology.national

/// A resource description with sensible defaults (an 8-unit A100 node in Zhangjiakou).
func resource(
    _ id: String, provider: String = "86.1.1", kind: ResourceKind = .gpu, arch: String = "x86_64",
    model: String = "NVIDIA A100-SXM4-80GB", memoryGiB: Double = 80, units: Int = 8, free: Int? = nil,
    location: String = "cluster.zhangjiakou", price: Int64 = 900, renewable: Double = 0.5, available: Bool = true
) -> SchedulerResource {
    SchedulerResource(
        id: id, provider: provider, kind: kind, arch: arch, model: model, memoryGiB: memoryGiB, units: units,
        location: location, priceFenPerUnitHour: price, renewable: renewable, freeUnits: free ?? units, available: available)
}

/// An alternative with a trivial command.
func alt(_ kind: ResourceKind, arch: String? = nil, model: String? = nil, memory: Double? = nil) -> TaskSpec.Alternative {
    TaskSpec.Alternative(kind: kind, arch: arch, model: model, minMemoryGiB: memory, run: .init(command: ["run", kind.rawValue]))
}

/// A task spec with defaults (one gang gpu unit, cheapest).
func spec(
    _ units: Int = 1, gang: Bool = true, accept: [TaskSpec.Alternative] = [alt(.gpu)], priority: Int = 0,
    from: String? = nil, maxRtt: Double? = nil, maxPrice: Int64? = nil, minRenewable: Double? = nil,
    duration: Double? = nil, objective: TaskSpec.Objective = .cheapest
) -> TaskSpec {
    TaskSpec(
        name: "t", priority: priority, units: units, gang: gang, accept: accept, dataLocation: from, maxRttMs: maxRtt,
        maxPriceFenPerUnitHour: maxPrice, minRenewable: minRenewable, durationS: duration, objective: objective)
}

/// An engine holding `resources`.
func engine(_ resources: [SchedulerResource], configuration: SchedulerConfiguration = SchedulerConfiguration()) -> SchedulerEngine
{
    var e = SchedulerEngine(topology: national, configuration: configuration)
    e.upsertResources(resources, now: 0)
    return e
}

extension SubmitOutcome {
    var resources: [String] { placement?.parts.map(\.resource) ?? [] }
    var isQueued: Bool { if case .queued = self { true } else { false } }
    var explanation: Explanation? { if case .impossible(let e) = self { e } else { nil } }
}

/// SplitMix64, local to the tests so they do not depend on the code under test for randomness.
struct TestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}

/// Random resources over the national topology: a few shapes, prices, renewable shares, free units.
func randomResources(_ count: Int, rng: inout TestRNG) -> [SchedulerResource] {
    let locations = national.locations.filter { $0.kind != .hub }.map(\.code)
    let shapes: [(ResourceKind, String, String, Double, Int)] = [
        (.gpu, "x86_64", "NVIDIA A100-SXM4-80GB", 80, 8), (.gpu, "x86_64", "NVIDIA L40S", 48, 8),
        (.npu, "aarch64", "Huawei Ascend 910B", 64, 8), (.cpu, "x86_64", "AMD EPYC 9654", 8, 64),
        (.cpu, "aarch64", "Huawei Kunpeng 920-6426", 4, 64),
    ]
    return (0..<count).map { i in
        let shape = rng.pick(shapes)
        let units = shape.4
        return resource(
            "86.1.\(i % 7 + 1)/r\(i)", provider: "86.1.\(i % 7 + 1)", kind: shape.0, arch: shape.1, model: shape.2,
            memoryGiB: shape.3, units: units, free: rng.int(0...units), location: rng.pick(locations),
            price: Int64(rng.int(1...20) * (shape.0 == .cpu ? 1 : 50)), renewable: Double(rng.int(0...10)) / 10,
            available: rng.chance(0.95))
    }
}

/// Checks a placement against a spec and the resources, independently of the engine; the problem or nil.
func violation(_ placement: Placement, _ spec: TaskSpec, _ resources: [String: SchedulerResource]) -> String? {
    guard spec.accept.indices.contains(placement.alternative) else { return "alternative out of range" }
    let a = spec.accept[placement.alternative]
    if placement.units != spec.units { return "units" }
    if spec.gang && placement.parts.count != 1 { return "gang split" }
    for part in placement.parts {
        guard let r = resources[part.resource] else { return "unknown resource" }
        if r.kind != a.kind { return "kind" }
        if let arch = a.arch, arch != r.arch { return "arch" }
        if let model = a.model, model != r.model { return "model" }
        if let m = a.minMemoryGiB, r.memoryGiB < m { return "memory" }
        if let from = spec.dataLocation, let max = spec.maxRttMs, national.rttMs(from: from, to: r.location)! > max {
            return "rtt"
        }
        if let max = spec.maxPriceFenPerUnitHour, r.priceFenPerUnitHour > max { return "price" }
        if let min = spec.minRenewable, r.renewable < min { return "renewable" }
        if !r.available { return "unavailable" }
    }
    return nil
}
