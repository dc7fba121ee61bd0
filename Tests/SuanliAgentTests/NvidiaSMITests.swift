import SuanliAgent
import Testing

/// `nvidia-smi --query-gpu=index,name,uuid,memory.total,utilization.gpu,memory.used
/// --format=csv,noheader,nounits` outputs of several GPU types, as drivers print them.
@Suite("nvidia-smi parser")
struct NvidiaSMITests {
    /// DGX A100 80GB: eight SXM4 boards, two busy.
    static let a100x8 = """
        0, NVIDIA A100-SXM4-80GB, GPU-2d6f3b1e-8c4a-4f0e-9d3b-7a1c5e9f0b21, 81920, 0, 4
        1, NVIDIA A100-SXM4-80GB, GPU-5a9e1c7d-3b2f-4e8a-a1d6-0c4b8f2e9a13, 81920, 87, 61440
        2, NVIDIA A100-SXM4-80GB, GPU-9c0d4e2a-7f1b-4a3c-8e5d-1b6f9a0c2d47, 81920, 100, 79872
        3, NVIDIA A100-SXM4-80GB, GPU-0e3a7b9c-1d5f-4c2e-b8a0-6d4c1f7e3b95, 81920, 0, 4
        4, NVIDIA A100-SXM4-80GB, GPU-7b1f5d3e-9a2c-4e6b-9f0d-3c8a5e1b7d62, 81920, 0, 4
        5, NVIDIA A100-SXM4-80GB, GPU-3f8c2a6d-5e0b-4d9a-a7c1-8e2b4d6f0a38, 81920, 0, 4
        6, NVIDIA A100-SXM4-80GB, GPU-6a4e0c8b-2f7d-4b1e-8c3a-9f5d7b2e4c10, 81920, 0, 4
        7, NVIDIA A100-SXM4-80GB, GPU-1c7b3f9e-4a6d-4f8c-b2e0-5a9c3e7f1d86, 81920, 0, 4

        """

    /// HGX H100: the driver's product name differs from the catalogue's.
    static let h100 = """
        0, NVIDIA H100 80GB HBM3, GPU-b4c1e7a2-9d3f-4e5b-8a6c-2f0d1e9b7c34, 81559, 100, 79283
        1, NVIDIA H100 80GB HBM3, GPU-e2a8d5c1-6b4f-4a9e-9c7d-3b1f0a8e6d52, 81559, 0, 1
        """

    /// A workstation: odd spacing, CRLF line ends, `[N/A]` and `[Not Supported]`.
    static let rtx4090 = "  0 ,NVIDIA GeForce RTX 4090,GPU-4e9b2c7a-1f3d-4b8e-a5c0-7d2e9f1b6a83 , 24564 ,  3 , 1021 \r\n"
        + "1, NVIDIA GeForce RTX 4090, GPU-8a3d6f1c-5b9e-4c2a-b7d4-0e6f3a9c1b25, 24564, [Not Supported], [N/A]\r\n"

    /// A T4 (older driver names it "Tesla T4"), one line, no trailing newline.
    static let t4 = "0, Tesla T4, GPU-c5f2a9e3-7d1b-4f6a-8e4c-9b3d0a7f2e61, 15360, 0, 0"

    /// L40S with MIG-style unavailable fields and a missing uuid.
    static let l40s = """
        0, NVIDIA L40S, GPU-d1e6b3a8-2c9f-4d7e-b0a5-4f8c1e6d3b97, 46068, [N/A], [N/A]
        1, NVIDIA L40S, [N/A], 46068, 12, 3120
        """

    @Test func a100EightGPUs() {
        let gpus = NvidiaSMI.parse(Self.a100x8)
        #expect(gpus.count == 8)
        #expect(gpus.map(\.index) == Array(0..<8))
        #expect(gpus.allSatisfy { $0.name == "NVIDIA A100-SXM4-80GB" && $0.memoryTotalMiB == 81920 })
        #expect(gpus[2].utilizationPercent == 100)
        #expect(gpus[2].memoryUsedMiB == 79872)
        #expect(gpus[0].uuid == "GPU-2d6f3b1e-8c4a-4f0e-9d3b-7a1c5e9f0b21")
        #expect(gpus[0].memoryTotalGiB == 80)
    }

    @Test func h100() {
        let gpus = NvidiaSMI.parse(Self.h100)
        #expect(gpus.count == 2)
        #expect(gpus[0].name == "NVIDIA H100 80GB HBM3")
        #expect(gpus[0].memoryTotalMiB == 81559)
        #expect(gpus[0].memoryTotalGiB == 79.6)
        #expect(gpus[1].utilizationPercent == 0)
    }

    @Test func oddSpacingCRLFAndUnsupportedFields() {
        let gpus = NvidiaSMI.parse(Self.rtx4090)
        #expect(gpus.count == 2)
        #expect(gpus[0] == GPUInfo(index: 0, name: "NVIDIA GeForce RTX 4090", uuid: "GPU-4e9b2c7a-1f3d-4b8e-a5c0-7d2e9f1b6a83",
                                   memoryTotalMiB: 24564, utilizationPercent: 3, memoryUsedMiB: 1021))
        #expect(gpus[1].utilizationPercent == nil)
        #expect(gpus[1].memoryUsedMiB == nil)
        #expect(gpus[1].memoryTotalMiB == 24564)
    }

    @Test func teslaT4WithoutTrailingNewline() {
        let gpus = NvidiaSMI.parse(Self.t4)
        #expect(gpus == [GPUInfo(index: 0, name: "Tesla T4", uuid: "GPU-c5f2a9e3-7d1b-4f6a-8e4c-9b3d0a7f2e61",
                                 memoryTotalMiB: 15360, utilizationPercent: 0, memoryUsedMiB: 0)])
    }

    @Test func l40sWithNotAvailableFields() {
        let gpus = NvidiaSMI.parse(Self.l40s)
        #expect(gpus.count == 2)
        #expect(gpus[0].utilizationPercent == nil && gpus[0].memoryUsedMiB == nil)
        #expect(gpus[1].uuid == nil)
        #expect(gpus[1].utilizationPercent == 12)
    }

    @Test func unitsLeftInAndCommaInName() {
        let gpus = NvidiaSMI.parse("3, NVIDIA RTX 6000 Ada Generation, 48GB, GPU-ab, 49140 MiB, 35 %, 100 MiB\n")
        #expect(gpus.count == 1)
        #expect(gpus[0].index == 3)
        #expect(gpus[0].name == "NVIDIA RTX 6000 Ada Generation, 48GB")
        #expect(gpus[0].memoryTotalMiB == 49140)
        #expect(gpus[0].utilizationPercent == 35)
    }

    @Test(arguments: [
        "No devices were found\n",
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n",
        "",
        "\n\n",
        "index, name, uuid, memory.total [MiB], utilization.gpu [%], memory.used [MiB]\n",
    ])
    func notGPURows(output: String) {
        #expect(NvidiaSMI.parse(output).isEmpty)
    }

    @Test func headerIsSkippedWhenPresent() {
        let withHeader = "index, name, uuid, memory.total [MiB], utilization.gpu [%], memory.used [MiB]\n" + Self.t4
        #expect(NvidiaSMI.parse(withHeader).count == 1)
    }
}
