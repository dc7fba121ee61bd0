import Foundation
import SuanliCore
import Yams

/// Task files for `suanli submit FILE`: the task spec of `POST /v1/tasks` as JSON, or the same
/// fields in YAML. A file is checked here, before anything is sent, with the platform's own
/// validation; a YAML file's errors name the line and the field (`task.yaml:7: accept[0].kind: …`).
public enum TaskFile {
    /// What is wrong with a task file, and where.
    public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// The file as the user named it (`-` for standard input).
        public var file: String
        /// 1-based line, when known.
        public var line: Int?
        /// The spec field at fault, e.g. `accept[1].run.command`.
        public var field: String?
        /// What is wrong.
        public var message: String

        /// `file:line: field: message`.
        public var description: String {
            let place = file + (line.map { ":\($0)" } ?? "")
            let prefix = field.map { message.hasPrefix($0) ? "" : "\($0): " } ?? ""
            return "\(place): \(prefix)\(message)"
        }
    }

    /// The fields of a task spec, by nesting level (unknown YAML keys are refused: a typo would
    /// otherwise be silently ignored). `TaskFileTests` checks them against the spec's encoding.
    static let specKeys: Set<String> = [
        "name", "consumer", "priority", "deadline", "units", "gang", "accept", "data_location", "max_rtt_ms",
        "max_price_fen_per_unit_hour", "min_renewable", "duration_s", "max_retries", "objective", "preemptible",
    ]
    static let alternativeKeys: Set<String> = ["kind", "arch", "model", "min_memory_gib", "run"]
    static let runKeys: Set<String> = ["command", "env"]
    static let objectiveKeys: Set<String> = ["price", "latency", "carbon"]

    /// Reads and checks the task file at `path` (`-`: standard input).
    public static func load(path: String) throws(Problem) -> TaskSpec {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw Problem(
                    file: path, message:
                        "no such task file. To run a command instead, put it after '--', e.g. suanli submit --kind cpu -- \(path)")
            }
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw Problem(file: path, message: "cannot read the file")
            }
            data = contents
        }
        guard let text = String(data: data, encoding: .utf8) else { throw Problem(file: path, message: "the file is not UTF-8 text") }
        return try parse(text, file: path, yaml: isYAML(path: path, text: text))
    }

    /// YAML by extension (`.yaml`, `.yml`), JSON for `.json`, else JSON if it starts with `{`.
    public static func isYAML(path: String, text: String) -> Bool {
        let lower = path.lowercased()
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") { return true }
        if lower.hasSuffix(".json") { return false }
        return text.first { !$0.isWhitespace } != "{"
    }

    /// Parses and validates a task spec (`now` for the deadline check).
    public static func parse(_ text: String, file: String, yaml: Bool, now: Date = Date()) throws(Problem) -> TaskSpec {
        if !yaml {
            let spec: TaskSpec
            do {
                spec = try SuanliJSON.decoder().decode(TaskSpec.self, from: Data(text.utf8))
            } catch let error as DecodingError {
                let (field, message) = describe(error)
                throw Problem(file: file, field: field, message: message)
            } catch {
                throw Problem(file: file, message: "not a task spec: \(error)")
            }
            do throws(ValidationError) { try spec.validate(topology: .national, now: now) } catch {
                throw Problem(file: file, field: error.field, message: error.message)
            }
            return spec
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw Problem(file: file, message: "the file is empty; see examples/ for task files")
            }
            root = node
        } catch let problem as Problem {
            throw problem
        } catch let error as YamlError {
            throw yamlProblem(error, file: file)
        } catch {
            throw Problem(file: file, message: "not YAML: \(error)")
        }
        try checkKeys(root, file: file)
        let spec: TaskSpec
        do {
            spec = try YAMLDecoder().decode(TaskSpec.self, from: root)
        } catch let error as DecodingError {
            let (field, message) = describe(error)
            throw Problem(file: file, line: field.flatMap { Self.line(of: $0, in: root, parentOnMiss: true) }, field: field, message: message)
        } catch {
            throw Problem(file: file, message: "not a task spec: \(error)")
        }
        do throws(ValidationError) { try spec.validate(topology: .national, now: now) } catch {
            throw Problem(
                file: file, line: Self.line(of: error.field, in: root, parentOnMiss: true), field: error.field, message: error.message)
        }
        return spec
    }

    /// Refuses keys the spec does not have, naming the closest one.
    static func checkKeys(_ root: Node, file: String) throws(Problem) {
        func check(_ node: Node, _ known: Set<String>, _ path: String) throws(Problem) -> [String: Node] {
            guard case .mapping(let mapping) = node else {
                let what = path.isEmpty ? "the task spec" : path
                throw Problem(file: file, line: node.mark?.line, field: path.isEmpty ? nil : path, message: "\(what) must be a mapping of fields")
            }
            var fields: [String: Node] = [:]
            for (key, value) in mapping {
                let name = key.string ?? ""
                guard known.contains(name) else {
                    let field = path.isEmpty ? name : "\(path).\(name)"
                    let guess = Suggestion.closest(to: name, among: known.sorted()).map { "; did you mean '\($0)'?" } ?? ""
                    throw Problem(
                        file: file, line: key.mark?.line, field: field,
                        message: "unknown field '\(name)'\(guess) (known: \(known.sorted().joined(separator: ", ")))")
                }
                fields[name] = value
            }
            return fields
        }
        let top = try check(root, specKeys, "")
        if let objective = top["objective"] { _ = try check(objective, objectiveKeys, "objective") }
        if case .sequence(let alternatives)? = top["accept"] {
            for (i, alternative) in alternatives.enumerated() {
                let fields = try check(alternative, alternativeKeys, "accept[\(i)]")
                if let run = fields["run"] { _ = try check(run, runKeys, "accept[\(i)].run") }
            }
        }
    }

    /// The line of the node at a field path (`accept[1].run.command[0]`); with `parentOnMiss`,
    /// the nearest enclosing node that exists (a missing field is reported where it belongs).
    static func line(of field: String, in root: Node, parentOnMiss: Bool) -> Int? {
        var node = root
        for component in components(of: field) {
            let next: Node?
            switch component {
            case .key(let key): next = node[key]
            case .index(let i):
                if case .sequence(let sequence) = node, sequence.indices.contains(i) { next = sequence[i] } else { next = nil }
            }
            guard let next else { return parentOnMiss ? node.mark?.line : nil }
            node = next
        }
        return node.mark?.line
    }

    enum Component: Equatable {
        case key(String)
        case index(Int)
    }

    /// `accept[1].run.env.PATH` → key accept, index 1, key run, key env, key PATH.
    static func components(of field: String) -> [Component] {
        var out: [Component] = []
        for part in field.split(separator: ".") {
            var rest = Substring(part)
            if let bracket = rest.firstIndex(of: "[") {
                if bracket > rest.startIndex { out.append(.key(String(rest[..<bracket]))) }
                rest = rest[bracket...]
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                    if let i = Int(rest[rest.index(after: rest.startIndex)..<close]) { out.append(.index(i)) }
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                out.append(.key(String(rest)))
            }
        }
        return out
    }

    /// A field path as the API names fields: `accept[0].run.command`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let i = key.intValue {
                out += "[\(i)]"
            } else {
                out += (out.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return out
    }

    /// The field and a message for a decoding error.
    static func describe(_ error: DecodingError) -> (field: String?, message: String) {
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return (field, "missing field '\(field)'")
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return (field.isEmpty ? nil : field, "\(field.isEmpty ? "the spec" : field) must be \(expected(type))")
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return (field.isEmpty ? nil : field, "\(field.isEmpty ? "the spec" : field) must be \(expected(type)), not empty")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field.isEmpty { return (nil, "not valid: \(context.debugDescription)") }
            return (field, "\(field) is invalid: \(context.debugDescription)")
        @unknown default:
            return (nil, "not a task spec")
        }
    }

    static func expected(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is Date.Type: "a time such as 2026-11-21T22:30:00Z"
        case is [Any].Type: "a list"
        default: "a \(String(describing: type).lowercased().replacingOccurrences(of: "swift.", with: ""))"
        }
    }

    static func yamlProblem(_ error: YamlError, file: String) -> Problem {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return Problem(file: file, line: mark.line, message: "not valid YAML: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Problem(
                file: file, line: context.mark.line, message: "a field is given twice: \(duplicates.joined(separator: ", "))")
        default:
            return Problem(file: file, message: "not valid YAML: \(error)")
        }
    }
}
