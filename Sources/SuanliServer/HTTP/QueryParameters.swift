import SuanliCore

/// Shared wording for query strings.
enum QueryParameters {
    /// The 400 for a query parameter an endpoint does not know.
    static func unknown(_ key: some StringProtocol, known: String) -> SuanliError {
        SuanliError(.badRequest, "unknown query parameter '\(key)'; known: \(known)", field: String(key))
    }
}
