/// Detection of NVIDIA GPUs through `nvidia-smi` and a pure parser for its CSV output.
public enum NvidiaSMI {
    /// The arguments the agent passes to `nvidia-smi`; ``parse(_:)`` reads their output.
    public static let arguments = [
        "--query-gpu=index,name,uuid,memory.total,utilization.gpu,memory.used",
        "--format=csv,noheader,nounits",
    ]

    /// Parses `nvidia-smi --query-gpu=index,name,uuid,memory.total,utilization.gpu,memory.used
    /// --format=csv,noheader,nounits` output into GPUs, in output order.
    ///
    /// Tolerates surrounding spaces, CRLF line ends, blank lines, units left in (`81920 MiB`,
    /// `35 %`) and commas inside the product name. Fields reported as `[N/A]`,
    /// `[Not Supported]` or similar become `nil`. Lines that are not GPU rows (driver errors
    /// such as "No devices were found") are skipped.
    public static func parse(_ csv: String) -> [GPUInfo] {
        var gpus: [GPUInfo] = []
        for rawLine in csv.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            if let gpu = parseLine(rawLine) {
                gpus.append(gpu)
            }
        }
        return gpus
    }

    /// Parses one CSV row; `nil` when it is not a GPU row.
    public static func parseLine(_ line: some StringProtocol) -> GPUInfo? {
        let raw = line.split(separator: ",", omittingEmptySubsequences: false)
        let fields = raw.map { String($0).trimmingSpaces() }
        guard fields.count >= 6, let index = Int(fields[0]), index >= 0 else { return nil }
        // A comma inside the name shifts the fixed tail; the last four fields are always
        // uuid, memory.total, utilization.gpu and memory.used.
        let tail = fields.count - 4
        let name = raw[1..<tail].joined(separator: ",").trimmingSpaces()
        guard !name.isEmpty, !isUnavailable(name) else { return nil }
        let uuid = fields[tail]
        return GPUInfo(
            index: index,
            name: name,
            uuid: uuid.isEmpty || isUnavailable(uuid) ? nil : uuid,
            memoryTotalMiB: number(fields[tail + 1]),
            utilizationPercent: number(fields[tail + 2]),
            memoryUsedMiB: number(fields[tail + 3])
        )
    }

    /// `[N/A]`, `N/A`, `[Not Supported]`, `[Unknown Error]`, `[GPU is lost]` and the like.
    static func isUnavailable(_ field: String) -> Bool {
        field.hasPrefix("[") || field == "N/A" || field.lowercased() == "not supported"
    }

    /// The leading integer of a numeric field (`81920`, `81920 MiB`, `35 %`, `35.0`), or `nil`.
    static func number(_ field: String) -> Int? {
        guard !isUnavailable(field) else { return nil }
        let digits = field.prefix(while: { $0.isASCII && ($0.isNumber || $0 == ".") })
        guard !digits.isEmpty else { return nil }
        if let value = Int(digits) { return value }
        return Double(digits).flatMap { $0.isFinite ? Int($0.rounded()) : nil }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line ends.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }
}
