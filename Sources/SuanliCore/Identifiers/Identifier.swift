/// A unified compute identifier (统一算力标识): `PREFIX "/" SUFFIX`, e.g. `86.1.7/zjk-a/gpu-node-17`.
///
/// The prefix names the owner (a platform or a provider); the suffix is chosen by the provider.
/// See `docs/identifiers.md` for the full standard.
public struct Identifier: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// Maximum length of a whole identifier in bytes.
    public static let maxLength = 160
    /// Maximum length of a suffix in bytes.
    public static let maxSuffixLength = 128

    /// The identifier as text.
    public let string: String
    /// Byte length of the prefix part (the suffix starts after it and the slash).
    let prefixLength: Int

    /// The owning prefix.
    public var prefix: Prefix {
        let utf8 = Array(string.utf8)
        // Validated on creation, so parsing cannot fail.
        return (try? Prefix.parse(utf8[..<prefixLength], offset: 0)) ?? Prefix(unchecked: [0])
    }

    /// Wraps text already known to be a valid identifier whose prefix is `prefixLength` bytes long.
    public init(uncheckedString string: String, prefixLength: Int) {
        self.string = string
        self.prefixLength = prefixLength
    }

    /// Wraps text that is already known to be a valid identifier (e.g. read back from the registry).
    /// Use ``init(parsing:)`` for anything that comes from outside.
    public init(uncheckedString string: String) {
        self.string = string
        self.prefixLength = string.utf8.firstIndex(of: UInt8(ascii: "/")).map {
            string.utf8.distance(from: string.utf8.startIndex, to: $0)
        } ?? string.utf8.count
    }

    /// Parses an identifier, throwing an ``IdentifierError`` that names the position and rule.
    public init(parsing text: some StringProtocol) throws(IdentifierError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else {
            throw IdentifierError(.empty, at: 1, "identifier is empty; expected PREFIX/SUFFIX such as 86.1.7/node-1")
        }
        guard bytes.count <= Identifier.maxLength else {
            throw IdentifierError(
                .tooLong, at: Identifier.maxLength + 1,
                "identifier is \(bytes.count) bytes; at most \(Identifier.maxLength) are allowed")
        }
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else {
            // Report the first non-prefix character if there is one, else the missing slash.
            _ = try Prefix.parse(bytes[...], offset: 0)
            throw IdentifierError(
                .missingSlash, at: bytes.count + 1,
                "identifier has no '/' after its prefix; expected PREFIX/SUFFIX such as \(String(decoding: bytes, as: UTF8.self))/node-1")
        }
        _ = try Prefix.parse(bytes[..<slash], offset: 0)
        try Identifier.validateSuffix(bytes[(slash + 1)...], offset: slash + 1)
        self.prefixLength = slash
        self.string = String(decoding: bytes, as: UTF8.self)
    }

    /// Creates an identifier from a prefix and a suffix, validating the suffix.
    public init(prefix: Prefix, suffix: some StringProtocol) throws(IdentifierError) {
        try self.init(parsing: "\(prefix)/\(suffix)")
    }

    /// Validates a suffix on its own (1-based positions relative to the suffix).
    public static func validate(suffix: some StringProtocol) throws(IdentifierError) {
        try validateSuffix(Array(suffix.utf8)[...], offset: 0)
    }

    static func validateSuffix(_ bytes: ArraySlice<UInt8>, offset: Int) throws(IdentifierError) {
        func position(_ index: Int) -> Int { offset + (index - bytes.startIndex) + 1 }
        guard !bytes.isEmpty else {
            throw IdentifierError(.suffixEmpty, at: offset + 1, "suffix is empty; put a name after the '/'")
        }
        guard bytes.count <= maxSuffixLength else {
            throw IdentifierError(
                .suffixTooLong, at: position(bytes.startIndex + maxSuffixLength),
                "suffix is \(bytes.count) bytes; at most \(maxSuffixLength) are allowed")
        }
        var previousWasSlash = false
        var segmentStart = bytes.startIndex
        // `.` and `..` segments would be removed or resolved by URL normalisation (RFC 3986
        // §5.2.4), turning `86.1.1/../86.1.2/x` into another owner's identifier in a path.
        func checkDotSegment(endingAt end: Int) throws(IdentifierError) {
            let length = end - segmentStart
            guard length == 1 || length == 2, bytes[segmentStart..<end].allSatisfy({ $0 == UInt8(ascii: ".") }) else { return }
            let segment = length == 1 ? "." : ".."
            throw IdentifierError(
                .suffixDotSegment, at: position(segmentStart),
                "suffix segment '\(segment)' at position \(position(segmentStart)) is not allowed; URLs resolve '.' and '..', so name the segment otherwise")
        }
        for index in bytes.indices {
            let byte = bytes[index]
            if byte == UInt8(ascii: "/") {
                if index > segmentStart { try checkDotSegment(endingAt: index) }
                segmentStart = index + 1
                if index == bytes.startIndex {
                    throw IdentifierError(
                        .suffixLeadingSlash, at: position(index),
                        "suffix starts with '/' at position \(position(index)); use a single slash between prefix and suffix")
                }
                if previousWasSlash {
                    throw IdentifierError(
                        .suffixEmptySegment, at: position(index),
                        "empty suffix segment ('//') at position \(position(index))")
                }
                if index == bytes.endIndex - 1 {
                    throw IdentifierError(
                        .suffixTrailingSlash, at: position(index),
                        "suffix ends with '/' at position \(position(index)); remove the trailing slash")
                }
                previousWasSlash = true
                continue
            }
            previousWasSlash = false
            guard isSuffixByte(byte) else {
                throw IdentifierError(
                    .suffixInvalidCharacter, at: position(index),
                    "invalid character \(describeByte(byte)) at position \(position(index)) in suffix; allowed are ASCII letters, digits and - . _ ~ : /")
            }
        }
        try checkDotSegment(endingAt: bytes.endIndex)
    }

    @inline(__always)
    static func isSuffixByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ":"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    /// The provider-chosen part after the first slash.
    public var suffix: Substring {
        let utf8 = string.utf8
        return Substring(utf8[utf8.index(utf8.startIndex, offsetBy: prefixLength + 1)...])
    }

    public var description: String { string }

    public static func < (lhs: Identifier, rhs: Identifier) -> Bool { lhs.string < rhs.string }

    public static func == (lhs: Identifier, rhs: Identifier) -> Bool { lhs.string == rhs.string }
    public func hash(into hasher: inout Hasher) { hasher.combine(string) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do throws(IdentifierError) { self = try Identifier(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }
}
