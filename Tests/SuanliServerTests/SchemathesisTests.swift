import Foundation
import SuanliClient
import SuanliCore
import SuanliServer
import Testing

/// The served OpenAPI document checked by real tools: `openapi-spec-validator` and jsonschema
/// (every example against its schema), then schemathesis against a live, seeded platform for
/// every operation, with a valid token of the role each operation is for.
///
/// Schemathesis runs all its phases (examples, coverage, fuzzing, stateful) with every check
/// except four that test promises this API does not make:
/// - `positive_data_acceptance`: schema-valid input may still break a rule a schema cannot
///   state (`near` needs `max_rtt_ms`, `from` ≠ `to`, a task no resource could take), answered 400/422;
/// - `unsupported_method`, `allow_header_conformance`: an undeclared method is `404` like any
///   unknown endpoint (docs/api.md), not `405` with `Allow`;
/// - `use_after_free`: `DELETE /v1/tasks/{id}` cancels a task, which stays readable.
///
/// Operations answering `text/event-stream` (streams that end only when the client goes away)
/// are not run: schemathesis would wait for them to end.
@Suite("OpenAPI document checked by openapi-spec-validator and schemathesis", .serialized)
struct SchemathesisTests {
    /// Operations only a provider's token may call.
    static let providerOperations: Set<String> = [
        "agentWork", "agentEvents", "agentLogs", "putResource", "deleteResource", "reportTelemetry",
    ]
    /// Operations only a consumer's token may call.
    static let consumerOperations: Set<String> = ["submitTask", "createQuote", "acceptQuote", "releaseQuote"]
    /// Signed peer calls between platforms (docs/federation.md): no bearer token opens them, so
    /// schemathesis meets only their refusals (401 without a platform's signature) and runs them
    /// on their own, where its "authentication failed" warning is the expected outcome.
    static let peerOperations: Set<String> = [
        "federationJoin", "federationSync", "federationAggregate", "federationClaim", "federationClaimedTask", "federationCancelClaim",
        "federationClaimExplanation", "federationClaimedTaskLogs", "federationClaimedTaskUsage",
    ]
    /// Operations every role may call (each sees its own share).
    static let sharedOperations: Set<String> = ["usage", "whoAmI"]
    static let excludedChecks = "positive_data_acceptance,unsupported_method,allow_header_conformance,use_after_free"
    /// Schemathesis's configuration: `413` (too many items, too large a body) also rejects
    /// schema-violating input, besides its default rejection statuses.
    static let configuration = """
        [checks.negative_data_rejection]
        expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]

        """

