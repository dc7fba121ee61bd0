import Foundation
import SuanliCore
import Testing

@Suite("Task spec") struct TaskSpecTests {
    @Test func decodesWithDefaults() throws {
        let json = #"{"name":"train","units":8,"accept":[{"kind":"gpu","run":{"command":["python","train.py"]}}]}"#
        let spec = try SuanliJSON.decoder().decode(TaskSpec.self, from: Data(json.utf8))
        #expect(spec.gang)
        #expect(spec.priority == 0)
        #expect(spec.objective == .default)
        #expect(spec.accept[0].run.env.isEmpty)
        try spec.validate(topology: .national)
    }

    @Test func encodesSnakeCaseAndRoundTrips() throws {
        let spec = TaskSpec(
            name: "x", priority: 3, deadline: Date(timeIntervalSince1970: 1_800_000_000), units: 4, gang: false,
            accept: [
                .init(
                    kind: .npu, arch: "aarch64", model: "Huawei Ascend 910B", minMemoryGiB: 32,
                    run: .init(command: ["a"], env: ["K": "v"]))
            ],
            dataLocation: "city.shenzhen", maxRttMs: 20, maxPriceFenPerUnitHour: 800, minRenewable: 0.4, durationS: 60,
            objective: .greenest)
        let data = try SuanliJSON.encoder().encode(spec)
        let text = String(decoding: data, as: UTF8.self)
        for key in [
            "data_location", "max_rtt_ms", "max_price_fen_per_unit_hour", "min_renewable", "duration_s", "min_memory_gib",
        ] {
            #expect(text.contains("\"\(key)\""), "\(key) in \(text)")
        }
        #expect(try SuanliJSON.decoder().decode(TaskSpec.self, from: data) == spec)
    }

    @Test func objectiveWeightsDefaultToZeroInsideAGivenObject() throws {
        let json = #"{"name":"n","units":1,"accept":[{"kind":"cpu","run":{"command":["x"]}}],"objective":{"latency":1}}"#
        let spec = try SuanliJSON.decoder().decode(TaskSpec.self, from: Data(json.utf8))
        #expect(spec.objective == .closest)
    }

    @Test(arguments: [
        "units", "accept", "accept[1].arch", "accept[0].min_memory_gib", "accept[0].run.command", "accept[0].run.env",
        "max_rtt_ms", "data_location", "max_price_fen_per_unit_hour", "min_renewable", "duration_s", "objective.price",
        "objective", "name",
    ])
    func validationNamesTheField(field: String) {
        var s = TaskSpec(name: "ok", units: 1, accept: [.init(kind: .gpu, run: .init(command: ["x"]))])
        switch field {
        case "units": s.units = 0
        case "accept": s.accept = []
        case "accept[1].arch": s.accept.append(.init(kind: .npu, arch: "ARM 64", run: .init(command: ["x"])))
        case "accept[0].min_memory_gib": s.accept[0].minMemoryGiB = -1
        case "accept[0].run.command": s.accept[0].run.command = []
        case "accept[0].run.env": s.accept[0].run.env = ["1BAD": "x"]
        case "max_rtt_ms": s.maxRttMs = 20
        case "data_location": s.dataLocation = "city.atlantis"
        case "max_price_fen_per_unit_hour": s.maxPriceFenPerUnitHour = -1
        case "min_renewable": s.minRenewable = 1.5
        case "duration_s": s.durationS = 0
        case "objective.price": s.objective = .init(price: -1, latency: 0, carbon: 1)
        case "objective": s.objective = .init(price: 0, latency: 0, carbon: 0)
        default: s.name = ""
        }
        #expect(throws: ValidationError.self) { try s.validate(topology: .national) }
        do { try s.validate(topology: .national) } catch { #expect(error.field == field, "\(error.message)") }
    }

    @Test func deadlineInThePastIsRejected() {
        let s = TaskSpec(name: "ok", deadline: Date(timeIntervalSince1970: 100), units: 1, accept: [.init(kind: .gpu)])
        #expect(throws: ValidationError.self) { try s.validate(topology: .national, now: Date(timeIntervalSince1970: 200)) }
    }

    @Test func placementEncodesNullRtt() throws {
        let p = Placement(
            alternative: 0, parts: [.init(resource: "86.1.1/a", units: 2, priceFenPerUnitHour: 10, rttMs: nil, renewable: 0.5)])
        let text = String(decoding: try SuanliJSON.encoder().encode(p), as: UTF8.self)
        #expect(text.contains("\"rtt_ms\":null"))
        #expect(text.contains("\"price_fen_per_unit_hour\":10"))
        #expect(try SuanliJSON.decoder().decode(Placement.self, from: Data(text.utf8)) == p)
    }
}
