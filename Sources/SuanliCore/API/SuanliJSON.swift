import Foundation

/// The JSON conventions of the Suanli API: snake_case keys (declared per type) and
/// UTC timestamps as RFC 3339 with milliseconds, e.g. `2026-11-21T22:30:00.125Z`.
public enum SuanliJSON {
    /// A configured encoder.
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
        return encoder
    }

    /// A configured decoder.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            do throws(TimestampError) {
                return try Timestamp.parsing(text)
            } catch {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
            }
        }
        return decoder
    }
}

/// Why a text is not a timestamp the API accepts.
public struct TimestampError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, quoting (a bounded excerpt of) the text.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Fast RFC 3339 (UTC) formatting and parsing of timestamps.
///
/// Only instants from ``earliest`` (`0001-01-01T00:00:00.000Z`) to ``latest``
/// (`9999-12-31T23:59:59.999Z`) are accepted, so that every accepted instant formats as a
/// four-digit year and parses back to itself (`0000-01-01T00:00:00+23:59` and
/// `9999-12-31T23:59:59-23:59` are rejected). Formatting never traps: a `Date` outside that
/// range (or NaN) is clamped to it.
public enum Timestamp {
    /// The earliest instant accepted and formatted: `0001-01-01T00:00:00.000Z`.
    public static let earliest = Date(timeIntervalSince1970: Double(earliestMillis) / 1000)
    /// The latest instant accepted and formatted: `9999-12-31T23:59:59.999Z`.
    public static let latest = Date(timeIntervalSince1970: Double(latestMillis) / 1000)
    /// ``earliest`` in milliseconds since 1970.
    static let earliestMillis: Int64 = -62_135_596_800_000
    /// ``latest`` in milliseconds since 1970.
    static let latestMillis: Int64 = 253_402_300_799_999
    /// Example shown in error messages.
    static let example = "2026-01-02T03:04:05Z"

    /// Whether `date`, rounded to the millisecond, lies within ``earliest``…``latest``.
    public static func isRepresentable(_ date: Date) -> Bool {
        let millis = (date.timeIntervalSince1970 * 1000).rounded()
        return millis >= Double(earliestMillis) && millis <= Double(latestMillis)
    }

    /// `date` rounded to whole milliseconds since 1970, clamped to ``earliest``…``latest`` (NaN gives ``earliest``).
    static func clampedMillis(_ date: Date) -> Int64 {
        let millis = (date.timeIntervalSince1970 * 1000).rounded()
        guard millis >= Double(earliestMillis) else { return earliestMillis }  // also NaN
        guard millis <= Double(latestMillis) else { return latestMillis }
        return Int64(millis)
    }

    /// Formats `date` as `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC, rounded to the nearest millisecond.
    ///
    /// Dates outside ``earliest``…``latest`` are clamped to that range, so this never traps
    /// and always returns text that ``parse(_:)`` accepts.
    public static func format(_ date: Date) -> String {
        // Round, not truncate: a Date is a binary Double (relative to 2001), so a whole millisecond
        // such as the result of `parse` is often stored a hair below it, and truncating would
        // print the previous millisecond (format(parse(s)) != s).
        let totalMillis = clampedMillis(date)
        var days = totalMillis >= 0 ? totalMillis / 86_400_000 : (totalMillis - 86_399_999) / 86_400_000
        var millisOfDay = totalMillis - days * 86_400_000
        if millisOfDay < 0 {
            millisOfDay += 86_400_000
            days -= 1
        }
        let (y, m, d) = civil(fromDays: days)
        let seconds = millisOfDay / 1000
        // Written in place: timestamps are formatted for every date of every record encoded.
        return String(unsafeUninitializedCapacity: 24) { out in
            // Every value is in 0...9999 here (the clamp above), so digits never go negative.
            func put(_ value: Int64, _ width: Int, at start: Int) {
                var v = value
                for i in stride(from: start + width - 1, through: start, by: -1) {
                    out[i] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
            }
            put(y, 4, at: 0); out[4] = UInt8(ascii: "-"); put(m, 2, at: 5); out[7] = UInt8(ascii: "-"); put(d, 2, at: 8)
            out[10] = UInt8(ascii: "T")
            put(seconds / 3600, 2, at: 11); out[13] = UInt8(ascii: ":"); put(seconds / 60 % 60, 2, at: 14)
            out[16] = UInt8(ascii: ":"); put(seconds % 60, 2, at: 17)
            out[19] = UInt8(ascii: "."); put(millisOfDay % 1000, 3, at: 20); out[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `nil` if malformed or outside ``earliest``…``latest``.
    public static func parse(_ text: String) -> Date? {
        try? parsing(text)
    }

    /// Parses like ``parse(_:)``, throwing an error that says why the text is not accepted.
    public static func parsing(_ text: String) throws(TimestampError) -> Date {
        guard let date = parseSyntax(text) else {
            throw TimestampError("'\(Validation.excerpt(text))' is not an RFC 3339 timestamp; expected one such as \(example)")
        }
        guard isRepresentable(date) else {
            let (edge, bound) = date < earliest ? ("before", format(earliest)) : ("after", format(latest))
            throw TimestampError(
                "'\(Validation.excerpt(text))' is \(edge) \(bound); timestamps must lie in the years 0001 to 9999 (UTC)")
        }
        return date
    }

    /// The instant `text` names if it is well-formed, without the range check.
    static func parseSyntax(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return nil }
        func num(_ from: Int, _ count: Int) -> Int64? {
            var v: Int64 = 0
            for i in from..<(from + count) {
                guard i < b.count, b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int64(b[i] - 0x30)
            }
            return v
        }
        guard let y = num(0, 4), b[4] == 0x2D, let mo = num(5, 2), b[7] == 0x2D, let d = num(8, 2),
            b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == 0x20,
            let h = num(11, 2), b[13] == 0x3A, let mi = num(14, 2), b[16] == 0x3A, let s = num(17, 2),
            (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == 0x2E {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                fraction += Double(b[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            if i == start { return nil }
        }
        guard i < b.count else { return nil }
        var offsetSeconds: Int64 = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == 0x2B || b[i] == 0x2D {
            guard let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 0x3A, let om = num(i + 4, 2), oh < 24, om < 60 else {
                return nil
            }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == 0x2D ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = days(fromCivil: y, mo, d)
        // Reject days the month does not have (2026-02-30), instead of rolling into the next month.
        guard civil(fromDays: days) == (y, mo, d) else { return nil }
        let seconds = days * 86_400 + h * 3600 + mi * 60 + s - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    // Howard Hinnant's civil calendar algorithms.
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
