/// The kind of a schedulable resource.
public enum ResourceKind: String, Sendable, Codable, CaseIterable, Hashable {
    case cpu, gpu, npu, fpga, asic

    /// Whether the units of this kind are accelerators (everything but `cpu`).
    public var isAccelerator: Bool { self != .cpu }
}

/// The compute class used in official statistics (通用/智能/超算/边缘).
public enum ComputeClass: String, Sendable, Codable, CaseIterable, Hashable {
    case general, intelligent, supercomputing, edge

    /// The precision on which this class's peak compute is counted in statistics:
    /// general at FP32, intelligent at FP16, supercomputing at FP64, edge at FP16.
    public var statisticalPrecision: Precision {
        switch self {
        case .general: .fp32
        case .intelligent: .fp16
        case .supercomputing: .fp64
        case .edge: .fp16
        }
    }

    /// The class a resource falls into: the `class` label when it names a class,
    /// otherwise `general` for CPUs and `intelligent` for accelerators.
    public static func derive(kind: ResourceKind, labels: [String: String]) -> ComputeClass {
        if let explicit = labels[ComputeClass.labelKey], let value = ComputeClass(rawValue: explicit) {
            return value
        }
        return kind == .cpu ? .general : .intelligent
    }

    /// The label key that sets the class explicitly.
    public static let labelKey = "class"
}

/// A floating-point or integer precision for peak-throughput figures.
public enum Precision: String, Sendable, Codable, CaseIterable, Hashable {
    case fp64, fp32, fp16, int8
}

/// Peak throughput per unit, in TFLOPS (TOPS for `int8`), by precision; each figure optional.
public struct TFLOPS: Sendable, Codable, Hashable {
    public var fp64: Double?
    public var fp32: Double?
    public var fp16: Double?
    public var int8: Double?

    /// Creates a set of peak figures.
    public init(fp64: Double? = nil, fp32: Double? = nil, fp16: Double? = nil, int8: Double? = nil) {
        self.fp64 = fp64
        self.fp32 = fp32
        self.fp16 = fp16
        self.int8 = int8
    }

    /// The figure at `precision`, if known.
    public subscript(precision: Precision) -> Double? {
        switch precision {
        case .fp64: fp64
        case .fp32: fp32
        case .fp16: fp16
        case .int8: int8
        }
    }
}
