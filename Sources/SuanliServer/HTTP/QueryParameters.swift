import SuanliCore

/// Shared wording for query strings.
enum QueryParameters {
    /// The 400 for a query parameter an endpoint does not know.
    static func unknown(_ key: some StringProtocol, known: String) -> SuanliError {
        let name = ExactPathMiddleware<SuanliRequestContext>.excerpt(key, limit: 64)
        return SuanliError(.badRequest, "unknown query parameter '\(name)'; known: \(known)", field: name)
    }
}
