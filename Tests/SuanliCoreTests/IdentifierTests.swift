import Foundation
import PropertyBased
import Testing

@testable import SuanliCore

// MARK: - Table of valid and invalid identifiers

struct InvalidCase: Sendable, CustomTestStringConvertible {
    var input: String
    var rule: IdentifierError.Rule
    var position: Int
    var note: String

    init(_ input: String, _ rule: IdentifierError.Rule, at position: Int, _ note: String = "") {
        self.input = input
        self.rule = rule
        self.position = position
        self.note = note
    }

    var testDescription: String {
        let shown = input.count > 40 ? String(input.prefix(37)) + "…(\(input.utf8.count) bytes)" : input
        return "\(shown.debugDescription) → \(rule.rawValue)@\(position)\(note.isEmpty ? "" : " (\(note))")"
    }
}

/// A 31-byte prefix, so that prefix + "/" + 128-byte suffix is exactly 160 bytes.
let prefix31 = "123456789.123456789.123456789.1"

let validIdentifiers: [String] = [
    "86.1.7/gpu-node-17",
    "86.1.7/zjk-a/gpu-node-17",
    "1/a",
    "0/x",
    "0.0.0/x",
    "999999999/x",
    "1.2.3.4.5.6.7.8/x",
    "999999999.999999999.999999999.999999999.999999999.999999999.999999999.999999999/n",
    "86/A.b_c~d:e/f-g",
    "86/x:y:z",
    "86/~",
    "86/.a",
    "86/a.",
    "86/...",
    "86/a..b/.../c.",
    "86/..a/b..",
    "86/a/b/c/d/e/f/g",
    "10.20.30/UPPER-lower-0123456789",
    "86.1.7/" + String(repeating: "s", count: 128),
    prefix31 + "/" + String(repeating: "a", count: 128),  // exactly 160 bytes
]

