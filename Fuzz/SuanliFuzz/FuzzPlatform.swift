import Foundation
import SuanliCore
import SuanliRegistry
import SuanliScheduler

/// The pure state behind the API (registry and scheduler engine) with a few providers and
/// resources, so that decoded bodies and queries go on into the code the server runs next.
struct FuzzPlatform {
    /// The platform clock of every harness: a fixed instant, so that runs reproduce.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    /// Providers `86.1.1` … `86.1.3`.
    static let providers = (1...3).map { Prefix(segments: [86, 1, UInt32($0)])! }

    var registry: Registry
    var engine: SchedulerEngine

    /// The seeded state; each input starts from a copy.
    static let seeded: FuzzPlatform = {
        var registry = Registry(topology: .national)
        let locations = ["cluster.zhangjiakou", "city.shanghai", "cluster.guian"]
        for (i, prefix) in providers.enumerated() {
            let registration = ProviderRegistration(
                name: "p\(i)", contact: "ops@p\(i).example", location: locations[i], renewable: Double(i) / 3, pue: 1.2)
            registry.addProvider(StoredProvider(prefix: prefix, registration: registration, tokenHash: "h\(i)", createdAt: now))
        }
        let shapes: [(ResourceKind, String, String, Double, Int)] = [
            (.gpu, "x86_64", "NVIDIA A100-SXM4-80GB", 80, 8), (.npu, "aarch64", "Huawei Ascend 910B", 64, 8),
            (.cpu, "x86_64", "AMD EPYC 9654", 8, 64),
        ]
        for i in 0..<9 {
            let shape = shapes[i % 3]
            let spec = ResourceSpec(
                kind: shape.0, arch: shape.1, model: shape.2, units: shape.4, memoryGiB: shape.3,
                tflops: TFLOPS(fp32: 19.5, fp16: 312), location: locations[i / 3],
                priceFenPerUnitHour: Int64(100 * (i + 1)), labels: ["rack": "r\(i)"], renewable: i == 4 ? 0.9 : nil)
            let id = try! Identifier(parsing: "\(providers[i / 3])/node-\(i)")
            _ = registry.upsert(id, spec: spec, now: now)
        }
        var engine = SchedulerEngine(topology: .national)
        var resources: [SchedulerResource] = []
        registry.forEachRecord(now: now) { resources.append(SchedulerResource(record: $0)) }
        _ = engine.upsertResources(resources, now: now.timeIntervalSince1970)
        return FuzzPlatform(registry: registry, engine: engine)
    }()
}
