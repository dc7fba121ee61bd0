import Foundation

/// A workload trace in the Standard Workload Format of the Parallel Workloads Archive, cleaned
/// for replay on one machine.
///
/// The machine size comes from the header (`; MaxProcs: N`, else `; MaxNodes: N`). Each other
/// non-empty line is one job with 18 whitespace-separated fields; replay reads field 1 (job
/// number), 2 (submit time), 4 (run time), 5 (allocated processors), 8 (requested processors)
/// and 9 (requested time), and needs at least those nine on every line. Cleaning rules:
///
/// - a job with run time ≤ 0 is skipped;
/// - its processors are the allocated ones, else (allocated ≤ 0) the requested ones; it is
///   skipped if that is ≤ 0 or more than the machine has;
/// - a missing requested time (≤ 0) is the run time;
/// - jobs are ordered by submit time, ties by job number (then by line).
public struct SWFTrace: Sendable, Hashable {
    /// One job that survived cleaning.
    public struct Job: Sendable, Hashable {
        /// Field 1: the job number.
        public var id: Int
        /// Field 2: submit time in seconds.
        public var submitS: Double
        /// Field 4: actual run time in seconds (> 0).
        public var runS: Double
        /// Processors it uses (field 5, else field 8; 1 … machine size).
        public var processors: Int
        /// Field 9: requested time in seconds (the run-time estimate), or the run time if missing.
        public var requestedS: Double

        /// Creates a job.
        public init(id: Int, submitS: Double, runS: Double, processors: Int, requestedS: Double) {
            self.id = id
            self.submitS = submitS
            self.runS = runS
            self.processors = processors
            self.requestedS = requestedS
        }
    }

    /// How many records each cleaning rule dropped.
    public struct Skipped: Sendable, Hashable, Codable {
        /// Run time ≤ 0 (missing, or cancelled before it ran).
        public var nonPositiveRunTime = 0
        /// Neither allocated nor requested processors given (both ≤ 0).
        public var noProcessors = 0
        /// More processors than the machine has.
        public var tooManyProcessors = 0

        /// All records skipped.
        public var total: Int { nonPositiveRunTime + noProcessors + tooManyProcessors }

        /// Creates counts.
        public init(nonPositiveRunTime: Int = 0, noProcessors: Int = 0, tooManyProcessors: Int = 0) {
            self.nonPositiveRunTime = nonPositiveRunTime
            self.noProcessors = noProcessors
            self.tooManyProcessors = tooManyProcessors
        }
    }

    /// Why a trace could not be read; the message names the line.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The 1-based line number, or `nil` for the file as a whole.
        public var line: Int?
        public var message: String
        public var description: String { line.map { "line \($0): \(message)" } ?? message }

        /// Creates an error.
        public init(line: Int?, _ message: String) {
            self.line = line
            self.message = message
        }
    }

    /// Processors (cores) of the machine: `MaxProcs`, or `MaxNodes` when `MaxProcs` is absent.
    public var machineProcessors: Int
    /// The jobs to replay, in submit order (ties by job number).
    public var jobs: [Job]
    /// Job records in the file, before cleaning.
    public var records: Int
    /// What cleaning dropped.
    public var skipped: Skipped

    /// The number of fields the parser needs on every job line (up to the requested time).
    public static let neededFields = 9

    /// Parses and cleans a trace.
    public init(parsing text: String) throws(ParseError) {
        var maxProcs: Int?
        var maxNodes: Int?
        var jobs: [(job: Job, line: Int)] = []
        var records = 0
        var skipped = Skipped()
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line.isEmpty { continue }
            if line.hasPrefix(";") {
                let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
                guard let colon = body.firstIndex(of: ":") else { continue }
                let key = body[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                guard key == "maxprocs" || key == "maxnodes" else { continue }
                let value = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                guard let n = Int(value) else {
                    throw ParseError(
                        line: lineNumber,
                        "\(key == "maxprocs" ? "MaxProcs" : "MaxNodes") is not an integer: '\(Self.excerpt(value))'")
                }
                if key == "maxprocs" { maxProcs = n } else { maxNodes = n }
                continue
            }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= Self.neededFields else {
                throw ParseError(
                    line: lineNumber,
                    "a job line needs at least \(Self.neededFields) fields (job, submit, wait, run time, allocated processors, CPU time, memory, requested processors, requested time), found \(fields.count)"
                )
            }
            var values: [Double] = []
            values.reserveCapacity(Self.neededFields)
            for i in 0..<Self.neededFields {
                guard let v = Double(fields[i]), v.isFinite else {
                    throw ParseError(
                        line: lineNumber,
                        "field \(i + 1) (\(Self.fieldNames[i])) is not a number: '\(Self.excerpt(String(fields[i])))'")
                }
                values.append(v)
            }
            guard values[0] == values[0].rounded(), abs(values[0]) < 1e15 else {
                throw ParseError(line: lineNumber, "field 1 (job number) is not an integer: '\(Self.excerpt(String(fields[0])))'")
            }
            records += 1
            let run = values[3]
            guard run > 0 else {
                skipped.nonPositiveRunTime += 1
                continue
            }
            let allocated = values[4]
            let requested = values[7]
            let processors = allocated > 0 ? allocated : requested
            guard processors >= 1 else {
                skipped.noProcessors += 1
                continue
            }
            let estimate = values[8] > 0 ? values[8] : run
            jobs.append(
                (
                    Job(
                        id: Int(values[0]), submitS: values[1], runS: run, processors: processors < 1e15 ? Int(processors) : .max,
                        requestedS: estimate), lineNumber
                ))
        }
        let machine = (maxProcs ?? 0) > 0 ? maxProcs! : (maxNodes ?? 0)
        guard machine > 0 else {
            throw ParseError(line: nil, "no machine size: the header needs a positive '; MaxProcs: N' or '; MaxNodes: N' line")
        }
        var kept: [(job: Job, line: Int)] = []
        kept.reserveCapacity(jobs.count)
        for entry in jobs {
            if entry.job.processors > machine {
                skipped.tooManyProcessors += 1
            } else {
                kept.append(entry)
            }
        }
        kept.sort { a, b in
            if a.job.submitS != b.job.submitS { return a.job.submitS < b.job.submitS }
            if a.job.id != b.job.id { return a.job.id < b.job.id }
            return a.line < b.line
        }
        self.machineProcessors = machine
        self.jobs = kept.map(\.job)
        self.records = records
        self.skipped = skipped
    }

    /// Reads, parses and cleans the trace at `path`.
    public init(contentsOf path: String) throws(ParseError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ParseError(line: nil, "no such file")
        }
        guard !isDirectory.boolValue else { throw ParseError(line: nil, "is a directory, not a trace file") }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ParseError(line: nil, "cannot read the file: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw ParseError(line: nil, "not a text file")
        }
        try self.init(parsing: text)
    }

    static let fieldNames = [
        "job number", "submit time", "wait time", "run time", "allocated processors", "average CPU time", "used memory",
        "requested processors", "requested time",
    ]

    static func excerpt(_ s: String) -> String { s.count > 40 ? String(s.prefix(40)) + "…" : s }
}
