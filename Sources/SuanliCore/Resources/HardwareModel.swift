/// Hardware models with approximate public peak figures per unit: the agent matches detected
/// hardware against them (peak figures, default prices); synthetic networks draw from them.
///
/// Figures are dense (no sparsity) peaks from vendors' published datasheets, rounded; CPU
/// figures are per core. Prices are indicative 2025 China rental prices in fen per unit-hour.
public struct HardwareModel: Sendable, Hashable {
    public var kind: ResourceKind
    public var arch: String
    public var model: String
    /// Units per node: accelerators per server, or cores per server.
    public var unitsPerNode: Int
    public var memoryGiB: Double
    public var tflops: TFLOPS
    /// Typical eastern-site price in fen per unit-hour.
    public var basePriceFen: Int64
    /// Labels every node of this model carries (e.g. `class`, `interconnect`).
    public var labels: [String: String]

    /// The built-in catalogue.
    public static let catalog: [HardwareModel] = [
        HardwareModel(kind: .gpu, arch: "x86_64", model: "NVIDIA H100-SXM5-80GB", unitsPerNode: 8, memoryGiB: 80,
                      tflops: TFLOPS(fp64: 34, fp32: 67, fp16: 989, int8: 1979), basePriceFen: 2200,
                      labels: ["interconnect": "nvlink", "framework": "cuda"]),
        HardwareModel(kind: .gpu, arch: "x86_64", model: "NVIDIA A100-SXM4-80GB", unitsPerNode: 8, memoryGiB: 80,
                      tflops: TFLOPS(fp64: 9.7, fp32: 19.5, fp16: 312, int8: 624), basePriceFen: 900,
                      labels: ["interconnect": "nvlink", "framework": "cuda"]),
        HardwareModel(kind: .gpu, arch: "x86_64", model: "NVIDIA H20", unitsPerNode: 8, memoryGiB: 96,
                      tflops: TFLOPS(fp64: 1, fp32: 44, fp16: 148, int8: 296), basePriceFen: 650,
                      labels: ["interconnect": "nvlink", "framework": "cuda"]),
        HardwareModel(kind: .gpu, arch: "x86_64", model: "NVIDIA L40S", unitsPerNode: 8, memoryGiB: 48,
                      tflops: TFLOPS(fp64: nil, fp32: 91.6, fp16: 362, int8: 733), basePriceFen: 450,
                      labels: ["interconnect": "pcie", "framework": "cuda"]),
        HardwareModel(kind: .gpu, arch: "x86_64", model: "NVIDIA GeForce RTX 4090", unitsPerNode: 8, memoryGiB: 24,
                      tflops: TFLOPS(fp64: 1.3, fp32: 82.6, fp16: 165, int8: 660), basePriceFen: 190,
                      labels: ["interconnect": "pcie", "framework": "cuda"]),
        HardwareModel(kind: .npu, arch: "aarch64", model: "Huawei Ascend 910B", unitsPerNode: 8, memoryGiB: 64,
                      tflops: TFLOPS(fp64: nil, fp32: nil, fp16: 320, int8: 640), basePriceFen: 700,
                      labels: ["interconnect": "hccs", "framework": "cann"]),
        HardwareModel(kind: .npu, arch: "x86_64", model: "Cambricon MLU370-X8", unitsPerNode: 8, memoryGiB: 48,
                      tflops: TFLOPS(fp64: nil, fp32: 24, fp16: 96, int8: 256), basePriceFen: 300,
                      labels: ["interconnect": "mlu-link", "framework": "neuware"]),
        HardwareModel(kind: .gpu, arch: "x86_64", model: "Hygon DCU K100-AI", unitsPerNode: 8, memoryGiB: 64,
                      tflops: TFLOPS(fp64: 49, fp32: 49, fp16: 196, int8: 392), basePriceFen: 420,
                      labels: ["interconnect": "pcie", "framework": "dtk"]),
        HardwareModel(kind: .npu, arch: "aarch64", model: "Huawei Ascend 310P", unitsPerNode: 4, memoryGiB: 24,
                      tflops: TFLOPS(fp64: nil, fp32: nil, fp16: 35, int8: 70), basePriceFen: 90,
                      labels: ["class": "edge", "framework": "cann"]),
        HardwareModel(kind: .gpu, arch: "x86_64", model: "NVIDIA T4", unitsPerNode: 4, memoryGiB: 16,
                      tflops: TFLOPS(fp64: 0.25, fp32: 8.1, fp16: 65, int8: 130), basePriceFen: 80,
                      labels: ["class": "edge", "framework": "cuda"]),
        HardwareModel(kind: .cpu, arch: "x86_64", model: "Intel Xeon Platinum 8480+", unitsPerNode: 112, memoryGiB: 8,
                      tflops: TFLOPS(fp64: 0.064, fp32: 0.128), basePriceFen: 12, labels: [:]),
        HardwareModel(kind: .cpu, arch: "x86_64", model: "AMD EPYC 9654", unitsPerNode: 192, memoryGiB: 8,
                      tflops: TFLOPS(fp64: 0.038, fp32: 0.077), basePriceFen: 10, labels: [:]),
        HardwareModel(kind: .cpu, arch: "x86_64", model: "Hygon C86 7390", unitsPerNode: 64, memoryGiB: 8,
                      tflops: TFLOPS(fp64: 0.043, fp32: 0.086), basePriceFen: 8, labels: [:]),
        HardwareModel(kind: .cpu, arch: "aarch64", model: "Huawei Kunpeng 920-6426", unitsPerNode: 128, memoryGiB: 4,
                      tflops: TFLOPS(fp64: 0.021, fp32: 0.042), basePriceFen: 7, labels: [:]),
        HardwareModel(kind: .cpu, arch: "aarch64", model: "Phytium S2500", unitsPerNode: 128, memoryGiB: 4,
                      tflops: TFLOPS(fp64: 0.017, fp32: 0.034), basePriceFen: 6, labels: [:]),
        HardwareModel(kind: .cpu, arch: "loongarch64", model: "Loongson 3C5000", unitsPerNode: 64, memoryGiB: 4,
                      tflops: TFLOPS(fp64: 0.035, fp32: 0.070), basePriceFen: 6, labels: [:]),
        HardwareModel(kind: .cpu, arch: "sw_64", model: "Sunway SW26010-Pro", unitsPerNode: 390, memoryGiB: 0.25,
                      tflops: TFLOPS(fp64: 0.036, fp32: 0.072), basePriceFen: 5,
                      labels: ["class": "supercomputing", "interconnect": "custom"]),
        HardwareModel(kind: .cpu, arch: "x86_64", model: "Intel Xeon Gold 6458Q (HPC)", unitsPerNode: 64, memoryGiB: 4,
                      tflops: TFLOPS(fp64: 0.06, fp32: 0.12), basePriceFen: 9,
                      labels: ["class": "supercomputing", "interconnect": "infiniband"]),
    ]
}
