import Foundation

/// One fuzz target: a name (the corpus folder under `Fuzz/corpus/`) and a harness that must
/// neither crash nor break an invariant on any input.
struct FuzzTarget: Sendable {
    /// The target's name, e.g. `identifier`.
    var name: String
    /// What it exercises.
    var summary: String
    /// Runs one input; an invariant violation traps (libFuzzer reports it as a crash).
    var run: @Sendable (UnsafeBufferPointer<UInt8>) -> Void

    /// Every target, in the order `scripts/fuzz.sh` runs them.
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "identifier", summary: "Identifier and Prefix parsing", run: IdentifierFuzzing.run),
        FuzzTarget(name: "timestamp", summary: "RFC 3339 timestamps of the API", run: TimestampFuzzing.run),
        FuzzTarget(name: "json-bodies", summary: "every JSON request body the server decodes, then its validation", run: JSONBodyFuzzing.run),
        FuzzTarget(name: "query", summary: "query strings: discovery filters and cursors on a registry, times, limits", run: QueryFuzzing.run),
        FuzzTarget(name: "swf", summary: "SWF workload traces, parsed and replayed", run: SWFFuzzing.run),
        FuzzTarget(name: "task-file", summary: "YAML and JSON task files of `suanli submit`", run: TaskFileFuzzing.run),
    ]

    /// The target called `name`.
    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    /// One line per target, for usage messages.
    static var listing: String { all.map { "  \($0.name): \($0.summary)\n" }.joined() }

    /// The target named by the environment variable `SUANLI_FUZZ_TARGET` (fuzzing builds).
    static let selected: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["SUANLI_FUZZ_TARGET"] ?? ""
        guard let target = named(name) else {
            FileHandle.standardError.write(Data("set SUANLI_FUZZ_TARGET to one of:\n\(listing)".utf8))
            exit(2)
        }
        return target
    }()
}

/// Traps with `message` when an invariant does not hold (a finding for the fuzzer).
func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError("invariant broken: \(message())", file: file, line: line) }
}

extension UnsafeBufferPointer<UInt8> {
    /// The bytes as text (invalid UTF-8 becomes U+FFFD, as a server decoding the bytes would see it).
    var text: String { String(decoding: self, as: UTF8.self) }
}
