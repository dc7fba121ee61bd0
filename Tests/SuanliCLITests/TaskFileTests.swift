import Foundation
import SuanliCore
import Testing
@testable import SuanliTaskFiles

@testable import SuanliCLI

@Suite("Task files")
struct TaskFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examples: [String] = {
        let directory = root.appendingPathComponent("examples").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted().map { directory + "/" + $0 }
    }()

    func problem(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> TaskFile.Problem? {
        do {
            let spec = try TaskFile.parse(yaml, file: "t.yaml", yaml: true)
            Issue.record("accepted: \(spec)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    @Test func everyExampleParsesAndValidates() throws {
        #expect(Self.examples.count >= 4, "examples/*.yaml")
        for path in Self.examples {
            let spec = try TaskFile.load(path: path)
            #expect(!spec.accept.isEmpty, "\(path)")
            try spec.validate(topology: .national)
        }
        let pair = try TaskFile.load(path: Self.root.appendingPathComponent("examples/cuda-or-ascend.yaml").path)
        #expect(pair.accept.map(\.kind) == [.gpu, .npu])
        #expect(pair.accept[1].model == "Huawei Ascend 910B")
        let near = try TaskFile.load(path: Self.root.appendingPathComponent("examples/data-local.yaml").path)
        #expect(near.dataLocation == "city.shanghai" && near.maxRttMs == 20 && near.objective == .closest)
        let green = try TaskFile.load(path: Self.root.appendingPathComponent("examples/greenest.yaml").path)
        #expect(green.objective == .greenest && green.minRenewable == 0.6)
        let split = try TaskFile.load(path: Self.root.appendingPathComponent("examples/split-multi-node.yaml").path)
        #expect(!split.gang && split.units == 64)
    }

    @Test func yamlAndJSONGiveTheSameSpec() throws {
        let yaml = """
            name: train
            units: 2
            accept:
              - kind: gpu
                run: {command: [python, train.py], env: {A: "1"}}
            data_location: city.beijing
            max_rtt_ms: 10
            deadline: 2099-01-01T00:00:00Z
            """
        let json = """
            {"name":"train","units":2,"accept":[{"kind":"gpu","run":{"command":["python","train.py"],"env":{"A":"1"}}}],
             "data_location":"city.beijing","max_rtt_ms":10,"deadline":"2099-01-01T00:00:00Z"}
            """
        let a = try TaskFile.parse(yaml, file: "t.yaml", yaml: true)
        let b = try TaskFile.parse(json, file: "t.json", yaml: false)
        #expect(a == b)
        #expect(a.gang && a.objective == .default, "the same defaults")
        #expect(TaskFile.isYAML(path: "x.yml", text: "{}") && !TaskFile.isYAML(path: "x.json", text: "a: 1"))
        #expect(TaskFile.isYAML(path: "-", text: "name: x") && !TaskFile.isYAML(path: "-", text: "  {\"name\":1}"))
    }

    @Test func errorsNameTheLineAndField() {
        // A misspelt key, with the closest field.
        let typo = problem("""
            name: t
            units: 1
            accept:
              - knd: gpu
                run: {command: [x]}
            """)
        #expect(typo?.line == 4 && typo?.field == "accept[0].knd")
        #expect(typo?.message.contains("did you mean 'kind'?") == true)
        #expect(typo?.description.hasPrefix("t.yaml:4: accept[0].knd: unknown field") == true)
        // A wrong type.
        let type = problem("name: t\nunits: many\naccept: [{kind: gpu, run: {command: [x]}}]\n")
        #expect(type?.line == 2 && type?.field == "units" && type?.message.contains("whole number") == true)
        // A missing field: the line of the mapping it belongs in.
        let missing = problem("name: t\nunits: 1\naccept:\n  - kind: gpu\n")
        #expect(missing?.field == "accept[0].run" && missing?.line == 4)
        // A rule of the platform's validation, at its line.
        let rule = problem("name: t\nunits: 1\naccept:\n  - kind: gpu\n    run:\n      command: []\n")
        #expect(rule?.field == "accept[0].run.command" && rule?.line == 6)
        let location = problem("name: t\nunits: 1\naccept: [{kind: cpu, run: {command: [x]}}]\ndata_location: city.shangai\n")
        #expect(location?.line == 4 && location?.message.contains("did you mean 'city.shanghai'?") == true)
        let unknownKind = problem("name: t\nunits: 1\naccept:\n  - kind: tpu\n    run: {command: [x]}\n")
        #expect(unknownKind?.field == "accept[0].kind" && unknownKind?.line == 4)
        // Syntax errors carry the parser's line.
        let syntax = problem("name: t\nunits: [1\naccept: x\n")
        #expect(syntax?.line != nil && syntax?.message.contains("not valid YAML") == true)
        #expect(problem("")?.message.contains("empty") == true)
        #expect(problem("- a\n- b\n")?.message.contains("must be a mapping") == true)
        let duplicate = problem("name: t\nname: u\nunits: 1\naccept: [{kind: cpu, run: {command: [x]}}]\n")
        #expect(duplicate != nil)
    }

    @Test func missingFileSuggestsTheCommandSeparator() {
        #expect(throws: TaskFile.Problem.self) { try TaskFile.load(path: "/nonexistent/echo") }
        do {
            _ = try TaskFile.load(path: "echo")
        } catch {
            #expect(error.message.contains("suanli submit --kind cpu -- echo"))
        }
    }

    /// The key sets that catch typos are the spec's own: every key a full spec encodes.
    @Test func knownKeysMatchTheSpec() throws {
        var spec = TaskSpec(
            name: "n", consumer: "c1", priority: 1, deadline: Date(timeIntervalSince1970: 4_000_000_000), units: 2, gang: false,
            accept: [.init(kind: .gpu, arch: "x86_64", model: "m", minMemoryGiB: 1, run: .init(command: ["x"], env: ["A": "b"]))],
            dataLocation: "city.beijing", maxRttMs: 5, maxPriceFenPerUnitHour: 10, minRenewable: 0.1, durationS: 60, maxRetries: 1,
            objective: .cheapest)
        spec.preemptible = true
        let object = try #require(try JSONSerialization.jsonObject(with: SuanliJSON.encoder().encode(spec)) as? [String: Any])
        #expect(Set(object.keys) == TaskFile.specKeys)
        let alternative = try #require((object["accept"] as? [[String: Any]])?.first)
        #expect(Set(alternative.keys) == TaskFile.alternativeKeys)
        #expect(Set(try #require(alternative["run"] as? [String: Any]).keys) == TaskFile.runKeys)
        #expect(Set(try #require(object["objective"] as? [String: Any]).keys) == TaskFile.objectiveKeys)
    }

    @Test func fieldPaths() {
        #expect(TaskFile.components(of: "accept[1].run.command[0]") == [.key("accept"), .index(1), .key("run"), .key("command"), .index(0)])
        #expect(TaskFile.components(of: "objective.price") == [.key("objective"), .key("price")])
    }
}
