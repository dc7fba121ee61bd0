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
}
