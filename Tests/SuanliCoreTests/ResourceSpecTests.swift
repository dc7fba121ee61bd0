import Foundation
import Testing

@testable import SuanliCore

@Suite("ResourceSpec")
struct ResourceSpecTests {
    static let good = ResourceSpec(
        kind: .gpu, arch: "x86_64", model: "NVIDIA H100-SXM5-80GB", units: 8, memoryGiB: 80,
        tflops: TFLOPS(fp64: 34, fp32: 67, fp16: 989, int8: 1979), location: "cluster.zhangjiakou",
        priceFenPerUnitHour: 2200, labels: ["class": "intelligent", "rack": "机柜-7 🚀", "team/owner": "ai.lab_1"],
        renewable: 0.6)

    func failingField(_ spec: ResourceSpec) -> String? {
        do {
            try spec.validate(topology: .national)
            Issue.record("accepted \(spec)")
            return nil
        } catch {
            #expect(!error.message.isEmpty)
            return error.field
        }
    }

    static func with(_ change: (inout ResourceSpec) -> Void) -> ResourceSpec {
        var spec = good
        change(&spec)
        return spec
    }

    @Test func acceptsAGoodSpec() throws {
        try Self.good.validate(topology: .national)
        // Minimal: no tflops, no labels, no renewable, memory 0, price 0.
        try ResourceSpec(kind: .cpu, arch: "loongarch64", model: "L", units: 1, memoryGiB: 0, location: "hub.gansu",
                         priceFenPerUnitHour: 0).validate(topology: .national)
        // Upper bounds.
        try Self.with {
            $0.units = 1_000_000
            $0.memoryGiB = 1_000_000
            $0.priceFenPerUnitHour = 100_000_000_000
            $0.renewable = 1
            $0.tflops = TFLOPS(fp64: 1_000_000, fp32: 0, fp16: 0, int8: 1_000_000)
            $0.arch = String(repeating: "a", count: 32)
            $0.model = String(repeating: "m", count: 128)
            $0.labels = Dictionary(uniqueKeysWithValues: (0..<64).map { ("k\($0)", String(repeating: "v", count: 256)) })
        }.validate(topology: .national)
        try Self.with { $0.renewable = 0 }.validate(topology: .national)
        try Self.with { $0.labels = ["empty": ""] }.validate(topology: .national)
        for kind in ResourceKind.allCases { try Self.with { $0.kind = kind }.validate(topology: .national) }
        for cls in ComputeClass.allCases { try Self.with { $0.labels = ["class": cls.rawValue] }.validate(topology: .national) }
    }

    @Test func rejectsEachBadFieldByName() {
        let cases: [(String, ResourceSpec)] = [
            ("units", Self.with { $0.units = 0 }),
            ("units", Self.with { $0.units = -8 }),
            ("units", Self.with { $0.units = 1_000_001 }),
            ("price_fen_per_unit_hour", Self.with { $0.priceFenPerUnitHour = -1 }),
            ("price_fen_per_unit_hour", Self.with { $0.priceFenPerUnitHour = 100_000_000_001 }),
            ("location", Self.with { $0.location = "cluster.atlantis" }),
            ("location", Self.with { $0.location = "" }),
            ("location", Self.with { $0.location = "CLUSTER.ZHANGJIAKOU" }),
            ("arch", Self.with { $0.arch = "X86" }),
            ("arch", Self.with { $0.arch = "" }),
            ("arch", Self.with { $0.arch = "x86 64" }),
            ("arch", Self.with { $0.arch = "x86/64" }),
            ("arch", Self.with { $0.arch = String(repeating: "a", count: 33) }),
            ("model", Self.with { $0.model = "" }),
            ("model", Self.with { $0.model = "H100\nrm -rf" }),
            ("model", Self.with { $0.model = String(repeating: "m", count: 129) }),
            ("model", Self.with { $0.model = String(repeating: "模", count: 43) }),  // 129 bytes
            ("memory_gib", Self.with { $0.memoryGiB = -1 }),
            ("memory_gib", Self.with { $0.memoryGiB = .nan }),
            ("memory_gib", Self.with { $0.memoryGiB = .infinity }),
            ("tflops.fp64", Self.with { $0.tflops.fp64 = -1 }),
            ("tflops.fp32", Self.with { $0.tflops.fp32 = .nan }),
            ("tflops.fp16", Self.with { $0.tflops.fp16 = -0.5 }),
            ("tflops.int8", Self.with { $0.tflops.int8 = 1_000_001 }),
            ("labels.rack", Self.with { $0.labels["rack"] = "a\u{7}b" }),
            ("labels.rack", Self.with { $0.labels["rack"] = "line\nbreak" }),
            ("labels.rack", Self.with { $0.labels["rack"] = "del\u{7F}" }),
            ("labels.rack", Self.with { $0.labels["rack"] = String(repeating: "v", count: 257) }),
            ("labels", Self.with { $0.labels["bad key"] = "v" }),
            ("labels", Self.with { $0.labels[""] = "v" }),
            ("labels", Self.with { $0.labels["键"] = "v" }),
            ("labels", Self.with { $0.labels[String(repeating: "k", count: 64)] = "v" }),
            ("labels", Self.with { $0.labels = Dictionary(uniqueKeysWithValues: (0..<65).map { ("k\($0)", "v") }) }),
            ("labels.class", Self.with { $0.labels["class"] = "quantum" }),
            ("labels.class", Self.with { $0.labels["class"] = "Intelligent" }),
            ("renewable", Self.with { $0.renewable = 1.5 }),
            ("renewable", Self.with { $0.renewable = -0.01 }),
            ("renewable", Self.with { $0.renewable = .nan }),
        ]
        for (field, spec) in cases {
            #expect(failingField(spec) == field, "expected \(field)")
        }
    }

