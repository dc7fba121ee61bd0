import Foundation
import SuanliCore

/// RFC 3339 timestamps: accepted text lies in years 1…9999 and formats to text that parses
/// back to the same millisecond.
enum TimestampFuzzing {
    @Sendable static func run(_ input: UnsafeBufferPointer<UInt8>) {
        let text = input.text
        do throws(TimestampError) {
            let date = try Timestamp.parsing(text)
            require(Timestamp.isRepresentable(date), "accepted \(text) outside the range")
            let formatted = Timestamp.format(date)
            require(formatted.utf8.count == 24, "formatted as \(formatted)")
            guard let again = Timestamp.parse(formatted) else { return require(false, "\(formatted) does not parse") }
            require(Timestamp.format(again) == formatted, "\(formatted) is not a fixed point")
            require(abs(again.timeIntervalSince(date)) <= 0.0005 + 1e-9 * abs(date.timeIntervalSince1970), "moved by formatting")
        } catch {
            require(!error.message.isEmpty && error.message.count < 400, "message of \(error.message.count) characters")
        }
        // Formatting never traps, whatever the instant.
        if input.count >= 8 {
            let bits = UnsafeRawBufferPointer(input).loadUnaligned(as: UInt64.self)
            let formatted = Timestamp.format(Date(timeIntervalSince1970: Double(bitPattern: bits)))
            require(Timestamp.parse(formatted) != nil, "format of a clamped instant does not parse: \(formatted)")
        }
    }
}
