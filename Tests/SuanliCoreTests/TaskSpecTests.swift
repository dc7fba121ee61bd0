import Foundation
import Testing

@testable import SuanliCore

/// `TaskSpec` validation on hostile input: every out-of-range number is a ``ValidationError``
/// naming its field, never a trap (issue 7, defect 3).
@Suite("TaskSpec validation")
struct TaskSpecTests {
    static func spec(_ change: (inout TaskSpec) -> Void = { _ in }) -> TaskSpec {
        var spec = TaskSpec(name: "job", units: 1, accept: [TaskSpec.Alternative(kind: .gpu, run: TaskSpec.Run(command: ["true"]))])
        change(&spec)
        return spec
    }

    /// The field of the error `spec` fails with, or `nil` if it is valid.
    static func failingField(_ spec: TaskSpec, now: Date? = nil) -> String? {
        do throws(ValidationError) {
            try spec.validate(topology: .national, now: now)
            return nil
        } catch {
            return error.field
        }
    }

    static func decode(_ json: String) throws -> TaskSpec {
        try SuanliJSON.decoder().decode(TaskSpec.self, from: Data(json.utf8))
    }

    @Test func aPlainSpecIsValid() {
        #expect(Self.failingField(Self.spec()) == nil)
    }

    /// `abs(Int.min)` trapped: `"priority": -9223372036854775808` took the platform down.
    @Test(arguments: [Int.min, Int.min + 1, -1_000_001, 1_000_001, Int.max])
    func extremePrioritiesAreRejected(_ priority: Int) throws {
        #expect(Self.failingField(Self.spec { $0.priority = priority }) == "priority")
        let decoded = try Self.decode(
            #"{"name":"x","units":1,"accept":[{"kind":"gpu","run":{"command":["true"]}}],"priority":\#(priority)}"#)
        #expect(decoded.priority == priority)
        #expect(Self.failingField(decoded) == "priority")
    }

    @Test(arguments: [-1_000_000, -1, 0, 1, 1_000_000])
    func prioritiesInRangeAreAccepted(_ priority: Int) {
        #expect(Self.failingField(Self.spec { $0.priority = priority }) == nil)
    }

    /// Formatting a deadline before year 1 trapped while building the "already passed" message.
    @Test func deadlinesBeforeYearOneAreRejectedWithoutTrapping() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for seconds in [-62_135_596_801.0, -62_135_683_140, -1e18, -Double.greatestFiniteMagnitude] {
            let spec = Self.spec { $0.deadline = Date(timeIntervalSince1970: seconds) }
            #expect(Self.failingField(spec, now: now) == "deadline", "\(seconds)")
            #expect(Self.failingField(spec) == "deadline", "\(seconds)")
        }
        // Over JSON the text itself is refused, naming the field in the coding path.
        do {
            _ = try Self.decode(
                #"{"name":"x","units":1,"accept":[{"kind":"gpu","run":{"command":["true"]}}],"deadline":"0000-01-01T00:00:00+23:59"}"#
            )
            Issue.record("a deadline before year 1 decoded")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.codingPath.map(\.stringValue) == ["deadline"])
            #expect(context.debugDescription.contains("0001-01-01T00:00:00.000Z"))
        }
    }

    /// A deadline in year 10000 was accepted and shown as year 0.
    @Test func deadlinesAfterYear9999AreRejected() throws {
        for seconds in [253_402_300_800.0, 1e15, Double.greatestFiniteMagnitude, .infinity, .nan] {
            let spec = Self.spec { $0.deadline = Date(timeIntervalSince1970: seconds) }
            #expect(Self.failingField(spec) == "deadline", "\(seconds)")
        }
        #expect(throws: DecodingError.self) {
            try Self.decode(
                #"{"name":"x","units":1,"accept":[{"kind":"gpu","run":{"command":["true"]}}],"deadline":"9999-12-31T23:59:59-23:59"}"#
            )
        }
        let last = Self.spec { $0.deadline = Timestamp.latest }
        #expect(Self.failingField(last, now: Date(timeIntervalSince1970: 0)) == nil)
    }

    @Test func aPassedDeadlineNamesTheDeadline() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let spec = Self.spec { $0.deadline = Timestamp.earliest }
        do throws(ValidationError) {
            try spec.validate(topology: .national, now: now)
            Issue.record("a passed deadline was accepted")
        } catch {
            #expect(error.field == "deadline")
            #expect(error.message == "deadline 0001-01-01T00:00:00.000Z has already passed")
        }
    }

    @Test func extremeNumbersAreRejectedWithTheirField() {
        let cases: [(String, (inout TaskSpec) -> Void)] = [
            ("units", { $0.units = Int.min }),
            ("units", { $0.units = Int.max }),
            ("max_price_fen_per_unit_hour", { $0.maxPriceFenPerUnitHour = Int64.min }),
            ("max_price_fen_per_unit_hour", { $0.maxPriceFenPerUnitHour = Int64.max }),
            ("max_retries", { $0.maxRetries = Int.min }),
            ("max_retries", { $0.maxRetries = Int.max }),
            ("duration_s", { $0.durationS = .infinity }),
            ("duration_s", { $0.durationS = .nan }),
            ("duration_s", { $0.durationS = -Double.greatestFiniteMagnitude }),
            ("duration_s", { $0.durationS = Double.greatestFiniteMagnitude }),
            ("min_renewable", { $0.minRenewable = .nan }),
            ("objective.price", { $0.objective.price = .infinity }),
            ("objective.latency", { $0.objective.latency = .nan }),
            ("objective.carbon", { $0.objective.carbon = -Double.greatestFiniteMagnitude }),
            ("objective", { $0.objective = TaskSpec.Objective(price: 0, latency: 0, carbon: 0) }),
            ("accept[0].min_memory_gib", { $0.accept[0].minMemoryGiB = .infinity }),
            ("max_rtt_ms", { $0.dataLocation = "city.shanghai"; $0.maxRttMs = .nan }),
            ("max_rtt_ms", { $0.dataLocation = "city.shanghai"; $0.maxRttMs = Double.greatestFiniteMagnitude }),
        ]
        for (field, change) in cases {
            #expect(Self.failingField(Self.spec(change)) == field, "\(field)")
        }
    }

    /// Whatever a client sends is echoed back in at most a short excerpt.
    @Test func hugeStringsAreNotEchoedWhole() {
        let huge = String(repeating: "x", count: 1_000_000)
        let cases: [(inout TaskSpec) -> Void] = [
            { $0.dataLocation = huge },
            { $0.accept[0].run.env = [huge: "v"] },
            { $0.accept[0].arch = huge },
            { $0.name = huge },
        ]
        for change in cases {
            do throws(ValidationError) {
                try Self.spec(change).validate(topology: .national)
                Issue.record("accepted a huge field")
            } catch {
                #expect(error.message.utf8.count < 400, "\(error.field)")
                #expect(error.field.utf8.count < 100)
            }
        }
    }

    @Test func hugeCountsAreRejected() {
        let many = Array(repeating: TaskSpec.Alternative(kind: .gpu), count: 10_000)
        #expect(Self.failingField(Self.spec { $0.accept = many }) == "accept")
        let args = Array(repeating: "a", count: 100_000)
        #expect(Self.failingField(Self.spec { $0.accept[0].run.command = args }) == "accept[0].run.command")
        var env: [String: String] = [:]
        for i in 0..<10_000 { env["K\(i)"] = "v" }
        #expect(Self.failingField(Self.spec { $0.accept[0].run.env = env }) == "accept[0].run.env")
    }
}
