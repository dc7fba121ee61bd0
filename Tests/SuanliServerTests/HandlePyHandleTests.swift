import Foundation
import SuanliClient
import SuanliCore
import SuanliHandle
import SuanliServer
import Testing

/// Resolves through the real PyPI Handle client, `pyhandle`'s REST client, and prints what it
/// got as JSON. Arguments: the server URL, a resource identifier, the same with a `:` in its
/// suffix (passed as `hdl:ID`, see docs/federation.md), a provider prefix.
private let pyhandleScript = """
    import json, sys
    from pyhandle.handleclient import PyHandleClient
    from pyhandle.handleexceptions import HandleSyntaxError, HandleNotFoundException
    url, plain, colon, prefix = sys.argv[1:5]
    client = PyHandleClient("rest").instantiate_for_read_access(handle_server_url=url)
    out = {}
    out["record_json"] = client.retrieve_handle_record_json(plain)
    out["record"] = client.retrieve_handle_record(plain)
    out["url"] = client.get_value_from_handle(plain, "URL")
    out["only_kind"] = client.retrieve_handle_record_json(plain, type="SUANLI.KIND")
    out["by_index"] = client.retrieve_handle_record_json(plain, indices=[1, 100])
    out["no_match"] = client.retrieve_handle_record_json(plain, type="EMAIL")
    out["missing"] = client.retrieve_handle_record_json(prefix + "/missing")
    try:
        client.retrieve_handle_record_json(colon)
        out["colon_plain"] = "accepted"
    except HandleSyntaxError as e:
        out["colon_plain"] = "HandleSyntaxError"
    out["colon_hdl"] = client.retrieve_handle_record("hdl:" + colon)
    out["prefix"] = client.retrieve_handle_record("0.NA/" + prefix)
    try:
        client.get_value_from_handle(prefix + "/missing", "URL")
        out["missing_value"] = "found"
    except HandleNotFoundException:
        out["missing_value"] = "HandleNotFoundException"
    print(json.dumps(out))
    """

@Suite("Handle API with pyhandle")
struct HandlePyHandleTests {
    @Test(ExternalTools.needs("pyhandle", ExternalTools.pythonHas("pyhandle")))
    func pyhandleResolvesResourcesAndPrefixes() async throws {
        try await TestPlatform.with(modulesFor: { [HandleModule(platform: $0)] }) { t in
            let (prefix, provider) = try await t.provider("Horinger B", location: "cluster.horinger")
            let plain = "\(prefix)/hrg-b/gpu-node-3"
            let colon = "\(prefix)/hrg-b/node:4"
            _ = try await provider.putResource(plain, gpuSpec(units: 8, location: "cluster.horinger", price: 700))
            _ = try await provider.putResource(colon, gpuSpec(units: 4, location: "cluster.horinger", kind: .npu, arch: "aarch64"))
            _ = try await provider.report([TelemetryReport(id: plain, freeUnits: 3, healthy: true)])

            let output = try await ExternalTools.runDetached([ExternalTools.python, "-c", pyhandleScript, t.url, plain, colon, prefix])
            #expect(output.status == 0, "pyhandle failed: \(output.stderr)")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any], "\(output.stdout)")

            // The whole record, as pyhandle reads it.
            let json = try #require(result["record_json"] as? [String: Any])
            #expect(json["responseCode"] as? Int == 1)
            #expect(json["handle"] as? String == plain)
            let values = try #require(json["values"] as? [[String: Any]])
            #expect(values.count == 12)
            for value in values {
                #expect(value["index"] is Int && value["type"] is String && value["ttl"] is Int && value["timestamp"] is String)
                let data = value["data"] as? [String: Any]
                #expect(data?["format"] is String && data?["value"] != nil)
            }
            let record = try #require(result["record"] as? [String: String])
            #expect(record["URL"] == t.url + "/v1/resolve/" + plain)
            #expect(record["SUANLI.KIND"] == "gpu")
            #expect(record["SUANLI.LOCATION"] == "cluster.horinger")
            #expect(record["SUANLI.PRICE_FEN_PER_UNIT_HOUR"] == "700")
            #expect(record["SUANLI.FREE_UNITS"] == "3")
            #expect(record["HS_ADMIN"]?.contains("0.NA/\(prefix)") == true)
            #expect(result["url"] as? String == t.url + "/v1/resolve/" + plain)

            // Filters pass through pyhandle's options.
            let kind = (result["only_kind"] as? [String: Any])?["values"] as? [[String: Any]]
            #expect(kind?.map { $0["type"] as? String } == ["SUANLI.KIND"])
            let indexed = (result["by_index"] as? [String: Any])?["values"] as? [[String: Any]]
            #expect(indexed?.map { $0["index"] as? Int } == [1, 100])
            let noMatch = result["no_match"] as? [String: Any]
            #expect(noMatch?["responseCode"] as? Int == 200 && (noMatch?["values"] as? [Any])?.isEmpty == true)

            // Unknown handles are "not found" to pyhandle (HTTP 404, responseCode 100).
            #expect(result["missing"] is NSNull)
            #expect(result["missing_value"] as? String == "HandleNotFoundException")

            // pyhandle reads a ':' as index:handle and refuses the plain identifier; with 'hdl:' it resolves.
            #expect(result["colon_plain"] as? String == "HandleSyntaxError")
            let colonRecord = try #require(result["colon_hdl"] as? [String: String])
            #expect(colonRecord["SUANLI.KIND"] == "npu")
            #expect(colonRecord["URL"] == t.url + "/v1/resolve/" + colon)

            // A prefix as 0.NA/{prefix}.
            let prefixRecord = try #require(result["prefix"] as? [String: String])
            #expect(prefixRecord["URL"] == t.url)
            #expect(prefixRecord["SUANLI.NAME"] == "Horinger B")
            #expect(prefixRecord["SUANLI.PLATFORM"] == "86.1")
        }
    }
}
