import Foundation
import NIOCore
import SuanliCore

/// Writes a ``SuanliCore/ResourceRecord`` as the API's JSON straight into a byte buffer: the
/// resolve fast path, without a Foundation `JSONEncoder` per request.
///
/// The output is the same JSON document `SuanliJSON.encoder()` produces (same keys in the same
/// order, `null` for an unknown utilization, absent `unavailable_reason` and `rtt_ms` when nil,
/// integral doubles without `.0`, RFC 3339 timestamps with milliseconds, `/` unescaped); only
/// the order of `labels`' keys may differ (a dictionary's order is unspecified either way).
/// ``write(_:into:)`` returns false for a record it cannot represent the same way (a
/// non-finite number); callers then fall back to the encoder, which refuses it.
enum ResourceRecordJSON {
    /// Appends `record` as JSON to `buffer`; false, leaving `buffer` as it was, if it cannot.
    static func write(_ record: ResourceRecord, into buffer: inout ByteBuffer) -> Bool {
        let start = buffer.writerIndex
        guard writeRecord(record, into: &buffer) else {
            buffer.moveWriterIndex(to: start)
            return false
        }
        return true
    }

    /// The record as one JSON response body, or nil when ``write(_:into:)`` cannot represent it.
    static func body(_ record: ResourceRecord, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer? {
        var buffer = allocator.buffer(capacity: 640)
        return write(record, into: &buffer) ? buffer : nil
    }

    private static func writeRecord(_ r: ResourceRecord, into b: inout ByteBuffer) -> Bool {
        b.writeStaticString("{\"id\":")
        string(r.id.string, &b)
        b.writeStaticString(",\"provider\":")
        string(r.provider.description, &b)
        b.writeStaticString(",\"kind\":\"")
        b.writeString(r.kind.rawValue)
        b.writeStaticString("\",\"class\":\"")
        b.writeString(r.computeClass.rawValue)
        b.writeStaticString("\",\"arch\":")
        string(r.arch, &b)
        b.writeStaticString(",\"model\":")
        string(r.model, &b)
        b.writeStaticString(",\"units\":")
        integer(Int64(r.units), &b)
        b.writeStaticString(",\"memory_gib\":")
        guard double(r.memoryGiB, &b) else { return false }
        b.writeStaticString(",\"tflops\":{")
        var first = true
        for (key, value) in [("fp64", r.tflops.fp64), ("fp32", r.tflops.fp32), ("fp16", r.tflops.fp16), ("int8", r.tflops.int8)] {
            guard let value else { continue }
            if !first { b.writeInteger(UInt8(ascii: ",")) }
            first = false
            b.writeInteger(UInt8(ascii: "\""))
            b.writeString(key)
            b.writeStaticString("\":")
            guard double(value, &b) else { return false }
        }
        b.writeStaticString("},\"location\":")
        string(r.location, &b)
        b.writeStaticString(",\"price_fen_per_unit_hour\":")
        integer(r.priceFenPerUnitHour, &b)
        if let standard = r.priceFenPerStandardHour {
            b.writeStaticString(",\"price_fen_per_standard_hour\":")
            guard double(standard, &b) else { return false }
        }
        // A pricing rule is rare: the encoder writes those records.
        guard r.pricing == nil else { return false }
        b.writeStaticString(",\"labels\":{")
        first = true
        for (key, value) in r.labels {
            if !first { b.writeInteger(UInt8(ascii: ",")) }
            first = false
            string(key, &b)
            b.writeInteger(UInt8(ascii: ":"))
            string(value, &b)
        }
        b.writeStaticString("},\"renewable\":")
        guard double(r.renewable, &b) else { return false }
        b.writeStaticString(",\"version\":")
        unsigned(r.version, &b)
        b.writeStaticString(",\"created_at\":\"")
        timestamp(r.createdAt, &b)
        b.writeStaticString("\",\"updated_at\":\"")
        timestamp(r.updatedAt, &b)
        b.writeStaticString("\",\"state\":{\"free_units\":")
        integer(Int64(r.state.freeUnits), &b)
        b.writeStaticString(r.state.healthy ? ",\"healthy\":true,\"utilization\":" : ",\"healthy\":false,\"utilization\":")
        if let utilization = r.state.utilization {
            guard double(utilization, &b) else { return false }
        } else {
            b.writeStaticString("null")
        }
        b.writeStaticString(",\"heartbeat_at\":\"")
        timestamp(r.state.heartbeatAt, &b)
        b.writeStaticString(r.available ? "\"},\"available\":true" : "\"},\"available\":false")
        if let reason = r.unavailableReason {
            b.writeStaticString(",\"unavailable_reason\":")
            string(reason, &b)
        }
        if let rtt = r.rttMs {
            b.writeStaticString(",\"rtt_ms\":")
            guard double(rtt, &b) else { return false }
        }
        if let platform = r.platform {
            b.writeStaticString(",\"platform\":")
            string(platform.description, &b)
        }
        b.writeInteger(UInt8(ascii: "}"))
        return true
    }

    /// A JSON string: `"`, `\` and control characters escaped as `JSONEncoder` does, `/` and
    /// non-ASCII text as they are.
    static func string(_ text: String, _ b: inout ByteBuffer) {
        b.writeInteger(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var run = 0
            for (i, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                b.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[run..<i]))
                run = i + 1
                switch byte {
                case UInt8(ascii: "\""): b.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): b.writeStaticString("\\\\")
                case 0x0A: b.writeStaticString("\\n")
                case 0x0D: b.writeStaticString("\\r")
                case 0x09: b.writeStaticString("\\t")
                case 0x08: b.writeStaticString("\\b")
                case 0x0C: b.writeStaticString("\\f")
                default:
                    let hex: StaticString = "0123456789abcdef"
                    b.writeStaticString("\\u00")
                    b.writeInteger(hex.utf8Start[Int(byte >> 4)])
                    b.writeInteger(hex.utf8Start[Int(byte & 0xF)])
                }
            }
            b.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[run...]))
        }
        b.writeInteger(UInt8(ascii: "\""))
    }

    /// A signed integer in decimal, without an intermediate string.
    static func integer(_ value: Int64, _ b: inout ByteBuffer) {
        if value < 0 {
            b.writeInteger(UInt8(ascii: "-"))
            unsigned(value.magnitude, &b)
        } else {
            unsigned(UInt64(value), &b)
        }
    }

    /// An unsigned integer in decimal, without an intermediate string.
    static func unsigned(_ value: UInt64, _ b: inout ByteBuffer) {
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes ≥ 20 digits
        withUnsafeMutableBytes(of: &digits) { raw in
            var v = value
            var i = raw.count
            repeat {
                i -= 1
                raw[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            b.writeBytes(UnsafeRawBufferPointer(rebasing: raw[i...]))
        }
    }

    /// A finite double as `JSONEncoder` writes it (Swift's shortest round-trip form, `.0` dropped);
    /// false for NaN and infinities.
    static func double(_ value: Double, _ b: inout ByteBuffer) -> Bool {
        guard value.isFinite else { return false }
        if value == value.rounded(.towardZero), abs(value) < 1e15, !(value == 0 && value.sign == .minus) {
            integer(Int64(value), &b)
            return true
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        b.writeString(text)
        return true
    }

    /// A timestamp as `Timestamp.format` writes it (`2025-01-02T03:04:05.678Z`).
    static func timestamp(_ date: Date, _ b: inout ByteBuffer) {
        b.writeString(Timestamp.format(date))
    }
}
