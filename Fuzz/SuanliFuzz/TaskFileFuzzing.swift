import Foundation
import SuanliCore
import SuanliTaskFiles

/// Task files of `suanli submit FILE`, through the CLI's own parser (the SuanliTaskFiles
/// module): as YAML and as JSON.
///
/// Invariants: no trap; an accepted file is a valid spec; a problem names a line inside the
/// file when it names one, and is not much longer than the file.
enum TaskFileFuzzing {
    @Sendable static func run(_ input: UnsafeBufferPointer<UInt8>) {
        let text = input.text
        let lines = lineCount(text)
        for yaml in [true, false] {
            do throws(TaskFile.Problem) {
                let spec = try TaskFile.parse(text, file: "fuzz.yaml", yaml: yaml, now: FuzzPlatform.now)
                do throws(ValidationError) { try spec.validate(topology: .national, now: FuzzPlatform.now) } catch {
                    require(false, "accepted a spec that does not validate: \(error)")
                }
            } catch {
                if let line = error.line { require((0...lines + 1).contains(line), "line \(line) of a \(lines)-line file") }
                require(!error.message.isEmpty, "empty message")
                // A YAML syntax error quotes the offending line of the user's own file, so the
                // message may be as long as the file, but never much longer.
                let limit = text.utf8.count * 2 + 1024
                require(error.description.utf8.count <= limit, "message of \(error.description.utf8.count) bytes: \(error.description.prefix(200))")
            }
        }
    }

    /// Lines as YAML counts them: broken by LF, CR LF, CR, NEL, LS and PS.
    static func lineCount(_ text: String) -> Int {
        var lines = 1
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": if previous != "\r" { lines += 1 }
            case "\r", "\u{85}", "\u{2028}", "\u{2029}": lines += 1
            default: break
            }
            previous = scalar
        }
        return lines
    }
}
