import Foundation
import SuanliCore

/// Resources the agent cannot detect (Ascend or Cambricon accelerators, a Slurm partition's
/// inventory), read from a JSON file: a list of `{suffix, spec, devices?}` (or an object
/// `{"resources": [...]}` with that list), where `spec` is a ``ResourceSpec`` in its API form
/// whose `location` and `price_fen_per_unit_hour` may be left out (the agent's `--location`
/// and price list fill them in). `docs/agent.md` shows an example.
public enum ResourceFile {
    /// Reads and checks a resource file.
    public static func load(path: String, defaultLocation: String, pricing: Pricing) throws -> [AgentResource] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ResourceFileError(path: path, message: "cannot read the file")
        }
        do {
            return try parse(data, defaultLocation: defaultLocation, pricing: pricing)
        } catch let error as ResourceFileError {
            throw ResourceFileError(path: path, message: error.message)
        }
    }

    /// Parses resource-file JSON; throws ``ResourceFileError`` naming the entry and field that are wrong.
    public static func parse(_ data: Data, defaultLocation: String, pricing: Pricing) throws -> [AgentResource] {
        let entries: [Entry]
        do {
            let first = data.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
            if first == UInt8(ascii: "[") {
                entries = try JSONDecoder().decode([Entry].self, from: data)
            } else {
                entries = try JSONDecoder().decode(Wrapped.self, from: data).resources
            }
        } catch {
            throw ResourceFileError(path: nil, message: "not a resource file: \(describe(error))")
        }
        var seen = Set<String>()
        var resources: [AgentResource] = []
        for (index, entry) in entries.enumerated() {
            let at = "resources[\(index)]"
            do {
                try Identifier.validate(suffix: entry.suffix)
            } catch {
                throw ResourceFileError(path: nil, message: "\(at).suffix: \(error.message)")
            }
            guard seen.insert(entry.suffix).inserted else {
                throw ResourceFileError(path: nil, message: "\(at).suffix: '\(entry.suffix)' appears twice")
            }
            let partial = entry.spec
            guard partial.units >= 1 else {
                throw ResourceFileError(path: nil, message: "\(at).spec.units must be at least 1")
            }
            if let devices = entry.devices, devices.count != partial.units || Set(devices).count != devices.count || devices.contains(where: { $0 < 0 }) {
                throw ResourceFileError(
                    path: nil, message: "\(at).devices must list \(partial.units) distinct indexes (one per unit)")
            }
            let spec = ResourceSpec(
                kind: partial.kind, arch: partial.arch, model: partial.model, units: partial.units,
                memoryGiB: partial.memoryGiB ?? 0, tflops: partial.tflops ?? TFLOPS(),
                location: partial.location ?? defaultLocation,
                priceFenPerUnitHour: partial.priceFenPerUnitHour ?? pricing.price(kind: partial.kind, model: partial.model),
                labels: partial.labels ?? [:], renewable: partial.renewable, pricing: partial.pricing)
            resources.append(AgentResource(suffix: entry.suffix, spec: spec, devices: entry.devices))
        }
        return resources
    }

    private struct Wrapped: Decodable {
        var resources: [Entry]
    }

    private struct Entry: Decodable {
        var suffix: String
        var spec: PartialSpec
        var devices: [Int]?
    }

    /// A ``ResourceSpec`` whose location and price may be missing.
    private struct PartialSpec: Decodable {
        var kind: ResourceKind
        var arch: String
        var model: String
        var units: Int
        var memoryGiB: Double?
        var tflops: TFLOPS?
        var location: String?
        var priceFenPerUnitHour: Int64?
        var labels: [String: String]?
        var renewable: Double?
        var pricing: ResourcePricing?

        enum CodingKeys: String, CodingKey {
            case kind, arch, model, units, tflops, location, labels, renewable, pricing
            case memoryGiB = "memory_gib"
            case priceFenPerUnitHour = "price_fen_per_unit_hour"
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing '\(key.stringValue)' at \(path(context).isEmpty ? "top level" : path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription) at \(path(context).isEmpty ? "top level" : path(context))"
        @unknown default: return "\(error)"
        }
    }
}

/// A resource file that cannot be used, with the reason.
public struct ResourceFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, when known.
    public var path: String?
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(path: String?, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.map { "\($0): \(message)" } ?? message }
}
