import SuanliCore

/// Which platforms a discovery or statistics read covers: `scope=local|subtree|federation`
/// on `GET /v1/resources` and `GET /v1/stats` (docs/federation.md, "Aggregation").
public enum ReadScope: String, Sendable, CaseIterable {
    /// This platform's own providers.
    case local
    /// This platform's and every platform's below it (the default).
    case subtree
    /// The whole federation (answered by the root).
    case federation

    /// Removes the `scope` parameter from `parameters` and parses it (absent or empty: `subtree`).
    public static func take(from parameters: inout [(String, String)]) throws(SuanliError) -> ReadScope {
        let values = parameters.filter { $0.0 == "scope" }.map(\.1)
        parameters.removeAll { $0.0 == "scope" }
        guard values.count <= 1 else { throw SuanliError(.badRequest, "scope is given more than once", field: "scope") }
        guard let value = values.first, !value.isEmpty else { return .subtree }
        guard let scope = ReadScope(rawValue: value) else {
            throw SuanliError(.badRequest, "scope must be local, subtree or federation", field: "scope")
        }
        return scope
    }
}

/// Answers discovery and statistics over more than this platform's own providers. A
/// federation provides it: the platform uses the installed ``RemoteResolver`` when it conforms.
public protocol ScopedReader: Sendable {
    /// One page of `query` over `scope`; `parameters` are the request's (without `scope`), for forwarding.
    func discover(_ query: DiscoveryQuery, parameters: [(String, String)], scope: ReadScope) async throws(SuanliError)
        -> Page<ResourceRecord>
    /// The statistics over `scope`, given this platform's own (`local`).
    func stats(_ local: StatsReport, parameters: [(String, String)], scope: ReadScope) async throws(SuanliError) -> StatsReport
}

extension Platform {
    /// The reader for scopes beyond this platform, when it takes part in a federation.
    public var scopedReader: (any ScopedReader)? { remoteResolution.current as? any ScopedReader }
}
