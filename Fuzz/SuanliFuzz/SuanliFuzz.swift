import Foundation

// The harnesses of `scripts/fuzz.sh` (see docs/testing.md, "Fuzzing").
//
// Built with `-sanitize=fuzzer,address -DFUZZING`, `main` hands the command line to libFuzzer's
// driver, which calls `LLVMFuzzerTestOneInput` with each input for the target named by
// `SUANLI_FUZZ_TARGET`. (SwiftPM links an executable's own entry point as `main`, so
// libFuzzer's `main` cannot be used; a target without an entry point would not link.)
// In a normal build the same harnesses form a corpus replayer:
// `suanli-fuzz TARGET FILE|DIR…` runs each file once (a crash reproduces without a fuzzer).

#if FUZZING
/// libFuzzer's entry: one input for the target named by `SUANLI_FUZZ_TARGET`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    FuzzTarget.selected.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

/// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Hands the command line (corpus folders, `-max_total_time=…`) to libFuzzer.
@main
struct SuanliFuzz {
    static func main() {
        _ = FuzzTarget.selected
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
    }
}
#else
/// Replays inputs through a harness without libFuzzer.
@main
struct SuanliFuzz {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let target = FuzzTarget.named(name) else {
            FileHandle.standardError.write(Data(("usage: suanli-fuzz TARGET FILE|DIR…\n" + FuzzTarget.listing).utf8))
            exit(2)
        }
        var files: [String] = []
        for path in arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("suanli-fuzz: no such file \(path)\n".utf8))
                exit(2)
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.sorted().map { "\(path)/\($0)" }
            } else {
                files.append(path)
            }
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            data.withUnsafeBytes { raw in target.run(raw.bindMemory(to: UInt8.self)) }
        }
        print("\(target.name): \(files.count) inputs replayed without a crash")
    }
}
#endif
