import Foundation
import SuanliCore

/// A reproducible stream of task specs with mixed constraints, for the simulator and benchmarks.
///
/// Demand comes from the demand cities (eastern ones more often); task `i` depends only on
/// `(seed, i)`. The mix: AI training (gang, CUDA or Ascend build, hours), latency-bound
/// inference (gang, 1–2 units within 10–20 ms of the data), CPU batch (split over many
/// resources, price-capped), green jobs (minimum renewable share, greenest objective) and
/// HPC (split over supercomputing cores).
public struct SyntheticWorkload: Sendable {
    /// The kinds of task in the mix.
    public enum Class: String, Sendable, CaseIterable {
        case training, inference, batch, green, hpc
    }

    public let seed: UInt64
    let cities: [String]
    let cityWeights: [Double]

    /// Creates a workload over the demand cities of `topology`.
    public init(seed: UInt64, topology: Topology = .national) {
        self.seed = seed
        let cityLocations = topology.locations.filter { $0.kind == .city }
        self.cities = cityLocations.map(\.code)
        // Eastern cities produce three times the demand of the others.
        self.cityWeights = cityLocations.map { $0.region == .east ? 3 : 1 }
    }

    /// The class of task `index`.
    public func taskClass(_ index: Int) -> Class {
        var rng = SplitMix64(seed: SplitMix64.mix(seed ^ 0xC1A5_5E5, UInt64(index)))
        let x = Double.random(in: 0..<1, using: &rng)
        switch x {
        case ..<0.30: return .training
        case ..<0.62: return .inference
        case ..<0.85: return .batch
        case ..<0.95: return .green
        default: return .hpc
        }
    }

    /// The spec of task `index`.
    public func spec(_ index: Int) -> TaskSpec {
        var rng = SplitMix64(seed: SplitMix64.mix(seed, UInt64(index)))
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        func city() -> String {
            let total = cityWeights.reduce(0, +)
            var x = Double.random(in: 0..<total, using: &rng)
            for (i, w) in cityWeights.enumerated() {
                if x < w { return cities[i] }
                x -= w
            }
            return cities[cities.count - 1]
        }
        func exponential(mean: Double, min low: Double, max high: Double) -> Double {
            let u = Double.random(in: Double.ulpOfOne..<1, using: &rng)
            return Swift.min(high, Swift.max(low, -mean * log(u))).rounded()
        }
        let cuda = TaskSpec.Run(command: ["python", "train.py", "--backend", "cuda"], env: ["FRAMEWORK": "cuda"])
        let cann = TaskSpec.Run(command: ["python", "train.py", "--backend", "cann"], env: ["FRAMEWORK": "cann"])
        let priority = chance(0.02) ? 100 : (chance(0.10) ? 10 : 0)
        let name = "task-\(index)"
        switch taskClass(index) {
        case .training:
            let units = pick([1, 2, 4, 8, 8])
            return TaskSpec(
                name: name, priority: priority, units: units, gang: true,
                accept: [
                    .init(kind: .gpu, arch: "x86_64", minMemoryGiB: pick([24.0, 48, 64, 80]), run: cuda),
                    .init(kind: .npu, arch: "aarch64", model: "Huawei Ascend 910B", run: cann),
                ],
                dataLocation: city(), maxRttMs: chance(0.3) ? 30 : nil,
                maxPriceFenPerUnitHour: chance(0.3) ? Int64(pick([700, 900, 1500])) : nil,
                minRenewable: chance(0.2) ? 0.5 : nil, durationS: exponential(mean: 3 * 3600, min: 600, max: 12 * 3600),
                objective: chance(0.5) ? .default : .cheapest)
        case .inference:
            let edge = chance(0.4)
            return TaskSpec(
                name: name, priority: priority, units: pick([1, 1, 2]), gang: true,
                accept: [
                    .init(kind: .gpu, minMemoryGiB: 16, run: cuda),
                    .init(kind: .npu, arch: "aarch64", run: cann),
                ],
                dataLocation: city(), maxRttMs: edge ? 10 : 20,
                durationS: exponential(mean: 1800, min: 120, max: 4 * 3600),
                objective: chance(0.5) ? .closest : .default)
        case .batch:
            return TaskSpec(
                name: name, priority: priority, units: pick([32, 64, 128, 256, 512]), gang: false,
                accept: [
                    .init(kind: .cpu, arch: "x86_64", minMemoryGiB: 4, run: .init(command: ["./batch", "--arch", "x86_64"])),
                    .init(kind: .cpu, arch: "aarch64", run: .init(command: ["./batch", "--arch", "aarch64"])),
                ],
                dataLocation: city(), maxPriceFenPerUnitHour: chance(0.5) ? 9 : nil,
                durationS: exponential(mean: 5400, min: 300, max: 8 * 3600), objective: .cheapest)
        case .green:
            return TaskSpec(
                name: name, priority: priority, units: pick([1, 2, 4]), gang: true,
                accept: [
                    .init(kind: .gpu, minMemoryGiB: 24, run: cuda),
                    .init(kind: .npu, run: cann),
                ],
                dataLocation: city(), minRenewable: pick([0.5, 0.6, 0.7]),
                durationS: exponential(mean: 2 * 3600, min: 600, max: 8 * 3600), objective: .greenest)
        case .hpc:
            return TaskSpec(
                name: name, priority: priority, units: pick([128, 256, 512, 1024]), gang: false,
                accept: [
                    .init(kind: .cpu, arch: "sw_64", run: .init(command: ["./solver", "--sunway"])),
                    .init(kind: .cpu, model: "Intel Xeon Gold 6458Q (HPC)", run: .init(command: ["./solver"])),
                ],
                dataLocation: city(),
                durationS: exponential(mean: 2 * 3600, min: 600, max: 8 * 3600), objective: .cheapest)
        }
    }
}
