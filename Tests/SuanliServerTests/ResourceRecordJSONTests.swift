import Foundation
import NIOCore
import SuanliCore
import Testing

@testable import SuanliServer

@Suite("Resolve fast path: records written straight to JSON")
struct ResourceRecordJSONTests {
    static func record(
        labels: [String: String] = [:], tflops: TFLOPS = TFLOPS(fp16: 989.5, int8: 1979), memory: Double = 80,
        utilization: Double? = 0.25, available: Bool = true, reason: String? = nil, rtt: Double? = nil,
        model: String = "NVIDIA H100-SXM5-80GB", renewable: Double = 0.62
    ) throws -> ResourceRecord {
        let id = try Identifier(parsing: "86.1.7/rack-3/gpu-0")
        return ResourceRecord(
            id: id, provider: id.prefix, kind: .gpu, computeClass: .intelligent, arch: "x86_64", model: model, units: 8,
            memoryGiB: memory, tflops: tflops, location: "city.shanghai", priceFenPerUnitHour: -5, labels: labels,
            renewable: renewable, version: 18_446_744_073_709_551_615,
            createdAt: Date(timeIntervalSince1970: 1_735_787_045.678), updatedAt: Date(timeIntervalSince1970: 0.001),
            state: LiveState(freeUnits: 0, healthy: available, utilization: utilization, heartbeatAt: Date(timeIntervalSince1970: 1_735_787_100)),
            available: available, unavailableReason: reason, rttMs: rtt)
    }

    static func fast(_ record: ResourceRecord) throws -> String {
        let buffer = try #require(ResourceRecordJSON.body(record))
        return String(buffer: buffer)
    }

    static func encoder(_ record: ResourceRecord) throws -> String {
        String(decoding: try SuanliJSON.encoder().encode(record), as: UTF8.self)
    }

    /// The JSON encoder's key order is unspecified on Linux (it changes between processes), so
    /// documents are compared as parsed objects, and every member's text must appear verbatim in both.
    static func expectSameDocument(_ record: ResourceRecord) throws {
        let (fast, viaEncoder) = (try Self.fast(record), try Self.encoder(record))
        let left = try JSONSerialization.jsonObject(with: Data(fast.utf8)) as? NSDictionary
        let right = try JSONSerialization.jsonObject(with: Data(viaEncoder.utf8)) as? NSDictionary
        #expect(left != nil && left == right, "\(fast)\n\(viaEncoder)")
        #expect(fast.utf8.count == viaEncoder.utf8.count, "\(fast)\n\(viaEncoder)")
        #expect(try SuanliJSON.decoder().decode(ResourceRecord.self, from: Data(fast.utf8)) == record)
    }

    @Test("The same document as the JSON encoder, byte for byte apart from key order")
    func sameDocument() throws {
        let records = [
            try Self.record(),
            try Self.record(labels: ["rack": "r3"], tflops: TFLOPS(), memory: 0.5, utilization: nil),
            try Self.record(
                labels: ["note": "quote \" back\\slash / tab\t nl\n bell\u{07} 中文 ✓"],
                tflops: TFLOPS(fp64: 1e-7, fp32: 1e20, fp16: -0.0, int8: 123_456_789.125),
                memory: 1e15, available: false, reason: "stale: last report 34 s ago (limit 30 s)", rtt: 12.3,
                model: "Huawei \"Ascend\" 910B", renewable: 1.0 / 3),
            try Self.record(memory: 4_503_599_627_370_497, utilization: 1, renewable: 0),
        ]
        for record in records { try Self.expectSameDocument(record) }
        let tricky = try Self.fast(records[2])
        let viaEncoder = try Self.encoder(records[2])
        for member in [
            #""memory_gib":1000000000000000"#, #""fp64":1e-07"#, #""fp32":1e+20"#, #""fp16":-0"#, #""renewable":0.3333333333333333"#,
            #""note":"quote \" back\\slash / tab\t nl\n bell\u0007 中文 ✓""#, #""rtt_ms":12.3"#, #""version":18446744073709551615"#,
            #""created_at":"2025-01-02T03:04:05.678Z""#, #""updated_at":"1970-01-01T00:00:00.001Z""#,
        ] {
            #expect(tricky.contains(member) && viaEncoder.contains(member), "\(member)")
        }
    }

    @Test("Several labels: the same document, and it decodes to the same record")
    func severalLabels() throws {
        let record = try Self.record(labels: ["a": "1", "zone": "east", "network": "ib-400g", "k\"ey": "v\u{0}"])
        let fast = try Self.fast(record)
        let viaEncoder = try Self.encoder(record)
        let left = try JSONSerialization.jsonObject(with: Data(fast.utf8)) as? NSDictionary
        let right = try JSONSerialization.jsonObject(with: Data(viaEncoder.utf8)) as? NSDictionary
        #expect(left != nil && left == right)
        #expect(try SuanliJSON.decoder().decode(ResourceRecord.self, from: Data(fast.utf8)) == record)
    }

    @Test("Non-finite numbers are refused, leaving the buffer as it was")
    func nonFinite() throws {
        var buffer = ByteBufferAllocator().buffer(capacity: 16)
        buffer.writeStaticString("prefix")
        #expect(!ResourceRecordJSON.write(try Self.record(memory: .infinity), into: &buffer))
        #expect(!ResourceRecordJSON.write(try Self.record(utilization: .nan), into: &buffer))
        #expect(String(buffer: buffer) == "prefix")
    }
}
