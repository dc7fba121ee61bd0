import Foundation
import SuanliCore

/// Task output shipped by agents, one file per task, attempt and stream under `DATA/logs`,
/// each kept to its last ``maxBytes`` bytes.
struct LogStore: Sendable {
    let directory: String
    /// Bytes kept per task, attempt and stream.
    let maxBytes = 1 << 20
    private let lock = NSLock()

    init(dataDirectory: String) {
        directory = (dataDirectory as NSString).appendingPathComponent("logs")
    }

    func path(task: String, attempt: Int, stream: String) -> String {
        "\(directory)/\(task)/\(attempt).\(stream).log"
    }

    /// Appends `data`, trimming the file's head when it grows past twice the limit.
    func append(task: String, attempt: Int, stream: String, data: Data) throws {
        lock.lock()
        defer { lock.unlock() }
        let file = path(task: task, attempt: attempt, stream: stream)
        try FileManager.default.createDirectory(atPath: "\(directory)/\(task)", withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: file) { _ = FileManager.default.createFile(atPath: file, contents: nil) }
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        if Int(size) + data.count <= 2 * maxBytes {
            try handle.write(contentsOf: data)
            return
        }
        try handle.seek(toOffset: 0)
        let old = try handle.readToEnd() ?? Data()
        let combined = old + data
        try handle.truncate(atOffset: 0)
        try handle.seek(toOffset: 0)
        try handle.write(contentsOf: combined.suffix(maxBytes))
    }

    /// The last `tail` lines (all kept lines if nil) of one stream of one attempt.
    func read(task: String, attempt: Int, stream: String, tail: Int?) -> String {
        lock.lock()
        defer { lock.unlock() }
        guard let data = FileManager.default.contents(atPath: path(task: task, attempt: attempt, stream: stream)) else { return "" }
        let text = String(decoding: data.suffix(maxBytes), as: UTF8.self)
        guard let tail else { return text }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines.suffix(tail).joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
    }
}
