import Foundation
import SuanliCore

#if canImport(Glibc)
import Glibc
#endif

/// What the agent finds out about the machine it runs on.
///
/// ``detect(runNvidiaSMI:)`` reads `/proc/cpuinfo`, `/proc/meminfo`, `uname(2)`, the
/// agent's CPU affinity and, when an `nvidia-smi` binary is on `PATH`, the NVIDIA GPUs.
/// The parsers are pure and public so they can be tested on captured files.
public struct HostInventory: Sendable, Codable, Hashable {
    /// The host name (`gethostname`, up to the first dot).
    public var hostname: String
    /// The CPU model, e.g. `AMD EPYC 9654 96-Core Processor` or `Huawei Kunpeng 920`.
    public var cpuModel: String
    /// Normalised machine architecture: `x86_64`, `aarch64`, `loongarch64`, `riscv64`, …
    public var arch: String
    /// Logical CPUs online.
    public var logicalCores: Int
    /// The logical CPUs the agent may use (its affinity mask); what it offers for CPU jobs.
    public var usableCPUs: [Int]
    /// Total memory in bytes (`MemTotal`).
    public var memoryBytes: UInt64
    /// NVIDIA GPUs found by `nvidia-smi`; empty without one.
    public var gpus: [GPUInfo]

    enum CodingKeys: String, CodingKey {
        case hostname, arch, gpus
        case cpuModel = "cpu_model"
        case logicalCores = "logical_cores"
        case usableCPUs = "usable_cpus"
        case memoryBytes = "memory_bytes"
    }

    /// Creates an inventory (for tests and for agents that describe a remote machine).
    public init(
        hostname: String, cpuModel: String, arch: String, logicalCores: Int, usableCPUs: [Int]? = nil,
        memoryBytes: UInt64, gpus: [GPUInfo] = []
    ) {
        self.hostname = hostname
        self.cpuModel = cpuModel
        self.arch = arch
        self.logicalCores = logicalCores
        self.usableCPUs = usableCPUs ?? Array(0..<max(logicalCores, 0))
        self.memoryBytes = memoryBytes
        self.gpus = gpus
    }

    /// Total memory in GiB.
    public var memoryGiB: Double { Double(memoryBytes) / 1_073_741_824 }

    /// Detects this machine. GPUs are looked for only when `runNvidiaSMI` is true and
    /// `nvidia-smi` is on `PATH`; a failing `nvidia-smi` (no driver) yields no GPUs.
    public static func detect(runNvidiaSMI: Bool = true) async -> HostInventory {
        let cpuinfo = Spawner.readSmallFile("/proc/cpuinfo") ?? ""
        let meminfo = Spawner.readSmallFile("/proc/meminfo") ?? ""
        let arch = normalizeArch(machine())
        let online = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let logical = max(online, countProcessors(cpuinfo: cpuinfo), 1)
        var usable = Spawner.currentAffinity()
        if usable.isEmpty { usable = Array(0..<logical) }
        var gpus: [GPUInfo] = []
        if runNvidiaSMI, let smi = Spawner.resolve("nvidia-smi", searchPath: ProcessInfo.processInfo.environment["PATH"]),
            let result = try? await CommandRunner.run([smi] + NvidiaSMI.arguments, timeoutSeconds: 20),
            result.exitStatus == .exited(0)
        {
            gpus = NvidiaSMI.parse(result.stdout)
        }
        return HostInventory(
            hostname: shortHostname(), cpuModel: cpuModel(cpuinfo: cpuinfo, arch: arch), arch: arch,
            logicalCores: logical, usableCPUs: usable, memoryBytes: memTotalBytes(meminfo: meminfo) ?? 0, gpus: gpus)
    }

    // MARK: - Pure parsers

    /// The CPU model named in `/proc/cpuinfo`: `model name` (x86, LoongArch), `cpu model`
    /// (MIPS, Sunway), `uarch`/`isa` (RISC-V), or the vendor and part of an Arm core
    /// (`CPU implementer`/`CPU part`, with names for common server parts); else `<arch> CPU`.
    public static func cpuModel(cpuinfo: String, arch: String) -> String {
        let fields = firstBlock(cpuinfo)
        for key in ["model name", "cpu model", "Model Name", "uarch"] {
            if let value = fields[key], !value.isEmpty { return collapseSpaces(value) }
        }
        if let implementer = fields["CPU implementer"].flatMap(parseHex), let part = fields["CPU part"].flatMap(parseHex) {
            if let name = armParts[implementer << 16 | part] { return name }
            let vendor = armImplementers[implementer] ?? "implementer 0x\(String(implementer, radix: 16))"
            return "\(vendor) \(arch) CPU (part 0x\(String(part, radix: 16)))"
        }
        for key in ["Hardware", "Processor"] {
            if let value = fields[key], !value.isEmpty { return collapseSpaces(value) }
        }
        return "\(arch) CPU"
    }

    /// The number of `processor` entries in `/proc/cpuinfo`.
    public static func countProcessors(cpuinfo: String) -> Int {
        cpuinfo.split(separator: "\n").filter { line in
            line.hasPrefix("processor") && line.dropFirst("processor".count).drop(while: { $0 == " " || $0 == "\t" }).hasPrefix(":")
        }.count
    }

