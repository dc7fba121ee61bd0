import Foundation
import PropertyBased
import Testing

@testable import SuanliCore

@Suite("Timestamp")
struct TimestampTests {
    static func date(ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }

    @Test func knownValues() throws {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Self.date(ms: 1)) == "1970-01-01T00:00:00.001Z")
        #expect(Timestamp.format(Self.date(ms: -1)) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.format(Self.date(ms: 951_782_400_000)) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.format(Self.date(ms: 1_795_300_200_125)) == "2026-11-21T22:30:00.125Z")
        #expect(Timestamp.format(Self.date(ms: 4_102_444_799_999)) == "2099-12-31T23:59:59.999Z")
        // Sub-millisecond parts round to the nearest millisecond.
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0.0004)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0.0006)) == "1970-01-01T00:00:00.001Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 59.9996)) == "1970-01-01T00:01:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -0.0004)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(Timestamp.parse("1970-01-01T00:00:00.000Z") == Date(timeIntervalSince1970: 0))
        #expect(Timestamp.parse("2026-11-21T22:30:00.125Z") == Self.date(ms: 1_795_300_200_125))
        #expect(Timestamp.parse("2000-02-29T00:00:00Z") == Date(timeIntervalSince1970: 951_782_400))
        #expect(Timestamp.parse("2024-02-29T23:59:59Z") != nil)
        #expect(Timestamp.parse("2026-12-31T23:59:59.999Z") != nil)
        #expect(Timestamp.parse("2026-01-01T00:00:00+23:59") != nil)
        #expect(Timestamp.parse("2026-06-30T23:59:60Z") == Timestamp.parse("2026-07-01T00:00:00Z"), "a leap second")
    }

    @Test func agreesWithFoundation() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        for seconds in stride(from: -2_000_000_000, through: 4_000_000_000, by: 7_654_321) {
            let date = Date(timeIntervalSince1970: Double(seconds))
            let ours = Timestamp.format(date)
            #expect(ours == formatter.string(from: date).replacingOccurrences(of: "Z", with: ".000Z"))
            #expect(Timestamp.parse(ours) == date)
        }
    }

    @Test func offsets() throws {
        let utc = try #require(Timestamp.parse("2026-01-01T00:00:00Z"))
        #expect(Timestamp.parse("2026-01-01T08:00:00+08:00") == utc)
        #expect(Timestamp.parse("2025-12-31T19:00:00-05:00") == utc)
        #expect(Timestamp.parse("2026-01-01T05:30:00.000+05:30") == utc)
        #expect(Timestamp.parse("2026-01-01T00:00:00+00:00") == utc)
        #expect(Timestamp.parse("2026-01-01T00:00:00-00:00") == utc)
        #expect(Timestamp.parse("2026-01-01t00:00:00z") == utc)
        #expect(Timestamp.parse("2026-01-01 00:00:00Z") == utc)
        #expect(Timestamp.format(try #require(Timestamp.parse("2026-01-01T08:00:00.5+08:00"))) == "2026-01-01T00:00:00.500Z")
        // More than millisecond precision is accepted.
        let fine = try #require(Timestamp.parse("2026-01-01T00:00:00.123456789Z"))
        #expect(abs(fine.timeIntervalSince(utc) - 0.123456789) < 1e-6)
    }

    @Test(arguments: [
        "", "abc", "2026", "2026-01-01", "2026-01-01T00:00:00", "2026-01-01T00:00:00.Z",
        "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-32T00:00:00Z",
        "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:61Z", "2026-01-01T00:00:00+0800",
        "2026-01-01T00:00:00+08", "2026-01-01T00:00:00+08:0", "2026-01-01T00:00:00ZZ", "2026-01-01T00:00:00Z ",
        " 2026-01-01T00:00:00Z", "2026/01/01T00:00:00Z", "2026-01-01X00:00:00Z", "2026-1-01T00:00:00Z",
        "2026-01-01T00:00:00.12a3Z", "2026-01-01T00:00:00+08:00junk", "twenty-twenty-six-ish", "２０２６-01-01T00:00:00Z",
        "2026-01-01T00:00:00UTC", "-026-01-01T00:00:00Z",
        // Days the month does not have, and offsets out of range.
        "2026-02-29T00:00:00Z", "2026-02-30T00:00:00Z", "2026-04-31T00:00:00Z", "1900-02-29T00:00:00Z",
        "2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00+08:60", "2026-01-01T00:00:00-99:99",
    ])
    func rejectsGarbage(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    /// Milliseconds from 1900 to 2200.
    static let millis = Gen.int64(in: -2_208_988_800_000...7_258_118_400_000)

    @Test func formatThenParseRoundTripsAtMillisecondPrecision() async {
        await propertyCheck(count: 2000, input: Self.millis) { ms in
            let date = Self.date(ms: ms)
            let text = Timestamp.format(date)
            #expect(text.utf8.count == 24)
            guard let parsed = Timestamp.parse(text) else {
                Issue.record("\(text) did not parse")
                return
            }
            #expect(abs(parsed.timeIntervalSince(date)) < 1e-6)
            #expect(Timestamp.format(parsed) == text, "ms \(ms)")
            #expect(Int64((parsed.timeIntervalSince1970 * 1000).rounded()) == ms)
        }
    }

    @Test func parseThenFormatIsIdentityOnCanonicalText() async {
        // Build canonical texts field by field, independently of `format`.
        let gen = zip(Gen.int(in: 1900...2199), Gen.int(in: 1...12), Gen.int(in: 1...28), Gen.int(in: 0...23),
                      Gen.int(in: 0...59), Gen.int(in: 0...59), Gen.int(in: 0...999))
        await propertyCheck(count: 2000, input: gen) { y, mo, d, h, mi, s, ms in
            func pad(_ v: Int, _ w: Int) -> String { String(repeating: "0", count: w - String(v).count) + String(v) }
            let text = "\(pad(y, 4))-\(pad(mo, 2))-\(pad(d, 2))T\(pad(h, 2)):\(pad(mi, 2)):\(pad(s, 2)).\(pad(ms, 3))Z"
            guard let date = Timestamp.parse(text) else {
                Issue.record("\(text) did not parse")
                return
            }
            #expect(Timestamp.format(date) == text)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            #expect([c.year, c.month, c.day, c.hour, c.minute, c.second] == [y, mo, d, h, mi, s])
        }
    }

    /// Issue 7, defects 3 and 6: `0000-01-01T00:00:00+23:59` (year −1 in UTC) made `format` trap,
    /// and `9999-12-31T23:59:59-23:59` (year 10000) was accepted and shown as year 0.
    @Test(arguments: [
        "0000-01-01T00:00:00+23:59", "0000-01-01T00:00:00Z", "0000-12-31T23:59:59.999Z", "0001-01-01T00:00:00+00:01",
        "9999-12-31T23:59:59-23:59", "9999-12-31T23:59:60Z", "9999-12-31T23:59:59.9996Z", "9999-12-31T23:00:00-01:00",
    ])
    func instantsOutsideYears1To9999AreRejected(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
        do throws(TimestampError) {
            _ = try Timestamp.parsing(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.message.contains("years 0001 to 9999"), "\(error.message)")
            #expect(error.message.contains(text))
        }
    }

    @Test func theEdgesOfTheRangeRoundTrip() throws {
        #expect(Timestamp.format(Timestamp.earliest) == "0001-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Timestamp.latest) == "9999-12-31T23:59:59.999Z")
        for text in ["0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z", "0001-01-01T23:59:00.000Z", "9999-12-31T00:00:00.000Z"] {
            let date = try #require(Timestamp.parse(text), "\(text)")
            #expect(Timestamp.isRepresentable(date))
            #expect(Timestamp.format(date) == text)
        }
        #expect(Timestamp.parse("0001-01-02T00:00:00+23:59") != nil)
        #expect(Timestamp.parse("9999-12-31T00:00:00-23:59") != nil)
        #expect(Timestamp.parse("9999-12-31T23:59:59.9994Z") != nil)
    }

    @Test func formatClampsInsteadOfTrapping() {
        let low = "0001-01-01T00:00:00.000Z"
        let high = "9999-12-31T23:59:59.999Z"
        let cases: [(Double, String)] = [
            (-62_135_596_800.001, low), (-62_135_683_140, low), (-1e18, low), (-Double.greatestFiniteMagnitude, low),
            (-.infinity, low), (.nan, low), (253_402_300_800, high), (1e18, high), (Double.greatestFiniteMagnitude, high),
            (.infinity, high),
        ]
        for (seconds, expected) in cases {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(!Timestamp.isRepresentable(date), "\(seconds)")
            #expect(Timestamp.format(date) == expected, "\(seconds)")
        }
        #expect(Timestamp.format(.distantPast) == low)
        #expect(Timestamp.format(.distantFuture) == "4001-01-01T00:00:00.000Z")
    }

    /// Any bit pattern of a `Date` formats to text that parses back (no trap, no year 0).
    @Test func anyDateFormatsToParseableText() async {
        await propertyCheck(count: 2000, input: Gen.uint64()) { bits in
            let date = Date(timeIntervalSince1970: Double(bitPattern: bits))
            let text = Timestamp.format(date)
            #expect(text.utf8.count == 24, "\(text)")
            #expect(Timestamp.parse(text) != nil, "\(text) from \(Double(bitPattern: bits))")
        }
    }

    @Test func errorsQuoteOnlyAnExcerpt() {
        let huge = String(repeating: "9", count: 100_000)
        do throws(TimestampError) {
            _ = try Timestamp.parsing(huge)
            Issue.record("garbage accepted")
        } catch {
            #expect(error.message.utf8.count < 200)
            #expect(error.message.contains("2026-01-02T03:04:05Z"))
        }
    }

    @Test func jsonDatesRoundTrip() throws {
        struct Box: Codable, Equatable { var at: Date }
        let box = Box(at: Self.date(ms: 1_795_300_200_123))
        let data = try SuanliJSON.encoder().encode(box)
        #expect(String(decoding: data, as: UTF8.self) == #"{"at":"2026-11-21T22:30:00.123Z"}"#)
        let back = try SuanliJSON.decoder().decode(Box.self, from: data)
        #expect(Timestamp.format(back.at) == "2026-11-21T22:30:00.123Z")
        #expect(throws: DecodingError.self) {
            try SuanliJSON.decoder().decode(Box.self, from: Data(#"{"at":"yesterday"}"#.utf8))
        }
    }
}