let invalidIdentifiers: [InvalidCase] = [
    InvalidCase("", .empty, at: 1),
    InvalidCase("1/" + String(repeating: "a", count: 159), .tooLong, at: 161, "161 bytes"),
    InvalidCase(prefix31 + "/" + String(repeating: "a", count: 129), .tooLong, at: 161, "161 bytes, suffix also too long"),
    InvalidCase(String(repeating: "9", count: 500), .tooLong, at: 161),
    InvalidCase("86.1.7", .missingSlash, at: 7),
    InvalidCase("86", .missingSlash, at: 3),
    InvalidCase("86.a", .prefixNonDigit, at: 4, "bad prefix is reported before the missing slash"),
    InvalidCase("abc", .prefixNonDigit, at: 1),
    InvalidCase("abc/def", .prefixNonDigit, at: 1),
    InvalidCase("/node", .prefixEmptySegment, at: 1),
    InvalidCase(".86/node", .prefixEmptySegment, at: 1),
    InvalidCase("86..1/node", .prefixEmptySegment, at: 4),
    InvalidCase("86./node", .prefixEmptySegment, at: 4),
    InvalidCase("86.1./node", .prefixEmptySegment, at: 6),
    InvalidCase("086/node", .prefixLeadingZero, at: 1),
    InvalidCase("00/node", .prefixLeadingZero, at: 1),
    InvalidCase("86.01/node", .prefixLeadingZero, at: 4),
    InvalidCase("86.1.007/node", .prefixLeadingZero, at: 6),
    InvalidCase("86.1x/node", .prefixNonDigit, at: 5),
    InvalidCase("86 1/node", .prefixNonDigit, at: 3),
    InvalidCase("-1/node", .prefixNonDigit, at: 1),
    InvalidCase("+1/node", .prefixNonDigit, at: 1),
    InvalidCase("８６/node", .prefixNonDigit, at: 1, "full-width digits"),
    InvalidCase("86,1/node", .prefixNonDigit, at: 3),
    InvalidCase("1234567890/node", .prefixSegmentTooLong, at: 10),
    InvalidCase("86.1234567890/x", .prefixSegmentTooLong, at: 13),
    InvalidCase("1.2.3.4.5.6.7.8.9/x", .prefixTooManySegments, at: 17),
    InvalidCase("1.2.3.4.5.6.7.8.9.10/x", .prefixTooManySegments, at: 17),
    InvalidCase("86.1.7/", .suffixEmpty, at: 8),
    InvalidCase("1/", .suffixEmpty, at: 3),
    InvalidCase("86.1.7//node", .suffixLeadingSlash, at: 8),
    InvalidCase("86.1.7/a//b", .suffixEmptySegment, at: 10),
    InvalidCase("86.1.7/a///b", .suffixEmptySegment, at: 10),
    InvalidCase("86.1.7/node/", .suffixTrailingSlash, at: 12),
    InvalidCase("86.1.7/a/", .suffixTrailingSlash, at: 9),
    InvalidCase("86.1.7/no de", .suffixInvalidCharacter, at: 10),
    InvalidCase("86.1.7/nœud", .suffixInvalidCharacter, at: 9, "non-ASCII"),
    InvalidCase("86.1.7/节点", .suffixInvalidCharacter, at: 8),
    InvalidCase("86.1.7/a?b", .suffixInvalidCharacter, at: 9),
    InvalidCase("86.1.7/a%20b", .suffixInvalidCharacter, at: 9),
    InvalidCase("86.1.7/a#b", .suffixInvalidCharacter, at: 9),
    InvalidCase("86.1.7/a+b", .suffixInvalidCharacter, at: 9),
    InvalidCase("86.1.7/a@b", .suffixInvalidCharacter, at: 9),
    InvalidCase("86.1.7/a\\b", .suffixInvalidCharacter, at: 9),
    InvalidCase("86.1.7/a\u{0}b", .suffixInvalidCharacter, at: 9, "NUL"),
    InvalidCase("86.1.7/a\tb", .suffixInvalidCharacter, at: 9),
    InvalidCase("86.1.7/a\u{7F}", .suffixInvalidCharacter, at: 9, "DEL"),
    InvalidCase("86.1.7/a b/", .suffixInvalidCharacter, at: 9, "first problem wins"),
    InvalidCase("86.1.7/a//", .suffixEmptySegment, at: 10, "first problem wins"),
    InvalidCase("86.1.7/" + String(repeating: "s", count: 129), .suffixTooLong, at: 136),
    // `.` and `..` segments: URL clients resolve them into another identifier (issue 7, defect 6).
    InvalidCase("86/.", .suffixDotSegment, at: 4),
    InvalidCase("86/..", .suffixDotSegment, at: 4),
    InvalidCase("86.1.1/../86.1.2/y", .suffixDotSegment, at: 8, "the probe's example"),
    InvalidCase("86.1.1/x/../y", .suffixDotSegment, at: 10),
    InvalidCase("86.1.1/x/./y", .suffixDotSegment, at: 10),
    InvalidCase("86.1.1/x/..", .suffixDotSegment, at: 10),
    InvalidCase("86.1.1/x/.", .suffixDotSegment, at: 10),
    InvalidCase("86.1.1/../", .suffixDotSegment, at: 8, "first problem wins over the trailing slash"),
    InvalidCase("86.1.1/..//x", .suffixDotSegment, at: 8, "first problem wins over the empty segment"),
    InvalidCase("86.1.1/a b/..", .suffixInvalidCharacter, at: 9, "first problem wins"),
]

@Suite("Identifier")
struct IdentifierTests {
    @Test("valid identifiers parse and keep their text", arguments: validIdentifiers)
    func valid(_ text: String) throws {
        let id = try Identifier(parsing: text)
        #expect(id.string == text)
        #expect(id.description == text)
        let slash = text.firstIndex(of: "/")!
        #expect(id.prefix.description == String(text[..<slash]))
        #expect(String(id.suffix) == String(text[text.index(after: slash)...]))
        #expect(text.utf8.count <= Identifier.maxLength)
        // Re-parsing the parts gives the same identifier.
        #expect(try Identifier(prefix: id.prefix, suffix: id.suffix) == id)
        #expect(Identifier(uncheckedString: text) == id)
        #expect(Identifier(uncheckedString: text).prefix == id.prefix)
    }