    /// Fetches `/openapi.json` from `t` into a file in `directory`.
    static func fetchDocument(_ t: TestPlatform, into directory: String) async throws -> String {
        let (status, body) = try await rawRequest(t.url + Endpoints.openAPI.path())
        #expect(status == 200)
        let file = directory + "/openapi.json"
        try body.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Validates every example in the document (parameters, request and response bodies)
    /// against its schema, formats included.
    static let exampleValidator = #"""
        import json, sys
        from jsonschema import Draft202012Validator, FormatChecker
        document = json.load(open(sys.argv[1]))
        checked, failures = 0, []
        def check(where, schema, example):
            global checked
            root = dict(schema)
            root["components"] = document["components"]
            for error in Draft202012Validator(root, format_checker=FormatChecker()).iter_errors(example):
                failures.append(f"{where}: {error.message} at {list(error.absolute_path)}")
            checked += 1
        def deref(node):
            if "$ref" in node:
                target = document
                for part in node["$ref"][2:].split("/"):
                    target = target[part]
                return target
            return node
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                name = f"{method.upper()} {path}"
                for parameter in item.get("parameters", []) + operation.get("parameters", []):
                    parameter = deref(parameter)
                    if "example" in parameter:
                        check(f"{name} parameter {parameter['name']}", parameter["schema"], parameter["example"])
                body = operation.get("requestBody", {})
                for media_type, media in body.get("content", {}).items():
                    if "example" in media:
                        check(f"{name} request {media_type}", media["schema"], media["example"])
                for status, response in operation["responses"].items():
                    for media_type, media in deref(response).get("content", {}).items():
                        if "example" in media:
                            check(f"{name} {status} {media_type}", media["schema"], media["example"])
        print(f"{checked} examples checked")
        for failure in failures:
            print(failure)
        sys.exit(1 if failures or checked < 30 else 0)
        """#

    @Test(ExternalTools.needs("openapi-spec-validator", ExternalTools.pythonHas("openapi_spec_validator", "jsonschema")))
    func documentIsValidOpenAPIAndItsExamplesMatchTheirSchemas() async throws {
        let directory = TestPlatform.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await TestPlatform.with { t in
            let file = try await Self.fetchDocument(t, into: directory)
            let validation = try await ExternalTools.runDetached([ExternalTools.python, "-m", "openapi_spec_validator", file])
            #expect(validation.status == 0, "openapi-spec-validator: \(validation.stdout) \(validation.stderr)")
            let examples = try await ExternalTools.runDetached([ExternalTools.python, "-c", Self.exampleValidator, file])
            #expect(examples.status == 0, "examples that break their schemas: \(examples.stdout) \(examples.stderr)")
        }
    }

    /// A platform with data for schemathesis to meet: a provider with two GPU nodes, a CPU node
    /// and an FPGA node, a consumer with three scheduled tasks and one that ran, with output and
    /// metered usage.
    ///
    /// The FPGA node's identifier has two suffix segments, which schemathesis cannot write (the
    /// document's suffix is one segment), and its task's part waits for the provider's agent
    /// whatever schemathesis deletes, reports or lists as running: so the provider's long polls
    /// always have work to hand out and answer at once, instead of waiting `wait_s`.
    static func seed(_ t: TestPlatform) async throws -> (provider: String, consumer: String) {
        let registered = try await t.operatorClient.registerProvider(
            ProviderRegistration(
                name: "Schemathesis Compute", contact: "ops@example.com", location: "cluster.zhangjiakou", renewable: 0.6, pue: 1.2))
        let prefix = registered.prefix.description
        #expect(prefix == "86.1.1", "the document's examples name 86.1.1")
        let providerToken = try #require(registered.token)
        let provider = t.client(providerToken)
        for suffix in ["gpu-0", "gpu-1"] {
            _ = try await provider.putResource("\(prefix)/\(suffix)", gpuSpec())
        }
        _ = try await provider.putResource(
            "\(prefix)/cpu-0",
            ResourceSpec(
                kind: .cpu, arch: "x86_64", model: "AMD EPYC 9654", units: 96, memoryGiB: 4, tflops: TFLOPS(fp64: 0.05, fp32: 0.1),
                location: "cluster.zhangjiakou", priceFenPerUnitHour: 20, labels: ["rack": "r1"]))
        _ = try await provider.putResource(
            "\(prefix)/rack-1/fpga-0",
            ResourceSpec(
                kind: .fpga, arch: "x86_64", model: "AMD Alveo U55C", units: 1, memoryGiB: 16, location: "cluster.zhangjiakou",
                priceFenPerUnitHour: 300))
        let consumerRecord = try await t.operatorClient.registerConsumer(ConsumerRegistration(name: "Schemathesis Lab"))
        let consumerToken = try #require(consumerRecord.token)
        let consumer = t.client(consumerToken)
        let gpu = TaskSpec.Alternative(kind: .gpu, run: TaskSpec.Run(command: ["python", "train.py"]))
        let cpu = TaskSpec.Alternative(kind: .cpu, run: TaskSpec.Run(command: ["echo", "hi"]))
        _ = try await consumer.submit(TaskSpec(name: "train", units: 4, accept: [gpu]))
        _ = try await consumer.submit(TaskSpec(name: "prep", units: 4, accept: [cpu], dataLocation: "city.beijing", maxRttMs: 20))
        let pinned = try await consumer.submit(
            TaskSpec(name: "pinned", units: 1, accept: [TaskSpec.Alternative(kind: .fpga, run: TaskSpec.Run(command: ["true"]))]))
        #expect(pinned.placement?.parts.map(\.resource) == ["\(prefix)/rack-1/fpga-0"])
        let done = try await consumer.submit(TaskSpec(name: "done", units: 2, accept: [gpu]))
        #expect(done.id == "t4", "the document's examples name t4, a task that ran")
        let part = try #require(done.placement?.parts.first)
        let event = { (phase: AttemptEvent.Phase) in
            AttemptEvent(task: done.id, attempt: 1, resource: part.resource, phase: phase, exitCode: phase == .succeeded ? 0 : nil)
        }
        try await provider.report(events: [event(.starting), event(.running)])
        try await provider.appendLog(LogChunk(task: done.id, attempt: 1, stream: "stdout", data: "hello\n"))
        t.clock.advance(5)  // metered time, well within the lease (30 s): the provider stays live
        try await provider.report(events: [event(.succeeded)])
        return (providerToken, consumerToken)
    }

    @Test(ExternalTools.needs("schemathesis", ExternalTools.pythonHas("schemathesis")))
    func schemathesisFindsNoServerErrorAndNoSchemaViolation() async throws {
        let directory = TestPlatform.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await TestPlatform.with(modulesFor: OpenAPIDocumentTests.modules(for:)) { t in
            let (providerToken, consumerToken) = try await Self.seed(t)
            let file = try await Self.fetchDocument(t, into: directory)
            let operations = try Self.operations(in: file)
            let streaming = Set(operations.filter(\.value).keys)
            let all = Set(operations.keys)
            let consumerRun = Self.consumerOperations.union(Self.sharedOperations).union(try Self.operations(in: file, tagged: "Tasks"))
            let runs: [(role: String, token: String, operations: Set<String>)] = [
                ("provider", providerToken, Self.providerOperations.union(Self.sharedOperations)),
                ("consumer", consumerToken, consumerRun),
                (
                    "operator", TestPlatform.operatorToken,
                    all.subtracting(Self.providerOperations).subtracting(Self.consumerOperations).subtracting(Self.peerOperations)
                ),
                ("peer", TestPlatform.operatorToken, Self.peerOperations.intersection(all)),
            ]
            #expect(runs.reduce(Set<String>()) { $0.union($1.operations) }.union(streaming) == all, "every operation runs")
            let configuration = directory + "/schemathesis.toml"
            try Self.configuration.write(toFile: configuration, atomically: true, encoding: .utf8)
            for run in runs {
                let selected = run.operations.subtracting(streaming).sorted()
                let output = try await ExternalTools.runDetached(
                    [
                        ExternalTools.python, "-m", "schemathesis.cli", "--config-file", configuration, "run", file, "--url", t.url,
                        "--header", "Authorization: Bearer \(run.token)",
                        "--checks", "all", "--exclude-checks", Self.excludedChecks,
                        "--max-examples", "20", "--seed", "20261121", "--workers", "1", "--request-timeout", "70",
                        "--generation-database", "none", "--no-color", "--output-truncate", "false",
                    ] + selected.flatMap { ["--include-operation-id", $0] },
                    directory: directory)
                let report = output.stdout + output.stderr
                #expect(output.status == 0, "schemathesis as \(run.role):\n\(report)")
                #expect(run.role == "peer" || !report.contains("Authentication failed"), "the \(run.role) token was refused:\n\(report)")
                #expect(report.contains("Tested: \(selected.count)"), "schemathesis as \(run.role) did not test \(selected.count) operations:\n\(report)")
            }
        }
    }

    /// Operation ids in the document, each with whether it answers a server-sent event stream.
    static func operations(in file: String) throws -> [String: Bool] {
        var out: [String: Bool] = [:]
        for (_, operation) in try Self.operationObjects(in: file) {
            guard let id = operation["operationId"] as? String else { continue }
            let responses = operation["responses"] as? [String: Any] ?? [:]
            out[id] = responses.values.contains { response in
                ((response as? [String: Any])?["content"] as? [String: Any])?["text/event-stream"] != nil
            }
        }
        return out
    }

    /// Operation ids tagged `tag`.
    static func operations(in file: String, tagged tag: String) throws -> Set<String> {
        Set(try operationObjects(in: file).compactMap { _, operation in
            (operation["tags"] as? [String] ?? []).contains(tag) ? operation["operationId"] as? String : nil
        })
    }

    static func operationObjects(in file: String) throws -> [(String, [String: Any])] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        return paths.flatMap { path, item in
            OpenAPIDocumentTests.methods.compactMap { method in
                ((item as? [String: Any])?[method] as? [String: Any]).map { ("\(method.uppercased()) \(path)", $0) }
            }
        }
    }
}
