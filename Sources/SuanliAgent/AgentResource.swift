import SuanliCore

/// One resource the agent registers: its identifier suffix, its specification and, when it
/// has any, the device or CPU numbers its units map to.
public struct AgentResource: Sendable, Codable, Hashable {
    /// The identifier suffix under the provider's prefix (e.g. `vm/gpu-nvidia-a100-sxm4-80gb`).
    public var suffix: String
    /// What is registered with `PUT /v1/resources/{prefix}/{suffix}`.
    public var spec: ResourceSpec
    /// The indexes a job's units are taken from: GPU/NPU indexes for accelerators, logical
    /// CPU numbers for `cpu`; `nil` when the units are not pinned (e.g. a Slurm partition).
    public var devices: [Int]?

    /// Creates a resource.
    public init(suffix: String, spec: ResourceSpec, devices: [Int]? = nil) {
        self.suffix = suffix
        self.spec = spec
        self.devices = devices
    }

    /// `detected` with every entry of `file` added; a file entry replaces a detected one with the same suffix.
    public static func merging(detected: [AgentResource], file: [AgentResource]) -> [AgentResource] {
        let overridden = Set(file.map(\.suffix))
        return detected.filter { !overridden.contains($0.suffix) } + file
    }

    /// A suffix segment made of a name: lowercase ASCII letters and digits, other runs become `-`
    /// (`NVIDIA A100-SXM4-80GB` → `nvidia-a100-sxm4-80gb`).
    public static func slug(_ name: String) -> String {
        var out = ""
        var pendingDash = false
        for scalar in name.lowercased().unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                if pendingDash, !out.isEmpty { out.append("-") }
                pendingDash = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        return out.isEmpty ? "x" : String(out.prefix(64))
    }
}
