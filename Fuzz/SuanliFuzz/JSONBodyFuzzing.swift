import Foundation
import SuanliCore
import SuanliOrchestration
import SuanliRegistry
import SuanliScheduler

/// Every JSON body the server decodes (`SuanliJSON.decoder()`), each followed by the checks
/// and pure state changes the server makes next: validation, registry writes, telemetry,
/// latency overrides, resolution, scheduling. Each input is tried as every body.
///
/// Invariants: no trap; what decodes re-encodes to a fixed point of decode∘encode; errors
/// are ``ValidationError``s or ``SuanliError``s with a short message (never the input whole).
enum JSONBodyFuzzing {
    @Sendable static func run(_ input: UnsafeBufferPointer<UInt8>) {
        let data = Data(input)
        let now = FuzzPlatform.now
        var platform = FuzzPlatform.seeded

        if let spec = decoded(ResourceSpec.self, data) {
            if validates({ () throws(ValidationError) in try spec.validate(topology: .national) }) {
                let id = try! Identifier(parsing: "86.1.2/fuzzed")
                let outcome = platform.registry.upsert(id, spec: spec, now: now)
                require(platform.registry.resolve(id.string, now: now) != nil, "upserted resource does not resolve")
                require(outcome.stored.spec == spec, "stored spec differs")
                guard let record = platform.registry.resolve(id.string, now: now) else { return }
                _ = platform.engine.upsertResource(SchedulerResource(record: record), now: now.timeIntervalSince1970)
                encodes(record)
            }
        }
        if let spec = decoded(TaskSpec.self, data) {
            if validates({ () throws(ValidationError) in try spec.validate(topology: .national, now: now) }) {
                var spec = spec
                spec.consumer = "c1"
                do throws(SuanliError) {
                    let outcome = try platform.engine.submit("t1", spec: spec, now: now.timeIntervalSince1970)
                    if case .impossible(let explanation) = outcome { bounded(explanation.message) }
                    _ = platform.engine.drain(now: now.timeIntervalSince1970 + 1)
                } catch {
                    bounded(error)
                }
            }
        }
        if let registration = decoded(ProviderRegistration.self, data) {
            _ = validates({ () throws(ValidationError) in try registration.validate(topology: .national) })
        }
        if let registration = decoded(ConsumerRegistration.self, data) {
            _ = validates({ () throws(ValidationError) in try registration.validate() })
        }
        if let batch = decoded(TelemetryBatch.self, data), batch.reports.count <= TelemetryBatch.maxReports {
            for provider in FuzzPlatform.providers {
                var registry = platform.registry
                do throws(SuanliError) {
                    let outcome = try registry.applyTelemetry(batch.reports, from: provider, now: now)
                    require(outcome.states.count == batch.reports.count, "telemetry applied partly")
                } catch {
                    bounded(error)
                }
            }
        }
        if let batch = decoded(ResolveBatch.self, data), batch.ids.count <= ResolveBatch.maxIDs {
            for text in batch.ids {
                do throws(IdentifierError) {
                    let id = try Identifier(parsing: text)
                    if let record = platform.registry.resolve(id.string, now: now) { require(record.id == id, "resolved another record") }
                } catch {
                    bounded(error.message)
                }
            }
        }
        if let override = decoded(LatencyOverride.self, data) {
            var registry = platform.registry
            if validates({ () throws(ValidationError) in try registry.setMeasured(override) }) {
                _ = platform.engine.setTopology(registry.topology, now: now.timeIntervalSince1970)
                encodes(TopologyDocument(registry.topology))
            }
        }
        if let request = decoded(WorkRequest.self, data) {
            if let wait = request.waitS, wait.isFinite, (0...60).contains(wait) { _ = Int(wait * 1000) }
        }
        if let batch = decoded(AttemptEventBatch.self, data) {
            for event in batch.events {
                let at = EventClock.platformTime(agentTime: event.at, sentAt: batch.sentAt, receivedAt: now, notBefore: now - 60)
                require(at <= now && at >= now - 60, "event time \(at) outside [assigned, now]")
                _ = Timestamp.format(at)
            }
        }
        _ = decoded(LogChunk.self, data)
        bodiesOfTokens(data, now: now)
        bodiesOfQuotes(data, engine: platform.engine, now: now)
        bodiesOfBudgets(data, now: now)
    }

    /// The value `data` decodes to as `T`, after checking that its encoding is a fixed point.
    static func decoded<T: Codable>(_: T.Type, _ data: Data) -> T? {
        let value: T
        do {
            value = try SuanliJSON.decoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            describe(error)
            return nil
        } catch {
            require(false, "\(T.self): decoding threw \(type(of: error)), not a DecodingError: \(error)")
            return nil
        }
        let encoder = SuanliJSON.encoder(pretty: true)  // sorted keys: dictionaries encode in one order
        guard let once = try? encoder.encode(value) else {
            require(false, "\(T.self) decoded but does not encode")
            return nil
        }
        guard let again = try? SuanliJSON.decoder().decode(T.self, from: once) else {
            require(false, "\(T.self) encodes to JSON it does not decode: \(String(decoding: once, as: UTF8.self))")
            return nil
        }
        let twice = try? encoder.encode(again)
        require(twice == once, "\(T.self) is not a fixed point: \(String(decoding: once, as: UTF8.self))")
        return value
    }

    /// Encodes a value the API would answer with.
    static func encodes(_ value: some Encodable) {
        require((try? SuanliJSON.encoder().encode(value)) != nil, "\(type(of: value)) does not encode")
    }

    /// Whether `check` passes; a failure must name a field and say why briefly.
    static func validates(_ check: () throws(ValidationError) -> Void) -> Bool {
        do throws(ValidationError) {
            try check()
            return true
        } catch {
            require(!error.field.isEmpty, "validation error without a field: \(error.message)")
            bounded(error.message)
            return false
        }
    }

    /// Builds the server's message for a decoding error the way clients see it (path and text).
    static func describe(_ error: DecodingError) {
        switch error {
        case .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
            .dataCorrupted(let context):
            _ = context.codingPath.map(\.stringValue)
        @unknown default: break
        }
    }

    static func bounded(_ error: SuanliError) { bounded(error.message) }

    /// Messages quote client input only in excerpts.
    static func bounded(_ message: String) {
        require(!message.isEmpty, "empty error message")
        require(message.utf8.count <= 1024, "error message of \(message.utf8.count) bytes: \(message.prefix(200))…")
    }
}
