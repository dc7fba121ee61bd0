import SuanliCore

/// What a requested handle names: a prefix (`0.NA/86.1`, the Handle system's name for a
/// prefix) or a Suanli identifier (`86.1.7/zjk-a/gpu-node-17`).
public enum HandleName: Sendable, Hashable {
    /// `0.NA/{prefix}`: a platform's or a provider's prefix.
    case prefix(Prefix)
    /// A resource's identifier.
    case identifier(Identifier)

    /// The Handle system's prefix of prefix handles.
    public static let prefixNamespace = "0.NA/"

    /// Parses a handle (already %-decoded); the error's message says what is wrong.
    public init(parsing text: String) throws(HandleFilter.Invalid) {
        if text.utf8.count > Self.prefixNamespace.utf8.count,
            text.prefix(Self.prefixNamespace.count).uppercased() == Self.prefixNamespace
        {
            let rest = text.dropFirst(Self.prefixNamespace.count)
            do {
                self = .prefix(try Prefix(parsing: rest))
            } catch {
                throw HandleFilter.Invalid(message: "'\(HandleFilter.excerpt(text))' is not a prefix handle: \(error.description)")
            }
            return
        }
        do {
            self = .identifier(try Identifier(parsing: text))
        } catch {
            throw HandleFilter.Invalid(
                message: "'\(HandleFilter.excerpt(text))' is neither a Suanli identifier nor 0.NA/PREFIX: \(error.description)")
        }
    }

    /// The handle of a prefix: `0.NA/86.1`.
    public static func handle(of prefix: Prefix) -> String { prefixNamespace + prefix.description }
}