    @Test("invalid identifiers name the rule and 1-based position", arguments: invalidIdentifiers)
    func invalid(_ c: InvalidCase) {
        do {
            let id = try Identifier(parsing: c.input)
            Issue.record("expected \(c.rule) but parsed \(id)")
        } catch {
            #expect(error.rule == c.rule)
            #expect(error.position == c.position)
            #expect(!error.message.isEmpty)
            #expect(error.description.contains(c.rule.rawValue))
        }
    }

    @Test func messagesNamePositions() {
        #expect(throws: IdentifierError.self) { try Identifier(parsing: "86.1.7/a b") }
        do {
            _ = try Identifier(parsing: "86.1.7/a b")
        } catch {
            #expect(error.message.contains("position 9"))
            #expect(error.message.contains("' '") || error.message.contains("0x20"))
        }
        do {
            _ = try Identifier(parsing: "86.1.7/a\u{1}")
        } catch {
            #expect(error.message.contains("0x01"))
        }
    }

    @Test func caseSensitive() throws {
        let upper = try Identifier(parsing: "86.1/Node")
        let lower = try Identifier(parsing: "86.1/node")
        #expect(upper != lower)
        #expect(Set([upper, lower]).count == 2)
        #expect(upper < lower)  // "N" < "n" in byte order
    }

    @Test func suffixValidationOnItsOwn() {
        #expect(throws: Never.self) { try Identifier.validate(suffix: "zjk-a/gpu-17") }
        let cases: [(String, IdentifierError.Rule, Int)] = [
            ("", .suffixEmpty, 1),
            ("/a", .suffixLeadingSlash, 1),
            ("a//b", .suffixEmptySegment, 3),
            ("a/", .suffixTrailingSlash, 2),
            ("ab c", .suffixInvalidCharacter, 3),
            (String(repeating: "x", count: 129), .suffixTooLong, 129),
            ("..", .suffixDotSegment, 1),
            ("a/.", .suffixDotSegment, 3),
        ]
        for (suffix, rule, position) in cases {
            do {
                try Identifier.validate(suffix: suffix)
                Issue.record("suffix \(suffix.debugDescription) should be invalid")
            } catch {
                #expect(error.rule == rule, "\(suffix.debugDescription)")
                #expect(error.position == position, "\(suffix.debugDescription)")
            }
        }
    }

    @Test func prefixAndSuffixInitialiserReportsWholePositions() throws {
        let prefix = try Prefix(parsing: "86.1.7")
        #expect(try Identifier(prefix: prefix, suffix: "n1").string == "86.1.7/n1")
        do {
            _ = try Identifier(prefix: prefix, suffix: "a?")
            Issue.record("expected failure")
        } catch {
            #expect(error.rule == .suffixInvalidCharacter)
            #expect(error.position == 9)
        }
    }