    @Test func computeClassDerivation() {
        #expect(ComputeClass.derive(kind: .cpu, labels: [:]) == .general)
        for kind in ResourceKind.allCases where kind != .cpu {
            #expect(ComputeClass.derive(kind: kind, labels: [:]) == .intelligent)
            #expect(kind.isAccelerator)
        }
        #expect(!ResourceKind.cpu.isAccelerator)
        #expect(ComputeClass.derive(kind: .cpu, labels: ["class": "supercomputing"]) == .supercomputing)
        #expect(ComputeClass.derive(kind: .gpu, labels: ["class": "edge"]) == .edge)
        #expect(ComputeClass.derive(kind: .gpu, labels: ["class": "nonsense"]) == .intelligent)
        #expect(Self.with { $0.labels = ["class": "general"] }.computeClass == .general)
        #expect(ComputeClass.general.statisticalPrecision == .fp32)
        #expect(ComputeClass.intelligent.statisticalPrecision == .fp16)
        #expect(ComputeClass.supercomputing.statisticalPrecision == .fp64)
        #expect(ComputeClass.edge.statisticalPrecision == .fp16)
        let t = TFLOPS(fp64: 1, fp32: 2, fp16: 3, int8: 4)
        #expect(Precision.allCases.map { t[$0] } == [1, 2, 3, 4])
    }

    @Test func jsonShapeAndDefaults() throws {
        let data = try SuanliJSON.encoder().encode(Self.good)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"price_fen_per_unit_hour\":2200"))
        #expect(text.contains("\"memory_gib\":80"))
        #expect(try SuanliJSON.decoder().decode(ResourceSpec.self, from: data) == Self.good)
        let minimal = #"{"kind":"cpu","arch":"x86_64","model":"EPYC","units":64,"location":"city.beijing","price_fen_per_unit_hour":10}"#
        let spec = try SuanliJSON.decoder().decode(ResourceSpec.self, from: Data(minimal.utf8))
        #expect(spec.memoryGiB == 0 && spec.tflops == TFLOPS() && spec.labels.isEmpty && spec.renewable == nil)
        #expect(throws: DecodingError.self) {
            try SuanliJSON.decoder().decode(ResourceSpec.self, from: Data(#"{"kind":"tpu","arch":"x","model":"m","units":1,"location":"city.beijing","price_fen_per_unit_hour":1}"#.utf8))
        }
    }

    @Test func providerRegistrationValidation() {
        let good = ProviderRegistration(name: "西部算力 Co.", contact: "ops@example.cn", location: "cluster.zhongwei", renewable: 0.7, pue: 1.15)
        #expect(throws: Never.self) { try good.validate(topology: .national) }
        func field(_ change: (inout ProviderRegistration) -> Void) -> String? {
            var r = good
            change(&r)
            do {
                try r.validate(topology: .national)
                return nil
            } catch { return error.field }
        }
        #expect(field { $0.name = "" } == "name")
        #expect(field { $0.name = "a\u{0}" } == "name")
        #expect(field { $0.contact = String(repeating: "c", count: 201) } == "contact")
        #expect(field { $0.location = "mars" } == "location")
        #expect(field { $0.renewable = 1.01 } == "renewable")
        #expect(field { $0.pue = 0.9 } == "pue")
        #expect(field { $0.pue = 5.1 } == "pue")
        #expect(field { $0.pue = 1 } == nil)
    }
}
