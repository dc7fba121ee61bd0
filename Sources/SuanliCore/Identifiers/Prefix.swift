/// A hierarchical identifier prefix such as `86.1.7`: 1–8 dot-separated decimal segments.
///
/// A platform owns a prefix; every provider registered on it gets the next child prefix.
/// Each segment is `0` or 1–9 digits without a leading zero.
public struct Prefix: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// Maximum number of segments.
    public static let maxSegments = 8
    /// Maximum digits in one segment.
    public static let maxSegmentDigits = 9

    /// The decimal segments, most significant first.
    public let segments: [UInt32]

    /// Creates a prefix from already-valid segments.
    public init?(segments: [UInt32]) {
        guard (1...Self.maxSegments).contains(segments.count),
            segments.allSatisfy({ $0 <= 999_999_999 })
        else { return nil }
        self.segments = segments
    }

    /// Parses a prefix, throwing an ``IdentifierError`` that names the position and rule.
    public init(parsing text: some StringProtocol) throws(IdentifierError) {
        self = try Prefix.parse(Array(text.utf8)[...], offset: 0)
    }

    /// Parses the prefix in `bytes`; `offset` is added to reported positions.
    static func parse(_ bytes: ArraySlice<UInt8>, offset: Int) throws(IdentifierError) -> Prefix {
        var segments: [UInt32] = []
        segments.reserveCapacity(4)
        var value: UInt32 = 0
        var digits = 0
        var segmentStart = bytes.startIndex
        func position(_ index: Int) -> Int { offset + (index - bytes.startIndex) + 1 }
        if bytes.isEmpty {
            throw IdentifierError(.prefixEmptySegment, at: offset + 1, "prefix is empty; expected digits such as 86.1")
        }
        var index = bytes.startIndex
        while index <= bytes.endIndex {
            let byte: UInt8? = index < bytes.endIndex ? bytes[index] : nil
            if byte == nil || byte == UInt8(ascii: ".") {
                if digits == 0 {
                    throw IdentifierError(
                        .prefixEmptySegment, at: position(index),
                        "empty prefix segment at position \(position(index)); segments are separated by single dots")
                }
                if segments.count == Prefix.maxSegments {
                    throw IdentifierError(
                        .prefixTooManySegments, at: position(segmentStart),
                        "prefix has more than \(Prefix.maxSegments) segments (position \(position(segmentStart)))")
                }
                segments.append(value)
                value = 0
                digits = 0
                segmentStart = index + 1
            } else if let byte, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if digits == 1 && value == 0 {
                    throw IdentifierError(
                        .prefixLeadingZero, at: position(segmentStart),
                        "prefix segment at position \(position(segmentStart)) has a leading zero; write 0 alone or start with 1-9")
                }
                if digits == Prefix.maxSegmentDigits {
                    throw IdentifierError(
                        .prefixSegmentTooLong, at: position(index),
                        "prefix segment at position \(position(segmentStart)) is longer than \(Prefix.maxSegmentDigits) digits")
                }
                value = value * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
            } else {
                throw IdentifierError(
                    .prefixNonDigit, at: position(index),
                    "invalid character \(describeByte(byte!)) at position \(position(index)) in prefix; only digits and dots are allowed")
            }
            index += 1
        }
        return Prefix(unchecked: segments)
    }

    init(unchecked segments: [UInt32]) { self.segments = segments }

    /// The parent prefix (`86.1` for `86.1.7`), or `nil` for a one-segment prefix.
    public var parent: Prefix? {
        segments.count > 1 ? Prefix(unchecked: Array(segments.dropLast())) : nil
    }

    /// The child prefix with `number` appended, or `nil` if this prefix already has 8 segments.
    public func child(_ number: UInt32) -> Prefix? {
        Prefix(segments: segments + [number])
    }

    /// Whether `self` equals `other` or lies below it in the hierarchy.
    public func isWithin(_ other: Prefix) -> Bool {
        segments.count >= other.segments.count && Array(segments.prefix(other.segments.count)) == other.segments
    }

    public var description: String { segments.map(String.init).joined(separator: ".") }

    public static func < (lhs: Prefix, rhs: Prefix) -> Bool {
        lhs.segments.lexicographicallyPrecedes(rhs.segments)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do throws(IdentifierError) { self = try Prefix(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

func describeByte(_ byte: UInt8) -> String {
    if byte >= 0x21 && byte < 0x7F { return "'\(Character(UnicodeScalar(byte)))'" }
    let hex = String(byte, radix: 16, uppercase: true)
    return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
}
