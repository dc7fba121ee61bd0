import AsyncHTTPClient
import Foundation
import SuanliClient
import SuanliCore
import SuanliMetrics
import SuanliServer
import Testing

/// Parses a Prometheus text exposition with `prometheus_client`'s parser and prints its families as JSON.
private let parserScript = """
    import json, sys
    from prometheus_client.parser import text_string_to_metric_families
    text = open(sys.argv[1], encoding="utf-8").read()
    out = []
    for family in text_string_to_metric_families(text):
        out.append({"name": family.name, "type": family.type,
                    "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples]})
    print(json.dumps(out))
    """

private struct Family: Decodable {
    struct Sample: Decodable {
        var name: String
        var labels: [String: String]
        var value: Double
    }
    var name: String
    var type: String
    var samples: [Sample]
}

/// The families of a scrape, by family name.
private struct Scrape {
    var families: [String: Family]

    /// The value of the sample `name` whose labels include `labels`, summed over the others.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = families.values.flatMap(\.samples).filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
        return matching.isEmpty ? nil : matching.map(\.value).reduce(0, +)
    }

    /// Every sample of `name`.
    func samples(_ name: String) -> [Family.Sample] { families.values.flatMap(\.samples).filter { $0.name == name } }
}

/// Fetches `/metrics` and parses it with the real Prometheus text parser.
private func scrape(_ t: TestPlatform, token: String? = nil) async throws -> (contentType: String?, scrape: Scrape) {
    var request = HTTPClientRequest(url: t.url + MetricsModule.path)
    if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let body = String(buffer: try await response.body.collect(upTo: 16 << 20))
    #expect(response.status.code == 200, "\(body)")
    let path = t.directory + "/scrape-\(UUID().uuidString).txt"
    try body.write(toFile: path, atomically: true, encoding: .utf8)
    let output = try await ExternalTools.runDetached([ExternalTools.python, "-c", parserScript, path])
    #expect(output.status == 0, "prometheus_client could not parse the scrape: \(output.stderr)\n\(body)")
    let families = try JSONDecoder().decode([Family].self, from: Data(output.stdout.utf8))
    return (response.headers.first(name: "Content-Type"), Scrape(families: Dictionary(families.map { ($0.name, $0) }) { a, _ in a }))
}

