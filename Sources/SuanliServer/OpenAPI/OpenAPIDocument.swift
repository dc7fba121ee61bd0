import Hummingbird
import NIOCore

/// The OpenAPI 3.1 document of the HTTP API, served at `GET /openapi.json`.
///
/// Written by hand in `docs/openapi.json` and compiled in by `scripts/openapi-embed.sh`
/// (``text``); `OpenAPIDocumentTests` checks that the two agree, that every route the router
/// registers is described and every described operation exists, and schemathesis checks the
/// server against it (`SchemathesisTests`).
public enum OpenAPIDocument {
    /// The document as UTF-8 JSON, with a final newline (as the file has it).
    public static let json: String = text + "\n"

    /// The document's bytes, built once.
    static let bytes = ByteBuffer(string: json)

    /// `GET /openapi.json`: the document, `application/json`.
    static func response() -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: bytes))
    }
}
