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
        if let prefixLength = text.utf8.withContiguousStorageIfAvailable(Self.plainPrefixLength) ?? nil {
            self.prefixLength = prefixLength
            self.string = String(text)
            return
        }
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

    /// The prefix length of `bytes` if it is a valid identifier of the common shape, checked in
    /// place; nil when the full parser must look (an invalid identifier, or anything unusual).
    ///
    /// It accepts only what ``init(parsing:)``'s full path accepts: digits and single dots without
    /// leading zeros in at most ``Prefix/maxSegments`` segments of at most
    /// ``Prefix/maxSegmentDigits`` digits, one slash, then a suffix of suffix bytes with no empty,
    /// `.` or `..` segment, within ``maxLength`` and ``maxSuffixLength``.
    static func plainPrefixLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = bytes.count
        guard count >= 3, count <= maxLength else { return nil }
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var index = 0
        var segments = 0
        var digits = 0
        var leadingZero = false
        while true {
            guard index < count else { return nil }
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if digits == 0 {
                    leadingZero = byte == UInt8(ascii: "0")
                } else if leadingZero {
                    return nil
                }
                digits += 1
                guard digits <= Prefix.maxSegmentDigits else { return nil }
            } else if byte == dot || byte == slash {
                guard digits > 0 else { return nil }
                segments += 1
                guard segments <= Prefix.maxSegments else { return nil }
                digits = 0
                if byte == slash { break }
            } else {
                return nil
            }
            index += 1
        }
        let prefixLength = index
        guard (1...maxSuffixLength).contains(count - prefixLength - 1) else { return nil }
        var length = 0
        var dots = 0
        for byte in bytes[(prefixLength + 1)...] {
            if byte == slash {
                guard length > dots || length > 2, length > 0 else { return nil }
                length = 0
                dots = 0
            } else {
                guard isSuffixByte(byte) else { return nil }
                length += 1
                if byte == dot { dots += 1 }
            }
        }
        guard length > 0, length > dots || length > 2 else { return nil }
        return prefixLength
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
