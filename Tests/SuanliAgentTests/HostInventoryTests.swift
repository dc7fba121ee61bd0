import Foundation
import SuanliCore
import Testing

@testable import SuanliAgent

@Suite("Host detection and registration")
struct HostInventoryTests {
    @Test func detectsThisMachine() async {
        let host = await HostInventory.detect()
        #expect(host.logicalCores > 0)
        #expect(!host.usableCPUs.isEmpty)
        #expect(host.usableCPUs.count <= host.logicalCores)
        #expect(host.memoryBytes > 0)
        #expect(!host.arch.isEmpty)
        #expect(!host.cpuModel.isEmpty)
        #expect(!host.hostname.isEmpty)
        var uts = utsname()
        uname(&uts)
        let machine = withUnsafeBytes(of: &uts.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        #expect(host.arch == HostInventory.normalizeArch(machine))
        print("detected: \(host.cpuModel), \(host.arch), \(host.logicalCores) logical CPUs (usable \(host.usableCPUs)), "
              + "\(String(format: "%.1f", host.memoryGiB)) GiB, \(host.gpus.count) GPUs")
    }

    @Test func cpuinfoX86() {
        let cpuinfo = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            model name\t: Intel(R) Xeon(R) Platinum 8480+   CPU @ 2.00GHz
            flags\t\t: fpu vme

            processor\t: 1
            model name\t: Intel(R) Xeon(R) Platinum 8480+   CPU @ 2.00GHz

            """
        #expect(HostInventory.cpuModel(cpuinfo: cpuinfo, arch: "x86_64") == "Intel(R) Xeon(R) Platinum 8480+ CPU @ 2.00GHz")
        #expect(HostInventory.countProcessors(cpuinfo: cpuinfo) == 2)
        #expect(HardwareMatch.catalogModel(kind: .cpu, name: "Intel(R) Xeon(R) Platinum 8480+ CPU @ 2.00GHz")?.model
                == "Intel Xeon Platinum 8480+")
        #expect(HardwareMatch.catalogModel(kind: .cpu, name: "AMD EPYC 9654 96-Core Processor")?.model == "AMD EPYC 9654")
        #expect(HardwareMatch.catalogModel(kind: .cpu, name: "AMD EPYC") == nil)
    }

    @Test func cpuinfoKunpeng() {
        let cpuinfo = """
            processor\t: 0
            BogoMIPS\t: 200.00
            Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm jscvt fcma dcpop asimddp asimdfhm
            CPU implementer\t: 0x48
            CPU architecture: 8
            CPU variant\t: 0x1
            CPU part\t: 0xd01
            CPU revision\t: 0

            """
        #expect(HostInventory.cpuModel(cpuinfo: cpuinfo, arch: "aarch64") == "Huawei Kunpeng 920")
        let unknownPart = cpuinfo.replacingOccurrences(of: "0xd01", with: "0xd99")
        #expect(HostInventory.cpuModel(cpuinfo: unknownPart, arch: "aarch64") == "HiSilicon aarch64 CPU (part 0xd99)")
        #expect(HostInventory.cpuModel(cpuinfo: "", arch: "riscv64") == "riscv64 CPU")
    }

    @Test func meminfoAndArch() {
        #expect(HostInventory.memTotalBytes(meminfo: "MemTotal:       24683044 kB\nMemFree:        1 kB\n") == 24_683_044 * 1024)
        #expect(HostInventory.memTotalBytes(meminfo: "nothing") == nil)
        #expect(HostInventory.normalizeArch("arm64") == "aarch64")
        #expect(HostInventory.normalizeArch("x86_64") == "x86_64")
        #expect(HostInventory.normalizeArch("sw_64") == "sw_64")
    }

    @Test func registrationOfAGPUServer() throws {
        let gpus = NvidiaSMI.parse(NvidiaSMITests.a100x8)
        let host = HostInventory(
            hostname: "gpu-node-07", cpuModel: "AMD EPYC 7763 64-Core Processor", arch: "x86_64", logicalCores: 256,
            usableCPUs: Array(0..<256), memoryBytes: 2048 * 1_073_741_824, gpus: gpus)
        let resources = host.resources(location: "cluster.zhangjiakou", pricing: Pricing(byKind: [.cpu: 11]))
        #expect(resources.map(\.suffix) == ["gpu-node-07/cpu", "gpu-node-07/gpu-nvidia-a100-sxm4-80gb"])
        let cpu = resources[0]
        #expect(cpu.spec.kind == .cpu && cpu.spec.units == 256 && cpu.spec.memoryGiB == 8)
        #expect(cpu.spec.priceFenPerUnitHour == 11)
        #expect(cpu.spec.labels["host"] == "gpu-node-07")
        #expect(cpu.devices == Array(0..<256))
        let gpu = resources[1]
        #expect(gpu.spec.kind == .gpu && gpu.spec.units == 8)
        #expect(gpu.spec.model == "NVIDIA A100-SXM4-80GB")
        #expect(gpu.spec.memoryGiB == 80)
        #expect(gpu.spec.tflops.fp16 == 312)
        #expect(gpu.spec.priceFenPerUnitHour == 900)  // catalogue base price: no gpu price given
        #expect(gpu.devices == Array(0..<8))
        for resource in resources {
            try resource.spec.validate(topology: .national)
            try Identifier.validate(suffix: resource.suffix)
        }
    }

    @Test func mixedGPUsGroupByModelAndUseCatalogueNames() {
        let gpus = NvidiaSMI.parse(NvidiaSMITests.h100) + [GPUInfo(index: 2, name: "Tesla T4", memoryTotalMiB: 15360)]
            + [GPUInfo(index: 3, name: "NVIDIA H100 80GB HBM3", memoryTotalMiB: 81559)]
        let host = HostInventory(hostname: "n1", cpuModel: "x", arch: "x86_64", logicalCores: 2, memoryBytes: 1 << 30, gpus: gpus)
        let resources = host.resources(location: "cluster.qingyang", pricing: Pricing(byModel: ["NVIDIA T4": 70], byKind: [.gpu: 2000]),
                                       includeCPU: false)
        #expect(resources.map(\.suffix) == ["n1/gpu-nvidia-h100-sxm5-80gb", "n1/gpu-nvidia-t4"])
        #expect(resources[0].spec.units == 3)
        #expect(resources[0].devices == [0, 1, 3])
        #expect(resources[0].spec.priceFenPerUnitHour == 2000)
        #expect(resources[1].spec.model == "NVIDIA T4")
        #expect(resources[1].spec.memoryGiB == 15)
        #expect(resources[1].spec.priceFenPerUnitHour == 70)
        #expect(resources[1].spec.labels["framework"] == "cuda")
    }

    @Test func resourceFile() throws {
        let json = """
            [
              {"suffix": "ascend-01/npu-910b", "devices": [0, 1, 2, 3, 4, 5, 6, 7],
               "spec": {"kind": "npu", "arch": "aarch64", "model": "Huawei Ascend 910B", "units": 8, "memory_gib": 64,
                        "tflops": {"fp16": 320, "int8": 640}, "labels": {"framework": "cann"}}},
              {"suffix": "hpc/partition-cpu",
               "spec": {"kind": "cpu", "arch": "x86_64", "model": "Hygon C86 7390", "units": 2048, "memory_gib": 4,
                        "location": "cluster.guian", "price_fen_per_unit_hour": 6, "labels": {"class": "supercomputing"}}}
            ]
            """
        let resources = try ResourceFile.parse(Data(json.utf8), defaultLocation: "cluster.qingyang", pricing: Pricing(byKind: [.npu: 650]))
        #expect(resources.count == 2)
        #expect(resources[0].spec.location == "cluster.qingyang")
        #expect(resources[0].spec.priceFenPerUnitHour == 650)
        #expect(resources[0].devices == Array(0..<8))
        #expect(resources[0].spec.tflops.fp16 == 320)
        #expect(resources[1].spec.location == "cluster.guian")
        #expect(resources[1].spec.priceFenPerUnitHour == 6)
        #expect(resources[1].devices == nil)
        for resource in resources { try resource.spec.validate(topology: .national) }

        let wrapped = try ResourceFile.parse(Data(#"{"resources": \#(json)}"#.utf8), defaultLocation: "cluster.qingyang", pricing: Pricing())
        var expected = resources
        expected[0].spec.priceFenPerUnitHour = 700  // no npu price: the catalogue's base price for the 910B
        #expect(wrapped == expected)

        let merged = AgentResource.merging(
            detected: [AgentResource(suffix: "hpc/partition-cpu", spec: resources[0].spec), AgentResource(suffix: "x/cpu", spec: resources[1].spec)],
            file: resources)
        #expect(merged.map(\.suffix) == ["x/cpu", "ascend-01/npu-910b", "hpc/partition-cpu"])
    }

    @Test(arguments: [
        (#"[{"suffix": "a//b", "spec": {"kind": "cpu", "arch": "x86_64", "model": "m", "units": 1}}]"#, "resources[0].suffix"),
        (#"[{"suffix": "a", "spec": {"kind": "cpu", "arch": "x86_64", "model": "m", "units": 0}}]"#, "units must be at least 1"),
        (#"[{"suffix": "a", "devices": [0], "spec": {"kind": "npu", "arch": "x86_64", "model": "m", "units": 2}}]"#, "devices must list 2"),
        (#"[{"suffix": "a", "spec": {"kind": "quantum", "arch": "x86_64", "model": "m", "units": 1}}]"#, "not a resource file"),
        (#"[{"suffix": "a", "spec": {"kind": "cpu", "model": "m", "units": 1}}]"#, "missing 'arch'"),
        (#"[{"suffix": "a", "spec": {"kind": "cpu", "arch": "x", "model": "m", "units": 1}}, {"suffix": "a", "spec": {"kind": "cpu", "arch": "x", "model": "m", "units": 1}}]"#, "appears twice"),
    ])
    func badResourceFiles(json: String, message: String) {
        do {
            _ = try ResourceFile.parse(Data(json.utf8), defaultLocation: "cluster.qingyang", pricing: Pricing())
            Issue.record("accepted \(json)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    @Test func loadNamesTheFile() {
        #expect(throws: ResourceFileError.self) {
            try ResourceFile.load(path: "/nonexistent/resources.json", defaultLocation: "x", pricing: Pricing())
        }
    }

    @Test func slugsAndTaskDirectories() {
        #expect(AgentResource.slug("NVIDIA GeForce RTX 4090") == "nvidia-geforce-rtx-4090")
        #expect(AgentResource.slug("  --  ") == "x")
        #expect(WorkLayout.directoryName(forTask: "t42") == "t42")
        #expect(WorkLayout.directoryName(forTask: "../etc") == "%2E.%2Fetc")
        #expect(WorkLayout.directoryName(forTask: "86.1/task 1") == "86.1%2Ftask%201")
        let layout = WorkLayout(root: "/var/lib/suanli/work/")
        let job = layout.job(taskID: "t7", attempt: 3, command: ["true"], kind: .cpu, units: 1)
        #expect(job.workingDirectory == "/var/lib/suanli/work/t7/attempt3")
        #expect(job.checkpointDirectory == "/var/lib/suanli/work/t7/checkpoint")
        #expect(job.stdoutPath == "/var/lib/suanli/work/t7/attempt3/stdout.log")
    }

    @Test func devicePool() {
        var pool = DevicePool([3, 1, 0, 2])
        #expect(pool.allocate(2) == [0, 1])
        #expect(pool.allocate(3) == nil)
        #expect(pool.freeCount == 2)
        pool.release([0])
        #expect(pool.allocate(2) == [0, 2])
        let first = pool.claim([3])
        let second = pool.claim([3])
        #expect(first && !second)
        #expect(pool.freeCount == 0)
    }
}
