import Foundation
import Hummingbird
import SuanliCore

/// Refuses request paths that a router or an HTTP client would normalise into another path.
///
/// Hummingbird's trie skips empty segments (so `/v1//stats` would match `/v1/stats`), and
/// clients resolve `.` and `..` (so `86.1.1/../86.1.2/y` would become another provider's
/// name). This middleware runs before routing decisions matter and answers 400 for a path
/// with an empty segment (`//`, a trailing `/`) or a `.`/`..` segment, raw or %-escaped,
/// and an identifier with an escaped slash (`%2F`).
/// After the literal part of an identifier path (``Endpoints/identifierPaths``) the rest is
/// one identifier: its problems are `invalid_identifier`, with the identifier parser's
/// message where it has one. Paths that pass are handed on unchanged.
struct ExactPathMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Literal prefixes after which the rest of the path is one identifier.
    let identifierPrefixes: [String]
    /// Literal prefixes after which the handler checks the path itself (``Endpoints/selfCheckedPaths``).
    let selfCheckedPrefixes: [String]

    init(identifierPaths: [PathTemplate] = Endpoints.identifierPaths, selfCheckedPaths: [PathTemplate] = Endpoints.selfCheckedPaths) {
        identifierPrefixes = identifierPaths.map(\.literalPrefix)
        selfCheckedPrefixes = selfCheckedPaths.map(\.literalPrefix)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try check(request.uri.path)
        return try await next(request, context)
    }

    /// Throws a 400 ``SuanliError`` if `path` has an empty or dot segment.
    func check(_ path: String) throws(SuanliError) {
        guard path != "/", path.hasPrefix("/") else { return }
        if selfCheckedPrefixes.contains(where: { path.hasPrefix($0) }) { return }
        var routePart = Substring(path)
        var identifier: Substring? = nil
        if let prefix = identifierPrefixes.first(where: { path.hasPrefix($0) }) {
            routePart = path.prefix(prefix.count - 1)
            identifier = path.dropFirst(prefix.count)
        }
        for segment in routePart.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty {
                throw SuanliError(
                    .badRequest,
                    "the path '\(Self.excerpt(path))' has an empty segment ('//' or a trailing '/'); paths are matched exactly, see docs/api.md")
            }
            if Self.isDotSegment(segment) {
                throw SuanliError(
                    .badRequest,
                    "the path '\(Self.excerpt(path))' has a '\(segment)' segment; paths are matched exactly, without '.' or '..' segments")
            }
        }
        if let identifier { try Self.checkIdentifier(identifier) }
    }

    /// The rest of an identifier path: no empty and no dot segments, raw or %-escaped.
    static func checkIdentifier(_ raw: Substring) throws(SuanliError) {
        // RFC 3986: an escaped slash is data, not a separator; an identifier has no such byte.
        if raw.range(of: "%2F", options: .caseInsensitive) != nil {
            throw SuanliError(
                .invalidIdentifier,
                "the identifier in the path has an escaped slash ('%2F'); write '/' between its segments", field: "id")
        }
        guard let text = raw.removingPercentEncoding else {
            throw SuanliError(.invalidIdentifier, "the identifier in the path has a malformed %-escape", field: "id")
        }
        let segments = text.split(separator: "/", omittingEmptySubsequences: false)
        guard let bad = segments.firstIndex(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else { return }
        // The identifier parser names the rule and the position where it has one.
        do throws(IdentifierError) { _ = try Identifier(parsing: text) } catch { throw SuanliError.identifier(error) }
        let position = segments[..<bad].reduce(1) { $0 + $1.utf8.count + 1 }
        throw SuanliError(
            .invalidIdentifier,
            "the identifier '\(excerpt(text))' has a '\(segments[bad])' segment at position \(position); '.' and '..' are not identifier segments (clients would resolve them into another identifier)",
            field: "id")
    }

    /// `.` or `..`, raw or with %-escaped dots.
    static func isDotSegment(_ segment: Substring) -> Bool {
        guard segment.count <= 6, segment.first == "." || segment.first == "%" else { return false }
        let decoded = segment.removingPercentEncoding ?? String(segment)
        return decoded == "." || decoded == ".."
    }

    /// At most `limit` characters of `text`, for messages (never a client's input whole).
    static func excerpt(_ text: some StringProtocol, limit: Int = 200) -> String {
        text.count <= limit ? String(text) : String(text.prefix(limit)) + "…"
    }
}
