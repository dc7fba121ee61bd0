import SuanliCore
import Testing

/// `PUT /v1/consumers/{id}/quotas` bodies: every refusal names a field.
@Suite("Quota updates")
struct QuotaUpdateTests {
    @Test func everyRefusalNamesAField() throws {
        // Found by the json-bodies fuzzer: an empty key gave an error with an empty field.
        for (json, field) in [(["": 17, "npu": 8], "quotas"), (["tpu": 1], "tpu"), (["gpu": -1], "gpu")] {
            #expect(throws: ValidationError.self) { try QuotaUpdate(json: json) }
            do throws(ValidationError) { _ = try QuotaUpdate(json: json) } catch { #expect(error.field == field, "\(json)") }
        }
        #expect(try QuotaUpdate(json: ["gpu": 8, "npu": 0]).quotas == [.gpu: 8, .npu: 0])
    }
}
