import Foundation
import Synchronization

/// A one-line progress report on the terminal (`seeding 12/36`), redrawn in place on stderr.
/// Nothing is written when stderr is not a terminal, so logs and pipes stay clean.
final class ProgressLine: Sendable {
    let label: String
    let total: Int
    let enabled: Bool
    private let shown = Mutex(-1)

    /// A progress line for `total` steps; `enabled` defaults to whether stderr is a terminal.
    init(_ label: String, total: Int, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.total = total
        self.enabled = enabled
    }

    /// The text for `done` steps, e.g. `registering demo resources  12/36  33%`.
    func text(_ done: Int) -> String {
        let percent = total > 0 ? " \(min(100, done * 100 / total))%" : ""
        return "\(label)  \(done)/\(total)\(percent)"
    }

    /// Redraws the line when `done` changed.
    func update(_ done: Int) {
        guard enabled else { return }
        let changed = shown.withLock { last in
            guard last != done else { return false }
            last = done
            return true
        }
        if changed { FileHandle.standardError.write(Data(("\r\u{1B}[K" + text(done)).utf8)) }
    }

    /// Clears the line.
    func finish() {
        guard enabled, shown.withLock({ $0 }) >= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