    /// `MemTotal` of `/proc/meminfo`, in bytes.
    public static func memTotalBytes(meminfo: String) -> UInt64? {
        for line in meminfo.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let parts = line.dropFirst("MemTotal:".count).split(separator: " ", omittingEmptySubsequences: true)
            guard let value = parts.first.flatMap({ UInt64($0) }) else { return nil }
            let unit = parts.dropFirst().first?.lowercased() ?? "kb"
            switch unit {
            case "kb": return value * 1024
            case "mb": return value * 1024 * 1024
            case "gb": return value * 1024 * 1024 * 1024
            default: return value
            }
        }
        return nil
    }

    /// The architecture name the platform uses for a `uname -m` value (`arm64` → `aarch64`,
    /// `amd64` → `x86_64`, `sw_64` stays, lowercased otherwise).
    public static func normalizeArch(_ machine: String) -> String {
        switch machine.lowercased() {
        case "amd64", "x64": "x86_64"
        case "arm64", "armv8", "armv8l": "aarch64"
        case "loongarch", "loong64": "loongarch64"
        case "": "unknown"
        case let other: other
        }
    }

    // MARK: - Helpers

    private static func machine() -> String {
        var names = utsname()
        guard uname(&names) == 0 else { return "" }
        return withUnsafeBytes(of: &names.machine) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }

    private static func shortHostname() -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix(while: { $0 != 0 }), as: UTF8.self)
        return name.split(separator: ".").first.map(String.init) ?? "localhost"
    }

    /// `key: value` pairs of the first processor block (or the header lines on Arm).
    private static func firstBlock(_ cpuinfo: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in cpuinfo.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon]).trimmingSpaces()
            let value = String(line[line.index(after: colon)...]).trimmingSpaces()
            if fields[key] == nil { fields[key] = value }
        }
        return fields
    }

    private static func parseHex(_ text: String) -> Int? {
        let digits = text.lowercased().hasPrefix("0x") ? String(text.dropFirst(2)) : text
        return Int(digits, radix: 16)
    }

    private static func collapseSpaces(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    private static let armImplementers: [Int: String] = [
        0x41: "Arm", 0x42: "Broadcom", 0x43: "Cavium", 0x46: "Fujitsu", 0x48: "HiSilicon", 0x4E: "NVIDIA",
        0x50: "Ampere", 0x51: "Qualcomm", 0x61: "Apple", 0x70: "Phytium", 0xC0: "Ampere",
    ]

    /// (implementer << 16 | part) → model, for common server cores.
    private static let armParts: [Int: String] = [
        0x48 << 16 | 0xD01: "Huawei Kunpeng 920",
        0x48 << 16 | 0xD02: "Huawei Kunpeng 930",
        0x41 << 16 | 0xD0C: "Arm Neoverse N1",
        0x41 << 16 | 0xD40: "Arm Neoverse V1",
        0x41 << 16 | 0xD49: "Arm Neoverse N2",
        0x41 << 16 | 0xD4F: "Arm Neoverse V2",
        0x70 << 16 | 0x662: "Phytium FT-2000+",
        0x70 << 16 | 0x663: "Phytium S2500",
        0xC0 << 16 | 0xAC3: "Ampere AmpereOne",
    ]
}

extension HostInventory {
    /// The resources to register for this host: one `cpu` resource with the usable logical
    /// CPUs as units, and one `gpu` resource per GPU model with its GPU count as units.
    ///
    /// Suffixes are `<host>/cpu` and `<host>/gpu-<model slug>`; models use the catalogue's
    /// spelling when known (which also supplies peak TFLOPS and labels such as `framework`);
    /// every resource gets the label `host`. CPU memory is per core (total / usable CPUs);
    /// GPU memory is the smallest of the group. `devices` lists the CPU numbers or GPU indexes.
    public func resources(location: String, pricing: Pricing, includeCPU: Bool = true) -> [AgentResource] {
        let host = AgentResource.slug(hostname)
        var resources: [AgentResource] = []
        if includeCPU, !usableCPUs.isEmpty {
            let known = HardwareMatch.catalogModel(kind: .cpu, name: cpuModel)
            let perCore = (memoryGiB / Double(usableCPUs.count) * 100).rounded() / 100
            var labels = known?.labels ?? [:]
            labels["host"] = hostname
            let spec = ResourceSpec(
                kind: .cpu, arch: arch, model: cpuModel, units: usableCPUs.count, memoryGiB: perCore,
                tflops: known?.tflops ?? TFLOPS(), location: location,
                priceFenPerUnitHour: pricing.price(kind: .cpu, model: cpuModel), labels: labels)
            resources.append(AgentResource(suffix: "\(host)/cpu", spec: spec, devices: usableCPUs))
        }
        var groups: [String: [GPUInfo]] = [:]
        var order: [String] = []
        for gpu in gpus {
            let model = HardwareMatch.gpuModelName(gpu.name)
            if groups[model] == nil { order.append(model) }
            groups[model, default: []].append(gpu)
        }
        for model in order {
            let members = groups[model]!
            let known = HardwareMatch.catalogModel(kind: .gpu, name: model)
            var labels = known?.labels ?? ["framework": "cuda"]
            labels["host"] = hostname
            let memory = members.compactMap(\.memoryTotalGiB).min() ?? known?.memoryGiB ?? 0
            let spec = ResourceSpec(
                kind: .gpu, arch: arch, model: model, units: members.count, memoryGiB: memory,
                tflops: known?.tflops ?? TFLOPS(), location: location,
                priceFenPerUnitHour: pricing.price(kind: .gpu, model: model), labels: labels)
            resources.append(AgentResource(suffix: "\(host)/gpu-\(AgentResource.slug(model))", spec: spec, devices: members.map(\.index)))
        }
        return resources
    }
}
