import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SuanliClient
import SuanliCluster
import SuanliCore
import SuanliFederation
import SuanliServer
import Testing

/// Who calls, in the column order of the permission matrix.
enum MatrixCaller: String, CaseIterable, Sendable {
    case anonymous
    case `operator`
    case provider
    case otherProvider = "other provider"
    case consumer
    case otherConsumer = "other consumer"
    case auditor
    case revoked = "revoked token"
    case expired = "expired token"
}

/// One route of the permission matrix: the status each caller gets, and how to build the
/// request (the target belongs to `provider` or `consumer`; "other" callers act on it).
struct MatrixRow: Sendable {
    let method: HTTPMethod
    let route: String
    /// One status per ``MatrixCaller``, in order.
    let expected: [Int]
    let note: String
    /// Path (with query) and JSON body for one caller; may create a fresh target first.
    let request: @Sendable (MatrixFixture, MatrixCaller) async throws -> (String, String?)
    /// The answer streams (server-sent events): only the status is read.
    var streams = false
}

/// The platform state every cell runs against.
struct MatrixFixture: Sendable {
    let test: TestPlatform
    let tokens: [MatrixCaller: String]
    /// The provider's prefix, its resource, the consumer's id and its task (placed on that resource).
    let prefix: String
    let resource: String
    let consumer: String
    let task: String

    var op: SuanliClient { test.operatorClient }
    var providerClient: SuanliClient { test.client(tokens[.provider]) }

    /// A new resource of the provider.
    func freshResource() async throws -> String {
        let id = "\(prefix)/fresh/r\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await providerClient.putResource(id, gpuSpec(units: 1))
        return id
    }

    /// A new task of the consumer.
    func freshTask() async throws -> String {
        try await test.client(tokens[.consumer]).submit(taskSpec()).id
    }

    /// A new quote of the consumer (1 unit, held 1 s): the clock moves 1 s first, so the
    /// previous fresh quote has expired and its unit is free for this one.
    func freshQuote() async throws -> String {
        test.clock.advance(1)
        let spec = TaskSpec(name: "m", units: 1, accept: [TaskSpec.Alternative(kind: .gpu)], durationS: 60)
        return try await test.client(tokens[.consumer]).quote(QuoteRequest(spec: spec, holdS: 1, maxOffers: 1)).id
    }

    /// A new token of the provider, created by the operator.
    func freshProviderToken() async throws -> String {
        try await op.createToken(TokenRequest(role: .provider, owner: prefix)).id
    }
}

enum PermissionMatrix {
    /// The modules whose routes the matrix covers besides the core's.
    static func modules(for platform: Platform) -> [any PlatformModule] {
        let federation = try! FederationModule(platform: platform)
        let aggregation = AggregationModule(federation: federation)
        return [
            InstancesModule(directory: StandaloneInstance()), federation, aggregation,
            FederatedPlacementModule(federation: federation, aggregation: aggregation),
        ]
    }
    static let spec = #"{"name":"m","units":1,"accept":[{"kind":"gpu","run":{"command":["true"]}}],"duration_s":60}"#
    static let resourceSpec =
        #"{"kind":"gpu","arch":"x86_64","model":"NVIDIA A100-SXM4-80GB","units":8,"location":"cluster.zhangjiakou","price_fen_per_unit_hour":900}"#

    static func row(
        _ method: HTTPMethod, _ route: String, _ codes: String, _ note: String = "", streams: Bool = false,
        _ request: @escaping @Sendable (MatrixFixture, MatrixCaller) async throws -> (String, String?)
    ) -> MatrixRow {
        let expected = codes.split(separator: " ").map { Int($0)! }
        precondition(expected.count == MatrixCaller.allCases.count, "\(route): \(codes)")
        return MatrixRow(method: method, route: route, expected: expected, note: note, request: request, streams: streams)
    }

    static let open = "200 200 200 200 200 200 200 401 401"