    @Test func codable() throws {
        let id = try Identifier(parsing: "86.1.7/zjk-a/gpu-17")
        let data = try JSONEncoder().encode([id])
        #expect(String(decoding: data, as: UTF8.self) == #"["86.1.7\/zjk-a\/gpu-17"]"#)
        #expect(try JSONDecoder().decode([Identifier].self, from: data) == [id])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Identifier].self, from: Data(#"["86.1.7//x"]"#.utf8))
        }
        let prefix = try Prefix(parsing: "86.1")
        #expect(try JSONDecoder().decode([Prefix].self, from: JSONEncoder().encode([prefix])) == [prefix])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Prefix].self, from: Data(#"["86.01"]"#.utf8))
        }
    }

    // MARK: Prefix

    @Test func prefixParsing() throws {
        #expect(try Prefix(parsing: "86.1.7").segments == [86, 1, 7])
        #expect(try Prefix(parsing: "0").segments == [0])
        #expect(try Prefix(parsing: "999999999").segments == [999_999_999])
        let cases: [(String, IdentifierError.Rule, Int)] = [
            ("", .prefixEmptySegment, 1),
            ("86.", .prefixEmptySegment, 4),
            (".", .prefixEmptySegment, 1),
            ("86.1/", .prefixNonDigit, 5),
            ("01", .prefixLeadingZero, 1),
            ("1000000000", .prefixSegmentTooLong, 10),
            ("1.2.3.4.5.6.7.8.9", .prefixTooManySegments, 17),
        ]
        for (text, rule, position) in cases {
            do {
                let p = try Prefix(parsing: text)
                Issue.record("\(text.debugDescription) parsed as \(p)")
            } catch {
                #expect(error.rule == rule, "\(text.debugDescription)")
                #expect(error.position == position, "\(text.debugDescription)")
            }
        }
    }

    @Test func prefixSegmentsInitialiser() {
        #expect(Prefix(segments: []) == nil)
        #expect(Prefix(segments: [1, 2, 3, 4, 5, 6, 7, 8]) != nil)
        #expect(Prefix(segments: [1, 2, 3, 4, 5, 6, 7, 8, 9]) == nil)
        #expect(Prefix(segments: [1_000_000_000]) == nil)
        #expect(Prefix(segments: [999_999_999])?.description == "999999999")
    }

    @Test func prefixHierarchy() throws {
        let p86 = try Prefix(parsing: "86")
        let p861 = try Prefix(parsing: "86.1")
        let p8617 = try Prefix(parsing: "86.1.7")
        let p8610 = try Prefix(parsing: "86.10")
        #expect(p8617.parent == p861)
        #expect(p861.parent == p86)
        #expect(p86.parent == nil)
        #expect(p861.child(7) == p8617)
        #expect(p86.child(1) == p861)
        #expect(p861.child(1_000_000_000) == nil)
        let eight = try Prefix(parsing: "1.2.3.4.5.6.7.8")
        #expect(eight.child(9) == nil)

        #expect(p8617.isWithin(p861))
        #expect(p8617.isWithin(p86))
        #expect(p861.isWithin(p861))
        #expect(!p861.isWithin(p8617))
        #expect(!p8610.isWithin(p861), "86.10 is not below 86.1 although its text starts with it")
        #expect(!(try Prefix(parsing: "87.1")).isWithin(p86))

        // Segment-wise ordering, not text ordering.
        #expect(p86 < p861)
        #expect(p861 < p8617)
        #expect(p8617 < (try Prefix(parsing: "86.2")))
        #expect((try Prefix(parsing: "86.2")) < p8610)
    }

    // MARK: Properties

    static let powersOfTen: [UInt32] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000]

    /// Prefix segments of 1–9 digits (each length about equally likely).
    static let segment = zip(Gen.uint32(in: 0...999_999_999), Gen.int(in: 1...9))
        .map { value, digits in value % IdentifierTests.powersOfTen[digits] }
    static let prefixGen = segment.array(of: 1...8).map { Prefix(segments: $0)! }
    static let suffixCharacters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:")
    static let suffixGen = Gen<Character?>.element(of: suffixCharacters).map { $0! }
        .string(of: 1...30).array(of: 1...5).map { $0.joined(separator: "/") }

    @Test func formatThenParseIsIdentity() async {
        await propertyCheck(count: 500, input: Self.prefixGen, Self.suffixGen) { prefix, suffix in
            let text = "\(prefix)/\(suffix)"
            if text.utf8.count > Identifier.maxLength || suffix.utf8.count > Identifier.maxSuffixLength
                || suffix.split(separator: "/").contains(where: { $0 == "." || $0 == ".." })
            {
                #expect(throws: IdentifierError.self) { try Identifier(parsing: text) }
                return
            }
            do {
                let id = try Identifier(parsing: text)
                #expect(id.prefix == prefix)
                #expect(id.prefix.segments == prefix.segments)
                #expect(String(id.suffix) == suffix)
                #expect(id.string == text)
                #expect(try Prefix(parsing: prefix.description) == prefix)
                #expect(try Identifier(prefix: prefix, suffix: suffix) == id)
            } catch {
                Issue.record("\(text) did not parse: \(error)")
            }
        }
    }

    @Test func prefixChildParentRoundTrip() async {
        await propertyCheck(count: 300, input: Self.prefixGen, Gen.uint32(in: 0...999_999_999)) { prefix, n in
            #expect(prefix.isWithin(prefix))
            if let child = prefix.child(n) {
                #expect(prefix.segments.count < Prefix.maxSegments)
                #expect(child.parent == prefix)
                #expect(child.isWithin(prefix))
                #expect(!prefix.isWithin(child))
                #expect(prefix < child)
                #expect((try? Prefix(parsing: child.description)) == child)
            } else {
                #expect(prefix.segments.count == Prefix.maxSegments)
            }
            if let parent = prefix.parent {
                #expect(prefix.isWithin(parent))
                #expect(parent.child(prefix.segments.last!) == prefix)
            }
        }
    }

    /// An independent statement of the standard, used as an oracle.
    static func referenceIsValid(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard !b.isEmpty, b.count <= 160, let slash = b.firstIndex(of: UInt8(ascii: "/")) else { return false }
        let prefix = b[..<slash]
        let suffix = b[(slash + 1)...]
        let segments = prefix.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard (1...8).contains(segments.count) else { return false }
        for segment in segments {
            guard (1...9).contains(segment.count), segment.allSatisfy({ (48...57).contains($0) }) else { return false }
            if segment.count > 1 && segment.first == UInt8(ascii: "0") { return false }
        }
        guard (1...128).contains(suffix.count), suffix.first != UInt8(ascii: "/"), suffix.last != UInt8(ascii: "/")
        else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/".utf8)
        guard suffix.allSatisfy({ allowed.contains($0) }) else { return false }
        for i in suffix.indices.dropLast() where suffix[i] == UInt8(ascii: "/") && suffix[i + 1] == UInt8(ascii: "/") {
            return false
        }
        let dot = UInt8(ascii: ".")
        for segment in suffix.split(separator: UInt8(ascii: "/")) where segment.elementsEqual([dot]) || segment.elementsEqual([dot, dot]) {
            return false
        }
        return true
    }

    static func check(_ text: String) {
        let expected = referenceIsValid(text)
        do {
            let id = try Identifier(parsing: text)
            #expect(expected, "parser accepted \(text.debugDescription), which breaks the standard")
            #expect(id.string == text)
            #expect(id.suffix == text.drop { $0 != "/" }.dropFirst(), "the suffix of \(text.debugDescription)")
        } catch {
            #expect(!expected, "parser rejected valid \(text.debugDescription): \(error)")
            #expect(error.position >= 1 && error.position <= text.utf8.count + 1, "\(text.debugDescription): \(error)")
        }
    }

    /// Random bytes, including invalid UTF-8 (decoded with replacement characters).
    @Test func randomBytesNeverCrash() async {
        await propertyCheck(count: 1000, input: Gen.uint8(in: 0...255).array(of: 0...200)) { bytes in
            Self.check(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// Strings over an alphabet dense in the interesting characters, so both outcomes are common.
    static let nearMissAlphabet: [Character] = Array("0123456789012345678900000..../////aZ-_~: é\u{0}\u{7F}?") + ["\u{FFFD}"]

    @Test func parserAgreesWithReferenceOnNearMisses() async {
        let gen = Gen<Character?>.element(of: Self.nearMissAlphabet).map { $0! }.string(of: 0...24)
        await propertyCheck(count: 3000, input: gen) { text in
            Self.check(text)
        }
        // Long ones around the length limits.
        let long = Gen<Character?>.element(of: Array("1.1/aaaaaaaaaaaaaaaaaa/")).map { $0! }.string(of: 120...200)
        await propertyCheck(count: 300, input: long) { text in
            Self.check(text)
            Self.check("1/" + text.filter { $0 != "/" && $0 != "." })
        }
    }

    @Test func deterministicNearMissesAgreeWithReference() {
        // Every string of length ≤ 5 over a small alphabet: exhaustive on the grammar's corners.
        let alphabet: [Character] = ["0", "1", ".", "/", "a", "-"]
        var strings = [""]
        var frontier = [""]
        for _ in 1...5 {
            frontier = frontier.flatMap { s in alphabet.map { s + String($0) } }
            strings += frontier
        }
        for text in strings { Self.check(text) }
        #expect(strings.count == 1 + 6 + 36 + 216 + 1296 + 7776)
    }
}
