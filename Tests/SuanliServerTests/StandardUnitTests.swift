import Foundation
import SuanliClient
import SuanliCore
import Testing

/// The standard compute unit: the price per standard TFLOPS-hour on records and discovery, the
/// rated-peak table used when a provider omits `tflops`, and the `efficiency` label.
@Suite("Standard unit: price per standard TFLOPS-hour")
struct StandardUnitTests {
    @Test("The peak at the class's precision: declared, from the chip table, corrected by efficiency, or unrated")
    func perUnit() throws {
        // Declared figures win; intelligent counts FP16.
        #expect(gpuSpec().standardTFLOPSPerUnit == 312)
        #expect(gpuSpec(price: 936).priceFenPerStandardHour == 3)
        // Without tflops the table supplies the model's peak; supercomputing counts FP64, general FP32.
        var ascend = ResourceSpec(
            kind: .npu, arch: "aarch64", model: "Huawei Ascend 910B3", units: 8, memoryGiB: 64, location: "cluster.guian",
            priceFenPerUnitHour: 700)
        #expect(ascend.standardTFLOPSPerUnit == 320)
        #expect(ascend.priceFenPerStandardHour == 2.19)  // 700 / 320 = 2.1875, to 0.01 fen
        ascend.labels = ["efficiency": "0.5"]
        #expect(ascend.standardTFLOPSPerUnit == 160)
        var hpc = gpuSpec(model: "NVIDIA A100 PCIe", labels: ["class": "supercomputing"])
        hpc.tflops = TFLOPS()
        #expect(hpc.standardTFLOPSPerUnit == 9.7)
        let cpu = ResourceSpec(
            kind: .cpu, arch: "x86_64", model: "Intel(R) Xeon(R) Platinum 8480+", units: 112, memoryGiB: 8,
            location: "cluster.guian", priceFenPerUnitHour: 12)
        #expect(cpu.standardTFLOPSPerUnit == 0.128 && cpu.priceFenPerStandardHour == 93.75)
        // H200 is not taken for H20, nor an H100 PCIe for an SXM part.
        #expect(ChipPeaks.lookup(model: "NVIDIA H200 141GB")?.name == "NVIDIA H200 SXM")
        #expect(ChipPeaks.lookup(model: "nvidia-h20")?.name == "NVIDIA H20")
        #expect(ChipPeaks.lookup(model: "NVIDIA H100 PCIe")?.tflops.fp16 == 756)
        // Unknown chips, or a known chip without a figure at the class's precision, are unrated.
        #expect(ResourceSpec(
            kind: .asic, arch: "x86_64", model: "Custom ASIC", units: 1, memoryGiB: 0, location: "cluster.guian",
            priceFenPerUnitHour: 5).priceFenPerStandardHour == nil)
        ascend.labels = ["class": "supercomputing"]
        #expect(ascend.standardTFLOPSPerUnit == nil)
        for row in ChipPeaks.table { #expect(!row.source.isEmpty && !row.match.isEmpty) }
    }

    @Test("Records and discovery carry the price; sort=price_per_standard ranks across vendors, unrated last")
    func discovery() async throws {
        try await TestPlatform.with { t in
            let (p, client) = try await t.provider("P")
            // Per unit-hour the A100 is dearest of the rated ones, per standard hour it is cheapest.
            _ = try await client.putResource("\(p)/a100", gpuSpec(price: 900))  // 900/312 = 2.88
            _ = try await client.putResource(
                "\(p)/ascend",
                ResourceSpec(
                    kind: .npu, arch: "aarch64", model: "Huawei Ascend 910B", units: 8, memoryGiB: 64,
                    location: "cluster.zhangjiakou", priceFenPerUnitHour: 1000))  // 1000/320 = 3.125
            _ = try await client.putResource(
                "\(p)/mlu",
                ResourceSpec(
                    kind: .npu, arch: "x86_64", model: "Cambricon MLU370-X8", units: 8, memoryGiB: 48,
                    location: "cluster.zhangjiakou", priceFenPerUnitHour: 300))  // 300/96 = 3.125, registered later
            _ = try await client.putResource(
                "\(p)/asic",
                ResourceSpec(
                    kind: .asic, arch: "x86_64", model: "Custom ASIC", units: 1, memoryGiB: 0,
                    location: "cluster.zhangjiakou", priceFenPerUnitHour: 1))

            let first = try await t.anonymous.find(DiscoveryQuery(limit: 2, sort: .pricePerStandard))
            #expect(first.items.map(\.id.string) == ["\(p)/a100", "\(p)/ascend"])
            #expect(first.items.map(\.priceFenPerStandardHour) == [2.88, 3.13])
            let rest = try await t.anonymous.find(DiscoveryQuery(limit: 2, cursor: first.nextCursor, sort: .pricePerStandard))
            #expect(rest.items.map(\.id.string) == ["\(p)/mlu", "\(p)/asic"] && rest.nextCursor == nil)
            #expect(rest.items.last?.priceFenPerStandardHour == nil)

            // Resolve (the JSON fast path) and discovery show the field; an unrated record omits it.
            let (_, resolved) = try await rawRequest(t.url + "/v1/resolve/\(p)/mlu")
            #expect(resolved.contains("\"price_fen_per_standard_hour\":3.13"))
            let (_, unrated) = try await rawRequest(t.url + "/v1/resolve/\(p)/asic")
            #expect(unrated.contains("\"price_fen_per_unit_hour\":1") && !unrated.contains("price_fen_per_standard_hour"))
            let (status, listed) = try await rawRequest(t.url + "/v1/resources?sort=price_per_standard&limit=1")
            #expect(status == 200 && listed.contains("\"price_fen_per_standard_hour\":2.88"))
            // A cursor of another order is refused.
            let (code, _) = try await rawRequest(t.url + "/v1/resources?sort=price_per_standard&cursor=\(first.nextCursor!.replacingOccurrences(of: "u", with: "p"))")
            #expect(code == 400)

            // A measured efficiency halves the standard figure and doubles the standard price.
            _ = try await client.putResource("\(p)/a100", gpuSpec(price: 900, labels: ["efficiency": "0.5"]))
            #expect(try await t.anonymous.resolve("\(p)/a100").priceFenPerStandardHour == 5.77)
            // An efficiency that is not a fraction is refused, naming the label.
            for bad in ["0", "1.5", "fast"] {
                let message = await expectAPIError(422, "validation_failed") {
                    _ = try await client.putResource("\(p)/x", gpuSpec(labels: ["efficiency": bad]))
                }
                #expect(message.contains("labels.efficiency"), "\(bad)")
            }
        }
    }
}