    /// The matrix: what docs/api.md prints (``markdown``) and what the test checks, cell by cell.
    static let rows: [MatrixRow] = [
        row(.GET, "/healthz", "200 200 200 200 200 200 200 200 200", "ignores tokens") { _, _ in ("/healthz", nil) },
        row(.GET, "/openapi.json", "200 200 200 200 200 200 200 200 200", "ignores tokens") { _, _ in ("/openapi.json", nil) },
        row(.GET, "/v1/whoami", open) { _, _ in ("/v1/whoami", nil) },
        row(.POST, "/v1/providers", "401 201 403 403 403 403 403 401 401") { _, _ in
            ("/v1/providers", #"{"name":"m","contact":"ops@example.com","location":"cluster.zhangjiakou","renewable":0.5,"pue":1.2}"#)
        },
        row(.GET, "/v1/providers", open) { _, _ in ("/v1/providers", nil) },
        row(.GET, "/v1/providers/{prefix}", open) { f, _ in ("/v1/providers/\(f.prefix)", nil) },
        row(.POST, "/v1/providers/{prefix}/token", "401 200 403 403 403 403 403 401 401", "revokes the provider's other tokens") { f, _ in
            let other = try await f.op.registerProvider(
                ProviderRegistration(name: "x", contact: "ops@example.com", location: "cluster.zhangjiakou", renewable: 0.5, pue: 1.2))
            return ("/v1/providers/\(other.prefix)/token", nil)
        },
        row(.POST, "/v1/consumers", "401 201 403 403 403 403 403 401 401") { _, _ in ("/v1/consumers", #"{"name":"m"}"#) },
        row(.GET, "/v1/consumers", "401 200 403 403 403 403 200 401 401") { _, _ in ("/v1/consumers", nil) },
        row(.POST, "/v1/auditors", "401 201 403 403 403 403 403 401 401") { _, _ in ("/v1/auditors", #"{"name":"m"}"#) },
        row(.GET, "/v1/auditors", "401 200 403 403 403 403 200 401 401") { _, _ in ("/v1/auditors", nil) },
        row(.GET, "/v1/tokens", "401 200 200 200 200 200 200 401 401", "operator and auditors: all; others: their own") { _, _ in
            ("/v1/tokens", nil)
        },
        row(.POST, "/v1/tokens", "401 201 201 403 403 403 403 401 401", "a token for the provider") { f, _ in
            ("/v1/tokens", #"{"role":"provider","owner":"\#(f.prefix)","ttl_s":3600}"#)
        },
        row(.DELETE, "/v1/tokens/{id}", "401 204 204 404 404 404 403 401 401", "a token of the provider") { f, _ in
            ("/v1/tokens/\(try await f.freshProviderToken())", nil)
        },
        row(.POST, "/v1/tokens/{id}/rotate", "401 201 201 404 404 404 403 401 401", "a token of the provider") { f, _ in
            ("/v1/tokens/\(try await f.freshProviderToken())/rotate", nil)
        },
        row(.GET, "/v1/audit", "401 200 403 403 403 403 200 401 401") { _, _ in ("/v1/audit?limit=5", nil) },
        row(.PUT, "/v1/resources/{id...}", "401 403 201 403 403 403 403 401 401", "under the provider's prefix") { f, caller in
            ("/v1/resources/\(f.prefix)/matrix/\(caller.rawValue.replacingOccurrences(of: " ", with: "-"))", resourceSpec)
        },
        row(.DELETE, "/v1/resources/{id...}", "401 403 204 403 403 403 403 401 401", "the provider's resource") { f, _ in
            ("/v1/resources/\(try await f.freshResource())", nil)
        },
        row(.GET, "/v1/resources/{id...}", open) { f, _ in ("/v1/resources/\(f.resource)", nil) },
        row(.GET, "/v1/resolve/{id...}", open) { f, _ in ("/v1/resolve/\(f.resource)", nil) },
        row(.POST, "/v1/resolve", open, "a read") { f, _ in ("/v1/resolve", #"{"ids":["\#(f.resource)"]}"#) },
        row(.GET, "/v1/resources", open) { _, _ in ("/v1/resources?kind=gpu&limit=1", nil) },
        row(.POST, "/v1/telemetry", "401 403 200 403 403 403 403 401 401", "the provider's resource") { f, _ in
            ("/v1/telemetry", #"{"reports":[{"id":"\#(f.resource)","free_units":7,"healthy":true}]}"#)
        },
        row(.GET, "/v1/topology", open) { _, _ in ("/v1/topology", nil) },
        row(.PUT, "/v1/topology/latency", "401 200 403 403 403 403 403 401 401") { _, _ in
            ("/v1/topology/latency", #"{"from":"city.beijing","to":"city.shanghai","rtt_ms":27.5}"#)
        },
        row(.GET, "/v1/stats", open) { _, _ in ("/v1/stats", nil) },
        row(.POST, "/v1/tasks", "401 403 403 403 201 201 403 401 401", "each consumer submits its own") { _, _ in ("/v1/tasks", spec) },
        row(.GET, "/v1/tasks", "401 200 403 403 200 200 200 401 401", "consumers: their own") { _, _ in ("/v1/tasks", nil) },
        row(.GET, "/v1/tasks/stream", "401 200 403 403 200 200 200 401 401", "consumers: their own", streams: true) { _, _ in
            ("/v1/tasks/stream", nil)
        },
        row(.GET, "/v1/tasks/{id}", "401 200 404 404 200 404 200 401 401", "the consumer's task") { f, _ in ("/v1/tasks/\(f.task)", nil) },
        row(.DELETE, "/v1/tasks/{id}", "401 200 404 404 200 404 403 401 401", "the consumer's task") { f, _ in
            ("/v1/tasks/\(try await f.freshTask())", nil)
        },
        row(.GET, "/v1/tasks/{id}/explain", "401 200 404 404 200 404 200 401 401", "the consumer's task") { f, _ in
            ("/v1/tasks/\(f.task)/explain", nil)
        },
        row(.GET, "/v1/tasks/{id}/events", "401 200 404 404 200 404 200 401 401", "the consumer's task") { f, _ in
            ("/v1/tasks/\(f.task)/events", nil)
        },
        row(.GET, "/v1/tasks/{id}/logs", "401 200 404 404 200 404 200 401 401", "the consumer's task") { f, _ in
            ("/v1/tasks/\(f.task)/logs", nil)
        },
        row(.POST, "/v1/agent/work", "401 403 200 200 403 403 403 401 401", "each provider its own work") { _, _ in
            ("/v1/agent/work", #"{"running":[],"wait_s":0}"#)
        },
        row(.POST, "/v1/agent/events", "401 403 200 200 403 403 403 401 401", "another provider's events are ignored") { f, _ in
            ("/v1/agent/events", #"{"events":[{"task":"\#(f.task)","attempt":1,"resource":"\#(f.resource)","phase":"starting"}]}"#)
        },
        row(.POST, "/v1/agent/logs", "401 403 204 403 403 403 403 401 401", "the task runs on the provider") { f, _ in
            ("/v1/agent/logs", #"{"task":"\#(f.task)","attempt":1,"stream":"stdout","data":"hi\n"}"#)
        },
        row(.GET, "/v1/usage", "401 200 200 200 200 200 200 401 401", "consumers and providers: their own") { _, _ in ("/v1/usage", nil) },
        row(.GET, "/v1/bills", "401 200 403 403 200 200 200 401 401", "consumers: their own; operator and auditors: all") { _, _ in
            ("/v1/bills", nil)
        },
        row(.GET, "/v1/payouts", "401 200 200 200 403 403 200 401 401", "providers: their own; operator and auditors: all") { _, _ in
            ("/v1/payouts", nil)
        },
        row(.GET, "/v1/consumers/{id}/budget", "401 200 403 403 200 403 200 401 401", "the consumer's") { f, _ in
            ("/v1/consumers/\(f.consumer)/budget", nil)
        },
        row(.PUT, "/v1/consumers/{id}/budget", "401 200 403 403 403 403 403 401 401", "the consumer's") { f, _ in
            ("/v1/consumers/\(f.consumer)/budget", #"{"fen":null}"#)
        },
        row(.GET, "/v1/consumers/{id}/quotas", "401 200 403 403 200 403 200 401 401", "the consumer's") { f, _ in
            ("/v1/consumers/\(f.consumer)/quotas", nil)
        },
        row(.PUT, "/v1/consumers/{id}/quotas", "401 200 403 403 403 403 403 401 401", "the consumer's") { f, _ in
            ("/v1/consumers/\(f.consumer)/quotas", "{}")
        },
        row(.POST, "/v1/quotes", "401 403 403 403 201 201 403 401 401", "each consumer asks for its own") { _, _ in
            ("/v1/quotes", #"{"name":"m","units":1,"accept":[{"kind":"gpu","run":{"command":["true"]}}],"hold_s":1,"max_offers":1}"#)
        },
        row(.DELETE, "/v1/quotes/{id}", "401 200 404 404 200 404 403 401 401", "the consumer's quote") { f, _ in
            ("/v1/quotes/\(try await f.freshQuote())", nil)
        },
        row(.POST, "/v1/quotes/{id}/accept", "401 403 403 403 201 404 403 401 401", "the consumer's quote") { f, _ in
            ("/v1/quotes/\(try await f.freshQuote())/accept", #"{"offer":"o1"}"#)
        },
        row(.GET, "/v1/platform/instances", "401 200 200 200 200 200 200 401 401", "any token") { _, _ in ("/v1/platform/instances", nil) },
        row(.GET, "/v1/federation", open) { _, _ in ("/v1/federation", nil) },
        row(.GET, "/v1/federation/children", open) { _, _ in ("/v1/federation/children", nil) },
        row(.POST, "/v1/federation/children", "401 201 403 403 403 403 403 401 401") { _, _ in
            ("/v1/federation/children", #"{"name":"m","url":"https://m.example.cn"}"#)
        },
        row(.GET, "/v1/federation/delegations/{prefix}", open, "this platform's own record") { _, _ in ("/v1/federation/delegations/86.1", nil) },
        row(.POST, "/v1/federation/join", "401 401 401 401 401 401 401 401 401", "a signed peer call, not a token (federation.md)") { _, _ in
            ("/v1/federation/join", #"{"prefix":"86.1.1","join_token":"x","public_key":"x","url":"https://m.example.cn"}"#)
        },
        row(.POST, "/v1/federation/sync", "401 401 401 401 401 401 401 401 401", "a signed peer call, not a token (federation.md)") { _, _ in
            ("/v1/federation/sync", #"{"prefix":"86.1.1","url":"https://m.example.cn"}"#)
        },
        row(.POST, "/v1/federation/aggregate", "401 401 401 401 401 401 401 401 401", "a signed peer call, not a token (aggregation.md)") { _, _ in
            ("/v1/federation/aggregate", #"{"prefix":"86.1.1","base":0,"generation":1,"upserts":[],"removes":[]}"#)
        },
        row(.POST, "/v1/federation/claims", "401 401 401 401 401 401 401 401 401", "a signed peer call, not a token (federation.md)") { _, _ in
            ("/v1/federation/claims", #"{"resource":"86.1.1/x","spec":\#(spec),"home_task":"86.2-f1"}"#)
        },
        row(.GET, "/v1/federation/claims/{id}", "401 401 401 401 401 401 401 401 401", "a signed peer call, not a token (federation.md)") { _, _ in
            ("/v1/federation/claims/t1", nil)
        },
        row(.GET, "/v1/federation/claims/{id}/logs", "401 401 401 401 401 401 401 401 401", "a signed peer call, not a token (federation.md)") { _, _ in
            ("/v1/federation/claims/t1/logs", nil)
        },
        row(.DELETE, "/v1/federation/claims/{id}", "401 401 401 401 401 401 401 401 401", "a signed peer call, not a token (federation.md)") { _, _ in
            ("/v1/federation/claims/t1", nil)
        },
        row(.GET, "/v1/federation/claims/{id}/explain", "401 401 401 401 401 401 401 401 401", "a signed peer call, not a token (federation.md)") { _, _ in
            ("/v1/federation/claims/t1/explain", nil)
        },
        row(.GET, "/v1/federation/claims/{id}/usage", "401 401 401 401 401 401 401 401 401", "a signed peer call, not a token (federation.md)") { _, _ in
            ("/v1/federation/claims/t1/usage", nil)
        },
        row(.GET, "/v1/federation/settlements", "401 200 403 403 403 403 200 401 401", "operator and auditors") { _, _ in
            ("/v1/federation/settlements?peer=86.1.2", nil)
        },
    ]

    /// The table as docs/api.md prints it.
    static var markdown: String {
        let header = "| route | " + MatrixCaller.allCases.map(\.rawValue).joined(separator: " | ") + " | peer | note |"
        let rule = "| --- |" + String(repeating: " --- |", count: MatrixCaller.allCases.count + 2)
        let lines = rows.map { row in
            "| `\(row.method.rawValue) \(row.route)` | " + row.expected.map { $0 < 400 ? "**\($0)**" : "\($0)" }.joined(separator: " | ")
                + " | — | \(row.note) |"
        }
        return ([header, rule] + lines).joined(separator: "\n")
    }

    static let begin = "<!-- permission-matrix: generated from Tests/SuanliServerTests/PermissionMatrixTests.swift -->"
    static let end = "<!-- /permission-matrix -->"
}

/// Every route × every caller, allowed or refused with the documented status; the table is
/// the one docs/api.md prints.
@Suite("Permission matrix")
struct PermissionMatrixTests {
    static var apiDoc: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/api.md")
    }

    /// The table between the markers in docs/api.md is exactly ``PermissionMatrix/markdown``
    /// (`SUANLI_WRITE_MATRIX=1` rewrites it).
    @Test func docsPrintTheTestedTable() throws {
        let text = try String(contentsOf: Self.apiDoc, encoding: .utf8)
        guard let begin = text.range(of: PermissionMatrix.begin),
            let end = text.range(of: PermissionMatrix.end, range: begin.upperBound..<text.endIndex)
        else {
            Issue.record("docs/api.md lacks the permission-matrix markers")
            return
        }
        let printed = text[begin.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        if printed != PermissionMatrix.markdown, ProcessInfo.processInfo.environment["SUANLI_WRITE_MATRIX"] == "1" {
            let updated = text.replacingCharacters(in: begin.upperBound..<end.lowerBound, with: "\n" + PermissionMatrix.markdown + "\n")
            try updated.write(to: Self.apiDoc, atomically: true, encoding: .utf8)
            return
        }
        #expect(printed == PermissionMatrix.markdown, "run with SUANLI_WRITE_MATRIX=1 to rewrite docs/api.md's table")
    }

    @Test func everyCoreRouteIsInTheMatrix() async throws {
        try await TestPlatform.with { test in
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let router = APIRouter.make(platform: test.platform, logger: logger, modules: PermissionMatrix.modules(for: test.platform))
            let routed = Set(
                router.routes.map { route in
                    "\(route.method.rawValue) " + route.path.description.replacingOccurrences(of: "**", with: "{id...}")
                })
            let matrix = Set(PermissionMatrix.rows.map { "\($0.method.rawValue) \($0.route)" })
            #expect(routed.subtracting(matrix).isEmpty, "routes missing from the permission matrix: \(routed.subtracting(matrix).sorted())")
            #expect(matrix.subtracting(routed).isEmpty, "matrix rows no route serves: \(matrix.subtracting(routed).sorted())")
        }
    }

    @Test func everyCell() async throws {
        try await TestPlatform.with(modulesFor: PermissionMatrix.modules(for:)) { test in
            let fixture = try await Self.fixture(test)
            var failures: [String] = []
            for row in PermissionMatrix.rows {
                for (caller, expected) in zip(MatrixCaller.allCases, row.expected) {
                    let (path, body) = try await row.request(fixture, caller)
                    let (status, text) = try await Self.send(
                        test.url + path, method: row.method, token: fixture.tokens[caller], body: body, streams: row.streams)
                    if status != expected {
                        failures.append("\(row.method) \(row.route) as \(caller.rawValue): \(status), expected \(expected): \(text.prefix(200))")
                    }
                    if caller == .revoked && status == 401 && !text.contains("token_revoked") {
                        failures.append("\(row.method) \(row.route) as revoked token: \(text.prefix(200))")
                    }
                    if caller == .expired && status == 401 && !text.contains("token_expired") {
                        failures.append("\(row.method) \(row.route) as expired token: \(text.prefix(200))")
                    }
                }
            }
            #expect(failures.isEmpty, "\(failures.count) cells differ:\n\(failures.joined(separator: "\n"))")
        }
    }

    /// Two providers (the first with a GPU resource), two consumers (the first with a task placed
    /// on it), an auditor, a revoked and an expired token (both the consumer's).
    static func fixture(_ test: TestPlatform) async throws -> MatrixFixture {
        let (prefix, provider) = try await test.provider("p")
        let (_, otherProvider) = try await test.provider("q")
        let resource = "\(prefix)/rack-1/gpu-1"
        _ = try await provider.putResource(resource, gpuSpec())
        let consumer = try await test.operatorClient.registerConsumer(ConsumerRegistration(name: "c"))
        let otherConsumer = try await test.operatorClient.registerConsumer(ConsumerRegistration(name: "d"))
        let auditor = try await test.operatorClient.registerAuditor(AuditorRegistration(name: "a"))
        let consumerClient = test.client(consumer.token)
        let task = try await consumerClient.submit(taskSpec())
        #expect(task.placement?.parts.first?.resource == resource)
        let revoked = try await consumerClient.createToken(TokenRequest(name: "revoked"))
        try await consumerClient.revokeToken(revoked.id)
        let expired = try await consumerClient.createToken(TokenRequest(name: "expired", ttlS: 1))
        test.clock.advance(1)
        let tokens: [MatrixCaller: String] = [
            .operator: TestPlatform.operatorToken, .provider: provider.token!, .otherProvider: otherProvider.token!,
            .consumer: consumer.token!, .otherConsumer: otherConsumer.token!, .auditor: auditor.token!, .revoked: revoked.token!,
            .expired: expired.token!,
        ]
        return MatrixFixture(test: test, tokens: tokens, prefix: prefix, resource: resource, consumer: consumer.id, task: task.id)
    }

    /// Status and (for non-streaming answers) body.
    static func send(_ url: String, method: HTTPMethod, token: String?, body: String?, streams: Bool) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        if streams {
            // The head is enough; the deadline ends the stream.
            let response = try await HTTPClient.shared.execute(request, deadline: .now() + .seconds(5))
            let status = Int(response.status.code)
            if status >= 400 { return (status, String(buffer: try await response.body.collect(upTo: 1 << 20))) }
            return (status, "")
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 4 << 20)))
    }
}
