/// Why a string is not a valid Suanli identifier, prefix or suffix, and where.
public struct IdentifierError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rule of the identifier standard (`docs/identifiers.md`) that was broken.
    public enum Rule: String, Sendable, CaseIterable {
        case empty = "empty"
        case tooLong = "too_long"
        case missingSlash = "missing_slash"
        case prefixEmptySegment = "prefix_empty_segment"
        case prefixNonDigit = "prefix_non_digit"
        case prefixLeadingZero = "prefix_leading_zero"
        case prefixSegmentTooLong = "prefix_segment_too_long"
        case prefixTooManySegments = "prefix_too_many_segments"
        case suffixEmpty = "suffix_empty"
        case suffixTooLong = "suffix_too_long"
        case suffixInvalidCharacter = "suffix_invalid_character"
        case suffixLeadingSlash = "suffix_leading_slash"
        case suffixTrailingSlash = "suffix_trailing_slash"
        case suffixEmptySegment = "suffix_empty_segment"
        case suffixDotSegment = "suffix_dot_segment"
    }

    /// The rule that was broken.
    public var rule: Rule
    /// 1-based byte position in the input where the problem was found.
    public var position: Int
    /// A human-readable explanation naming the position and the rule.
    public var message: String

    /// Creates an error for `rule` at 1-based byte `position`.
    public init(_ rule: Rule, at position: Int, _ message: String) {
        self.rule = rule
        self.position = position
        self.message = message
    }

    public var description: String { "\(message) (rule \(rule.rawValue), position \(position))" }
}
