import Foundation
import SuanliCore
import Testing

@Suite("Endpoints and the error model")
struct EndpointsTests {
    @Test func templatesBuildEscapedPaths() {
        #expect(Endpoints.stats.path() == "/v1/stats")
        #expect(Endpoints.task.path("t1") == "/v1/tasks/t1")
        #expect(Endpoints.taskLogs.path("t 1/x") == "/v1/tasks/t%201%2Fx/logs", "one segment: a slash is escaped")
        #expect(Endpoints.resolve.path("86.1.7/zjk-a/gpu-node-17") == "/v1/resolve/86.1.7/zjk-a/gpu-node-17")
        #expect(Endpoints.resource.path("86.1.7/a b") == "/v1/resources/86.1.7/a%20b")
        #expect(Endpoints.provider.path("86.1.7") == "/v1/providers/86.1.7")
        #expect(Endpoints.providerToken.path("86.1.7") == "/v1/providers/86.1.7/token")
        // Whole dot segments are escaped so that no client resolves them away.
        #expect(Endpoints.resolve.path("86.1.1/../86.1.2/y") == "/v1/resolve/86.1.1/%2E%2E/86.1.2/y")
        #expect(Endpoints.task.path(".") == "/v1/tasks/%2E")
        #expect(Endpoints.resolve.path("86.1.1/a.b/..c") == "/v1/resolve/86.1.1/a.b/..c")
        // Multi-byte characters are escaped byte by byte.
        #expect(Endpoints.task.path("算") == "/v1/tasks/%E7%AE%97")
    }

    @Test func templatesDescribeThemselves() {
        #expect(Endpoints.resource.description == "/v1/resources/{id...}")
        #expect(Endpoints.resource.literalPrefix == "/v1/resources/")
        #expect(Endpoints.resource.takesRest)
        #expect(Endpoints.taskLogs.description == "/v1/tasks/{id}/logs")
        #expect(Endpoints.taskLogs.literalPrefix == "/v1/tasks/")
        #expect(!Endpoints.taskLogs.takesRest)
        #expect(Endpoints.health.literalPrefix == "/healthz")
        #expect(Endpoints.identifierPaths.map(\.literalPrefix) == ["/v1/resources/", "/v1/resolve/"])
    }

    @Test func errorsCarryTheirStatus() {
        let cases: [(SuanliError.Code, Int)] = [
            (.badRequest, 400), (.invalidIdentifier, 400), (.validation, 422), (.unauthorized, 401), (.forbidden, 403),
            (.notFound, 404), (.conflict, 409), (.tooLarge, 413), (.methodNotAllowed, 405), (.unavailable, 503),
            (.internal, 500), (.transport, 0), ("something_new", 500),
        ]
        for (code, status) in cases {
            #expect(SuanliError(code, "m").status == status, "\(code)")
        }
        #expect(SuanliError(.badRequest, "m", status: 418).status == 418)
    }

    @Test func clientAndServerShareOneModel() throws {
        let server = SuanliError(.notFound, "no resource 86.1.1/x", field: "id")
        let wire = try SuanliJSON.encoder().encode(server.body)
        let client = SuanliError(status: 404, body: try SuanliJSON.decoder().decode(APIErrorBody.self, from: wire))
        #expect(client.code == server.code && client.message == server.message && client.status == server.status)
        #expect(client.code == "not_found" && "not_found" == client.code && client.code != "forbidden")
        // The agent's and tests' spelling still works.
        let legacy = SuanliError(status: 401, code: "unauthorized", message: "no")
        #expect(legacy.code == .unauthorized && legacy.status == 401)
        switch legacy.code {
        case "unauthorized": break
        default: Issue.record("string patterns match codes")
        }
        #expect(SuanliError(.transport, "cannot reach").description == "cannot reach")
        #expect(SuanliError(.conflict, "busy").description == "conflict: busy")
        #expect(SuanliError(status: 502, code: "http_502", message: "bad gateway").description == "http_502: bad gateway (HTTP 502)")
    }
}
