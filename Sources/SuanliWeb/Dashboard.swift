import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SuanliServer

/// The web dashboard at `/`: one page of hand-written HTML, CSS and JavaScript, compiled into
/// the binary (no network fetch at run time, works offline), that draws the platform from its
/// public API (`/v1/stats`, `/v1/topology`, `/v1/providers`, `/v1/resources`) and, with the
/// token the user types in, the user's tasks (`/v1/tasks`, `/v1/tasks/stream`).
///
/// The page and its assets hold no private data and need no token. Each is served with a
/// strong `ETag` (SHA-256 of its bytes) and `Cache-Control: no-cache`, so a browser revalidates
/// and gets `304 Not Modified` until the binary changes. See `docs/dashboard.md`.
public struct Dashboard: PlatformModule {
    /// One file of the dashboard.
    struct Asset: Sendable {
        var path: String
        var contentType: String
        var bytes: ByteBuffer
        var etag: String

        init(path: String, contentType: String, bytes: [UInt8]) {
            self.path = path
            self.contentType = contentType
            self.bytes = ByteBuffer(bytes: bytes)
            let digest = SHA256.hash(data: bytes).prefix(16).map { String(format: "%02x", $0) }.joined()
            etag = "\"\(digest)\""
        }
    }

    /// The files served, by path.
    let assets: [Asset]

    /// Creates the dashboard with the assets compiled into the binary.
    public init() {
        assets = [
            Asset(path: "/", contentType: "text/html; charset=utf-8", bytes: PackageResources.index_html),
            Asset(path: "/dashboard/app.js", contentType: "text/javascript; charset=utf-8", bytes: PackageResources.app_js),
            Asset(path: "/dashboard/style.css", contentType: "text/css; charset=utf-8", bytes: PackageResources.style_css),
            Asset(path: "/dashboard/china.json", contentType: "application/json; charset=utf-8", bytes: PackageResources.china_json),
        ]
    }

    /// Adds `GET /` and `GET /dashboard/…` (public; nothing on `api`).
    public func addRoutes(to router: Router<SuanliRequestContext>, api: RouterGroup<SuanliRequestContext>) {
        for asset in assets {
            router.get(RouterPath(asset.path)) { request, _ in Self.response(for: asset, request: request) }
            router.head(RouterPath(asset.path)) { request, _ in
                var response = Self.response(for: asset, request: request)
                response.body = ResponseBody()
                return response
            }
        }
    }

    /// The asset, or `304` when the browser's copy is current.
    static func response(for asset: Asset, request: Request) -> Response {
        var headers: HTTPFields = [
            .eTag: asset.etag, .cacheControl: "no-cache", .contentType: asset.contentType,
            .xContentTypeOptions: "nosniff",
        ]
        if asset.contentType.hasPrefix("text/html") {
            // Everything the page loads is its own: no other origin, no inline script.
            headers[.contentSecurityPolicy] =
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'"
            headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        }
        if let tags = request.headers[.ifNoneMatch], tags.split(separator: ",").contains(where: {
            $0.trimmingCharacters(in: .whitespaces) == asset.etag || $0.trimmingCharacters(in: .whitespaces) == "*"
        }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(asset.bytes.readableBytes)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: asset.bytes))
    }
}
