import SuanliCore

/// Who is calling, as established from the bearer token.
public enum Principal: Sendable, Hashable {
    /// No token.
    case anonymous
    /// The platform operator.
    case `operator`
    /// A registered provider, by prefix.
    case provider(Prefix)
    /// A registered consumer, by id.
    case consumer(String)
    /// An auditor, by id: reads everything an operator can read, changes nothing.
    case auditor(String)

    /// The role of the token that established the principal (`nil` for anonymous callers).
    public var role: TokenRole? {
        switch self {
        case .anonymous: nil
        case .operator: .operator
        case .provider: .provider
        case .consumer: .consumer
        case .auditor: .auditor
        }
    }

    /// The owner named in token records: prefix, consumer or auditor id, `operator`; `nil` for anonymous callers.
    public var owner: String? {
        switch self {
        case .anonymous: nil
        case .operator: "operator"
        case .provider(let prefix): prefix.description
        case .consumer(let id), .auditor(let id): id
        }
    }
}