@Suite("Prometheus /metrics")
struct MetricsEndpointTests {
    @Test(ExternalTools.needs("prometheus_client", ExternalTools.pythonHas("prometheus_client")))
    func metricsParseAndAgreeWithTheAPI() async throws {
        try await TestPlatform.with(modulesFor: { [MetricsModule(platform: $0)] }) { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec(units: 8, location: "cluster.zhangjiakou"))
            _ = try await provider.putResource("\(prefix)/c", gpuSpec(units: 64, location: "city.chengdu", kind: .cpu, arch: "x86_64"))
            _ = try await provider.report([TelemetryReport(id: "\(prefix)/c", freeUnits: 60, healthy: true)])
            let (_, alice) = try await t.consumer()
            let first = try await alice.submit(taskSpec(units: 8))
            let second = try await alice.submit(taskSpec(units: 8))
            _ = try await alice.submit(taskSpec(units: 4))
            #expect(first.state == .scheduled && second.state == .queued)
            _ = try await alice.cancel(first.id)
            #expect(try await eventually { try await alice.task(second.id).state == .scheduled })
            _ = try await t.anonymous.resolve("\(prefix)/g")
            _ = try? await t.anonymous.resolve("\(prefix)/missing")

            let stats = try await t.anonymous.stats()
            let (contentType, m) = try await scrape(t)
            #expect(contentType == "text/plain; version=0.0.4; charset=utf-8")

            // Naming: the suanli_ prefix on every family, _total on every counter sample.
            #expect(!m.families.isEmpty)
            for family in m.families.values {
                #expect(family.name.hasPrefix("suanli_"), "\(family.name)")
                if family.type == "counter" {
                    #expect(family.samples.allSatisfy { $0.name.hasSuffix("_total") || $0.name.hasSuffix("_created") }, "\(family.name)")
                }
            }
            #expect(m.families["suanli_http_request_duration_seconds"]?.type == "histogram")
            #expect(m.families["suanli_placements"]?.type == "counter")

            // Tasks, queue and placements agree with GET /v1/stats.
            for state in TaskState.allCases {
                #expect(m.value("suanli_tasks", ["state": state.rawValue]) == Double(stats.tasks.byState[state.rawValue] ?? -1), "\(state)")
            }
            #expect(m.value("suanli_tasks", ["state": "scheduled"]) == 1 && m.value("suanli_tasks", ["state": "queued"]) == 1)
            #expect(m.value("suanli_queue_length") == Double(stats.tasks.queueLength))
            #expect(m.value("suanli_placements_total") == Double(stats.tasks.placementsTotal) && stats.tasks.placementsTotal == 2)
            #expect(m.value("suanli_placement_latency_seconds_count") == 2)

            // Capacity and free units by kind, class and hub.
            let gpu = ["kind": "gpu", "class": "intelligent", "hub": "hub.jingjinji"]
            #expect(m.value("suanli_capacity_units", gpu) == 8 && m.value("suanli_free_units", gpu) == 8)
            #expect(m.value("suanli_resources", gpu) == 1 && m.value("suanli_available_resources", gpu) == 1)
            let cpu = ["kind": "cpu", "class": "general", "hub": "hub.chengdu-chongqing"]
            #expect(m.value("suanli_capacity_units", cpu) == 64 && m.value("suanli_free_units", cpu) == 60)
            #expect(m.value("suanli_capacity_units") == Double(stats.units) && m.value("suanli_free_units") == Double(stats.freeUnits))
            #expect(m.value("suanli_capacity_peak_flops", gpu.merging(["precision": "fp16"]) { $1 }) == 8 * 312e12)
            #expect(m.value("suanli_providers") == 1)
            #expect(m.value("suanli_coverage_20ms_ratio", ["kind": "gpu"]) == stats.coverage.byKind["gpu"]?.share)

            // HTTP requests by route template and status: never a raw path or identifier.
            let routes = Set(m.samples("suanli_http_requests_total").compactMap { $0.labels["route"] })
            #expect(routes.contains("/v1/tasks") && routes.contains("/v1/stats"), "\(routes)")
            #expect(!routes.contains { $0.contains(prefix) || $0.contains(first.id) }, "\(routes)")
            #expect(m.value("suanli_http_requests_total", ["route": "/v1/tasks", "method": "POST", "status": "201"]) == 3)
            let notFound = m.samples("suanli_http_requests_total").filter { $0.labels["status"] == "404" }
            #expect(!notFound.isEmpty && notFound.allSatisfy { !$0.labels["route"]!.contains("missing") })
            #expect((m.value("suanli_http_request_duration_seconds_count", ["route": "/v1/tasks", "method": "POST"]) ?? 0) == 3)

            // Group commits and agent heartbeats.
            #expect((m.value("suanli_commit_duration_seconds_count") ?? 0) >= 1)
            #expect((m.value("suanli_committed_mutations_total") ?? 0) >= 1)
            #expect(m.value("suanli_agent_heartbeats_total") == 1 && m.value("suanli_resource_reports_total") == 1)

            // A second scrape counts the first.
            let (_, again) = try await scrape(t)
            #expect(again.value("suanli_http_requests_total", ["route": "/metrics", "method": "GET", "status": "200"]) == 1)
        }
    }

    @Test func metricsNeedATokenOnlyWhenReadsDo() async throws {
        try await TestPlatform.with(readAccess: .token, modulesFor: { [MetricsModule(platform: $0)] }) { t in
            let (status, body) = try await rawRequest(t.url + MetricsModule.path)
            #expect(status == 401 && body.contains("\"code\":\"unauthorized\""), "\(body)")
            let (ok, text) = try await rawRequest(t.url + MetricsModule.path, token: TestPlatform.operatorToken)
            #expect(ok == 200 && text.contains("# TYPE suanli_queue_length gauge"), "\(text)")
        }
    }

    @Test func platformsInOneProcessKeepTheirOwnMetrics() async throws {
        try await TestPlatform.with(modulesFor: { [MetricsModule(platform: $0)] }) { a in
            try await TestPlatform.with(modulesFor: { [MetricsModule(platform: $0)] }) { b in
                for _ in 0..<3 { _ = try await a.anonymous.stats() }
                let (_, textA) = try await rawRequest(a.url + MetricsModule.path)
                let (_, textB) = try await rawRequest(b.url + MetricsModule.path)
                let line = #"suanli_http_requests_total{route="/v1/stats",method="GET",status="200"} 3"#
                #expect(textA.contains(line), "\(textA)")
                #expect(!textB.contains("/v1/stats"), "\(textB)")
            }
        }
    }
}
