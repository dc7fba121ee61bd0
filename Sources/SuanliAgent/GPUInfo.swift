/// One GPU as `nvidia-smi` reports it.
///
/// Fields the driver does not report (`[N/A]`, `[Not Supported]`) are `nil`.
public struct GPUInfo: Sendable, Codable, Hashable {
    /// The driver's index (the number `CUDA_VISIBLE_DEVICES` uses).
    public var index: Int
    /// The product name, e.g. `NVIDIA A100-SXM4-80GB`.
    public var name: String
    /// The stable identifier, e.g. `GPU-5c8a…`.
    public var uuid: String?
    /// Total framebuffer memory in MiB.
    public var memoryTotalMiB: Int?
    /// GPU utilisation over the last sample period, 0…100.
    public var utilizationPercent: Int?
    /// Framebuffer memory in use, in MiB.
    public var memoryUsedMiB: Int?

    enum CodingKeys: String, CodingKey {
        case index, name, uuid
        case memoryTotalMiB = "memory_total_mib"
        case utilizationPercent = "utilization_percent"
        case memoryUsedMiB = "memory_used_mib"
    }

    /// Creates a GPU description.
    public init(
        index: Int, name: String, uuid: String? = nil, memoryTotalMiB: Int? = nil, utilizationPercent: Int? = nil,
        memoryUsedMiB: Int? = nil
    ) {
        self.index = index
        self.name = name
        self.uuid = uuid
        self.memoryTotalMiB = memoryTotalMiB
        self.utilizationPercent = utilizationPercent
        self.memoryUsedMiB = memoryUsedMiB
    }

    /// Total memory in GiB rounded to one decimal (81920 MiB → 80.0), if known.
    public var memoryTotalGiB: Double? {
        memoryTotalMiB.map { (Double($0) / 1024 * 10).rounded() / 10 }
    }
}
