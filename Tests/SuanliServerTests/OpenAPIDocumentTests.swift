import Foundation
import Hummingbird
import Logging
import SuanliCluster
import SuanliCore
import SuanliFederation
import SuanliHandle
import SuanliMetrics
import SuanliServer
import SuanliWeb
import Testing

/// The OpenAPI document (`docs/openapi.json`, served at `GET /openapi.json`) against the code:
/// the served bytes are the file's, every route the router registers is described and every
/// described operation is routed, every `$ref` resolves, and the examples decode into the wire
/// types (response examples re-encode to themselves).
///
/// A new endpoint fails ``everyRouteIsDescribedAndEveryOperationRouted()`` until the document
/// describes it; a new module's routes are checked once the module is listed in ``modules(for:)``.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    /// The platform modules whose routes the document describes besides the core's (add each
    /// ``PlatformModule`` that `suanli serve` runs).
    static func modules(for platform: Platform) -> [any PlatformModule] {
        let federation = try! FederationModule(platform: platform)
        return [
            MetricsModule(platform: platform), Dashboard(), HandleModule(platform: platform), federation,
            AggregationModule(federation: federation), InstancesModule(directory: StandaloneInstance()),
            FederatedPlacementModule(federation: federation, aggregation: AggregationModule(federation: federation)),
        ]
    }

    /// The document as JSON objects.
    static func document() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8))
        return try #require(object as? [String: Any])
    }

    /// The repository's root, from this file's path.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static let methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    /// `GET /v1/tasks/{}` for a documented operation: the path item's `x-path-template` (the
    /// `Endpoints` form, for identifier paths OpenAPI cannot write) or its path, parameter names dropped.
    static func shape(documented path: String, item: [String: Any]) -> String {
        let template = item["x-path-template"] as? String ?? path
        return template.replacing(/\{[^}]*\.\.\.\}/, with: "{...}").replacing(/\{[^}.]*\}/, with: "{}")
    }

    /// The same shape for a Hummingbird route (`{id}` captures, `**` for the rest of the path).
    static func shape(routed path: String) -> String {
        path.replacing(/\{[^}]*\}/, with: "{}").replacing("**", with: "{...}")
    }

    @Test func servedDocumentIsDocsOpenAPIJSON() async throws {
        let file = try String(contentsOf: Self.repositoryRoot.appending(path: "docs/openapi.json"), encoding: .utf8)
        #expect(
            OpenAPIDocument.json == file,
            "docs/openapi.json changed: run scripts/openapi-embed.sh to compile it into the server")
        try await TestPlatform.with { t in
            let (status, body) = try await rawRequest(t.url + Endpoints.openAPI.path(), token: "any token is ignored")
            #expect(status == 200)
            #expect(body == OpenAPIDocument.json)
        }
    }

    @Test func everyRouteIsDescribedAndEveryOperationRouted() async throws {
        let document = try Self.document()
        let paths = try #require(document["paths"] as? [String: Any])
        var documented = Set<String>()
        for (path, value) in paths {
            let item = try #require(value as? [String: Any], "path item \(path)")
            for method in Self.methods where item[method] != nil {
                let (inserted, _) = documented.insert("\(method.uppercased()) \(Self.shape(documented: path, item: item))")
                #expect(inserted, "\(method.uppercased()) \(path) is described twice")
            }
        }
        try await TestPlatform.with { t in
            var logger = Logger(label: "openapi-test")
            logger.logLevel = .critical
            let router = APIRouter.make(platform: t.platform, logger: logger, modules: Self.modules(for: t.platform))
            let routed = Set(router.routes.map { "\($0.method.rawValue) \(Self.shape(routed: $0.path.description))" })
            #expect(routed.count > 20)
            let undescribed = routed.subtracting(documented).sorted()
            let unrouted = documented.subtracting(routed).sorted()
            #expect(undescribed.isEmpty, "routes missing from docs/openapi.json: \(undescribed)")
            #expect(unrouted.isEmpty, "operations in docs/openapi.json that no route serves: \(unrouted)")
        }
    }

    @Test func operationsAreComplete() throws {
        let document = try Self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: Any])
        let tags = Set(((document["tags"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
        var operationIDs = Set<String>()
        for (path, value) in paths {
            let item = try #require(value as? [String: Any])
            for method in Self.methods {
                guard let operation = item[method] as? [String: Any] else { continue }
                let name = "\(method.uppercased()) \(path)"
                let id = try #require(operation["operationId"] as? String, "\(name) has no operationId")
                #expect(operationIDs.insert(id).inserted, "operationId \(id) is used twice")
                let operationTags = operation["tags"] as? [String] ?? []
                #expect(!operationTags.isEmpty && operationTags.allSatisfy(tags.contains), "\(name): tags \(operationTags) not declared")
                #expect(operation["security"] is [Any], "\(name) does not say which token it needs")
                let responses = try #require(operation["responses"] as? [String: Any], "\(name) has no responses")
                #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(name) has no success response")
                if path.hasPrefix("/v1/") {
                    // The bearer authenticator runs on every API route: an unknown token is 401.
                    #expect(responses["401"] != nil, "\(name) does not describe 401")
                }
            }
        }
    }

    @Test func everyReferenceResolves() throws {
        let document = try Self.document()
        var references: [String] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if let reference = object["$ref"] as? String { references.append(reference) }
                object.values.forEach(collect)
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(document)
        #expect(references.count > 100)
        for reference in Set(references) {
            #expect(reference.hasPrefix("#/"), "\(reference) is not local")
            var node: Any? = document
            for token in reference.dropFirst(2).split(separator: "/") {
                let key = String(token).replacing("~1", with: "/").replacing("~0", with: "~")
                node = (node as? [String: Any])?[key]
            }
            #expect(node != nil, "\(reference) does not resolve")
        }
    }

    @Test func locationCodesAreTheTopologys() throws {
        let document = try Self.document()
        let schema = try #require(((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?["LocationCode"] as? [String: Any])
        #expect(schema["enum"] as? [String] == Topology.national.locations.map(\.code))
    }

    /// Decoders for the schemas that examples use, by schema name.
    static var wireTypes: [String: any Codable.Type] { [
        "APIErrorBody": APIErrorBody.self,
        "HealthStatus": [String: String].self,
        "WhoAmI": WhoAmI.self,
        "ProviderRegistration": ProviderRegistration.self,
        "ProviderRecord": ProviderRecord.self,
        "ProviderRecordList": ItemList<ProviderRecord>.self,
        "ConsumerRegistration": ConsumerRegistration.self,
        "ConsumerRecord": ConsumerRecord.self,
        "ConsumerRecordList": ItemList<ConsumerRecord>.self,
        "TokenRecord": TokenRecord.self,
        "TokenRecordList": ItemList<TokenRecord>.self,
        "TokenRequest": TokenRequest.self,
        "TokenRotation": TokenRotation.self,
        "AuditorRegistration": AuditorRegistration.self,
        "AuditorRecord": AuditorRecord.self,
        "AuditorRecordList": ItemList<AuditorRecord>.self,
        "AuditEntryPage": Page<AuditEntry>.self,
        "ResourceSpec": ResourceSpec.self,
        "ResourceRecord": ResourceRecord.self,
        "ResourceRecordPage": Page<ResourceRecord>.self,
        "ResolveBatch": ResolveBatch.self,
        "ResolveBatchResult": ResolveBatchResult.self,
        "TelemetryBatch": TelemetryBatch.self,
        "TelemetryAck": TelemetryAck.self,
        "LatencyOverride": LatencyOverride.self,
        "TopologyDocument": TopologyDocument.self,
        "StatsReport": StatsReport.self,
        "ConsumerAccount": ConsumerAccount.self,
        "BudgetUpdate": BudgetUpdate.self,
        "QuotaUpdate": [String: Int].self,
        "Statement": Statement.self,
        "TaskSpec": TaskSpec.self,
        "TaskSubmission": TaskSubmission.self,
        "QuoteRequest": QuoteRequest.self,
        "QuoteRecord": QuoteRecord.self,
        "QuoteAcceptance": QuoteAcceptance.self,
        "TaskRecord": TaskRecord.self,
        "TaskRecordPage": Page<TaskRecord>.self,
        "TaskEventList": ItemList<TaskEvent>.self,
        "Explanation": Explanation.self,
        "WorkRequest": WorkRequest.self,
        "WorkResponse": WorkResponse.self,
        "AttemptEventBatch": AttemptEventBatch.self,
        "EventAck": EventAck.self,
        "LogChunk": LogChunk.self,
        "UsageReport": UsageReport.self,
        "HandleRecord": HandleRecord.self,
        "AggregationPush": AggregationPush.self,
        "AggregationAck": AggregationAck.self,
        "FederationStatus": FederationStatus.self,
        "FederationChild": FederationChild.self,
        "FederationChildList": ItemList<FederationChild>.self,
        "FederationChildRequest": FederationChildRequest.self,
        "DelegationRecord": DelegationRecord.self,
        "FederationJoin": FederationJoin.self,
        "FederationSync": FederationSync.self,
        "FederationClaim": FederationClaim.self,
        "FederationLink": FederationLink.self,
        "PlatformInstanceList": ItemList<PlatformInstance>.self,
    ] }

    /// JSON text with sorted keys, for comparing documents.
    static func canonical(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test func examplesDecodeIntoTheWireTypes() throws {
        let document = try Self.document()
        let paths = try #require(document["paths"] as? [String: Any])
        var checked = 0
        for (path, value) in paths {
            let item = try #require(value as? [String: Any])
            for method in Self.methods {
                guard let operation = item[method] as? [String: Any] else { continue }
                var media: [(String, [String: Any], Bool)] = []
                if let body = operation["requestBody"] as? [String: Any],
                    let json = (body["content"] as? [String: Any])?["application/json"] as? [String: Any]
                {
                    media.append(("request of \(method.uppercased()) \(path)", json, false))
                }
                for (status, response) in operation["responses"] as? [String: Any] ?? [:] {
                    if let json = ((response as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any] {
                        media.append(("\(status) of \(method.uppercased()) \(path)", json, true))
                    }
                }
                for (name, json, isResponse) in media {
                    guard let example = json["example"] else { continue }
                    guard let reference = (json["schema"] as? [String: Any])?["$ref"] as? String else { continue }
                    let schema = String(reference.split(separator: "/").last ?? "")
                    let type = try #require(Self.wireTypes[schema], "no Swift type for schema \(schema) (\(name)): add it to wireTypes")
                    let data = try JSONSerialization.data(withJSONObject: example)
                    let decoded: any Codable
                    do {
                        decoded = try SuanliJSON.decoder().decode(type, from: data)
                    } catch {
                        Issue.record("the example of the \(name) does not decode as \(type): \(error)")
                        continue
                    }
                    if isResponse {
                        // The server would send exactly this: nothing missing, nothing extra.
                        let encoded = try Self.canonical(JSONSerialization.jsonObject(with: SuanliJSON.encoder().encode(decoded)))
                        let documented = try Self.canonical(example)
                        #expect(
                            encoded == documented,
                            "the example of the \(name) is not what the server sends:\n\(documented)\n\(encoded)")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked > 30)
    }
}
