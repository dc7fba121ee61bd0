import ArgumentParser
import Foundation
import SuanliClient
import SuanliCore
import SuanliTaskFiles

/// `suanli submit FILE` or `suanli submit [flags] -- COMMAND…`.
struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit a task from a YAML or JSON task file, or from flags (one alternative).",
        discussion: """
            With a FILE (YAML or JSON), the file holds a task spec as in docs/scheduling.md: several \
            alternatives (e.g. a CUDA and an Ascend build), data locality, price, green share; see \
            examples/*.yaml. It is checked before it is sent, and errors name the line and field. \
            Without a FILE, flags describe a single alternative and the command follows '--':
              suanli submit examples/cuda-or-ascend.yaml
              suanli submit --kind cpu -- echo hi
              suanli submit --name train --units 8 --kind gpu --data-location city.shanghai --max-rtt-ms 20 -- python train.py
            A word before '--' is a task file; everything after '--' is the command.
            """)

    @OptionGroup var client: ClientOptions
    @Argument(help: "A YAML or JSON task file, or '-' for standard input.") var file: String?
    @Option(help: "Task name.") var name = "task"
    @Option(help: "Units to run on.") var units = 1
    @Option(help: "Resource kind: cpu, gpu, npu, fpga, asic.") var kind = "cpu"
    @Option(help: "Host architecture, e.g. x86_64 or aarch64.") var arch: String?
    @Option(help: "Exact model.") var model: String?
    @Option(help: "Minimum memory per unit in GiB.") var minMemoryGib: Double?
    @Flag(help: "Allow splitting units over several resources.") var split = false
    @Flag(help: "May be preempted: pays a spot resource's spot price, and is requeued when a non-preemptible task needs the units.")
    var preemptible = false
    @Option(help: "Where the task's data is (a location code).") var dataLocation: String?
    @Option(help: "Round-trip limit from the data location in ms (20 = the hub-to-hub guarantee).") var maxRttMs: Double?
    @Option(help: "Price limit in fen per unit-hour.") var maxPrice: Int64?
    @Option(help: "Minimum renewable share, 0–1.") var minRenewable: Double?
    @Option(help: "Estimated run time in seconds.") var durationS: Double?
    @Option(help: "Priority; higher runs first.") var priority = 0
    @Option(help: "cheapest, closest, greenest, or weights like price=1,latency=0.5,carbon=0.") var objective: String?
    @Option(name: .customLong("env"), help: "Environment for the command, KEY=VALUE (repeatable).") var env: [String] = []
    @Argument(parsing: .postTerminator, help: "The command to run.") var command: [String] = []

    func parseObjective() throws -> TaskSpec.Objective {
        guard let objective else { return .default }
        switch objective {
        case "cheapest": return .cheapest
        case "closest": return .closest
        case "greenest": return .greenest
        default:
            var weights = ["price": 0.0, "latency": 0.0, "carbon": 0.0]
            for pair in objective.split(separator: ",") {
                let parts = pair.split(separator: "=")
                guard parts.count == 2, weights[String(parts[0])] != nil, let value = Double(parts[1]), value >= 0 else {
                    throw ValidationError("--objective must be cheapest, closest, greenest or price=W,latency=W,carbon=W")
                }
                weights[String(parts[0])] = value
            }
            return TaskSpec.Objective(price: weights["price"]!, latency: weights["latency"]!, carbon: weights["carbon"]!)
        }
    }

    func validate() throws {
        if file != nil && !command.isEmpty {
            throw ValidationError("give a task file or a command after '--', not both (the file's alternatives carry their commands)")
        }
        try checkLocation(dataLocation, option: "--data-location")
    }

    func spec() throws -> TaskSpec {
        if let file {
            do throws(TaskFile.Problem) { return try TaskFile.load(path: file) } catch { throw ValidationError(error.description) }
        }
        guard let kind = ResourceKind(rawValue: kind) else {
            throw ValidationError("--kind must be one of \(ResourceKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var environment: [String: String] = [:]
        for pair in env {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw ValidationError("--env takes KEY=VALUE, got '\(pair)'")
            }
            environment[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
        }
        var spec = TaskSpec(
            name: name, priority: priority, units: units, gang: !split,
            accept: [
                TaskSpec.Alternative(
                    kind: kind, arch: arch, model: model, minMemoryGiB: minMemoryGib,
                    run: TaskSpec.Run(command: command.isEmpty ? ["true"] : command, env: environment))
            ],
            dataLocation: dataLocation, maxRttMs: maxRttMs, maxPriceFenPerUnitHour: maxPrice, minRenewable: minRenewable,
            durationS: durationS, objective: try parseObjective())
        if preemptible { spec.preemptible = true }
        return spec
    }

    func run() async throws {
        let spec = try self.spec()
        try await runClient {
            let submission = try await client.client.submit(spec)
            if client.json { return try printJSON(submission) }
            print("\(submission.id) \(submission.state.rawValue)")
            if let placement = submission.placement { print(placementTable(placement).render()) }
        }
    }
}

func placementTable(_ placement: Placement) -> Table {
    var table = Table("RESOURCE", "UNITS", "¥/UNIT-H", "RTT MS", "GREEN", rightAligned: [1, 2, 3, 4])
    for part in placement.parts {
        table.add(
            part.resource, String(part.units), yuan(part.priceFenPerUnitHour), part.rttMs.map { String(format: "%.1f", $0) } ?? "-",
            percent(part.renewable))
    }
    return table
}

/// `suanli tasks`.
struct Tasks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List your tasks (all tasks with the operator token).")
    @OptionGroup var client: ClientOptions
    @Option(help: "Only tasks in this state.") var state: String?
    @Option(help: "Page size (1–1000).") var limit = 100
    @Option(help: "Cursor from a previous page.") var cursor: String?

    func run() async throws {
        var filter: TaskState? = nil
        if let state {
            guard let parsed = TaskState(rawValue: state) else {
                throw ValidationError("--state must be one of \(TaskState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter = parsed
        }
        try await runClient {
            let page = try await client.client.tasks(state: filter, limit: limit, cursor: cursor)
            if client.json { return try printJSON(page) }
            var table = Table("ID", "NAME", "CONSUMER", "STATE", "UNITS", "PLACEMENT", rightAligned: [4])
            for t in page.items {
                table.add(
                    t.id, t.name, t.consumer, t.state.rawValue, String(t.spec.units),
                    t.placement?.parts.map { "\($0.resource)×\($0.units)" }.joined(separator: " ") ?? "-")
            }
            print(table.render())
            if let next = page.nextCursor { print("more with --cursor \(next)") }
        }
    }
}

/// `suanli task ID`.
struct TaskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "task", abstract: "Show one task with its placement and events.")
    @OptionGroup var client: ClientOptions
    @Argument(help: "Task id, e.g. t42.") var id: String
    @Flag(help: "Keep printing new events until the task ends.") var follow = false

    func run() async throws {
        if follow {
            return try await runClient {
                var seen = 0
                while true {
                    let t = try await client.client.task(id)
                    for e in t.events.dropFirst(seen) {
                        print("\(Timestamp.format(e.at))  \(e.state.rawValue)\(e.message.map { "  \($0)" } ?? "")")
                    }
                    seen = t.events.count
                    fflush(nil)
                    if t.state.isFinal { return }
                    try await Task.sleep(for: .milliseconds(300))
                }
            }
        }
        try await runClient {
            let t = try await client.client.task(id)
            if client.json { return try printJSON(t) }
            print("\(t.id)  \(t.name)  \(t.state.rawValue)  consumer \(t.consumer)  priority \(t.priority)  units \(t.spec.units)")
            if let placement = t.placement {
                print("alternative \(placement.alternative): \(t.spec.accept[placement.alternative].kind.rawValue)")
                print(placementTable(placement).render())
            }
            for e in t.events { print("  \(Timestamp.format(e.at))  \(e.state.rawValue)\(e.message.map { "  \($0)" } ?? "")") }
        }
    }
}

/// `suanli cancel ID`.
struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cancel a task; its units are released at once.")
    @OptionGroup var client: ClientOptions
    @Argument(help: "Task id.") var id: String

    func run() async throws {
        try await runClient {
            let t = try await client.client.cancel(id)
            if client.json { return try printJSON(t) }
            print("\(t.id) \(t.state.rawValue)")
        }
    }
}

/// `suanli explain ID`.
struct Explain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Why a task waits: candidates removed by each constraint.")
    @OptionGroup var client: ClientOptions
    @Argument(help: "Task id.") var id: String

    func run() async throws {
        try await runClient {
            let e = try await client.client.explain(id)
            if client.json { return try printJSON(e) }
            // The verdict is about placing the spec now; a task that is placed or has ended waits for nothing.
            let t = try await client.client.task(id)
            if let line = Self.status(of: t) {
                print(line)
                return
            }
            print("\(e.verdict.rawValue): \(e.message)")
            var table = Table("CONSTRAINT", "REMOVED", "REMAINING", rightAligned: [1, 2])
            for step in e.steps { table.add(step.constraint, String(step.removed), String(step.remaining)) }
            print(table.render())
        }
    }
}

extension Explain {
    /// What to say instead of the funnel for a task that does not wait: it has ended, or it is placed.
    static func status(of t: TaskRecord) -> String? {
        let at = t.events.last.map { " at \(Timestamp.format($0.at))" } ?? ""
        let on = t.placement.map { " on " + $0.parts.map { "\($0.resource)×\($0.units)" }.joined(separator: " ") } ?? ""
        let note = t.events.last?.message.map { " (\($0))" } ?? ""
        if t.state.isFinal {
            return "\(t.id) has ended: \(t.state.rawValue)\(at)\(on)\(note); it no longer waits for anything ('suanli task \(t.id)' shows its events)"
        }
        switch t.state {
        case .scheduled, .starting, .running:
            return "\(t.id) is \(t.state.rawValue)\(on); it waits for no resource ('suanli task \(t.id)' shows its events)"
        default:
            return nil
        }
    }
}

/// `suanli logs ID`.
struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A task's output as shipped by its agent.")
    @OptionGroup var client: ClientOptions
    @Argument(help: "Task id.") var id: String
    @Option(help: "stdout or stderr.") var stream = "stdout"
    @Option(help: "Only the last N lines.") var tail: Int?
    @Option(help: "Attempt (default: the current one).") var attempt: Int?

    func run() async throws {
        try await runClient {
            print(try await client.client.logs(id, stream: stream, tail: tail, attempt: attempt), terminator: "")
        }
    }
}

/// `suanli usage`.
struct Usage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Metered usage and amounts (yours, or all with the operator token).")
    @OptionGroup var client: ClientOptions
    @Option(help: "Only this consumer.") var consumer: String?
    @Option(help: "Only this provider prefix.") var provider: String?
    @Option(help: "From (RFC 3339).") var from: String?
    @Option(help: "To (RFC 3339).") var to: String?

    func run() async throws {
        let fromDate = try from.map { text in
            guard let d = Timestamp.parse(text) else { throw ValidationError("--from must be like 2026-11-21T00:00:00Z") }
            return d
        }
        let toDate = try to.map { text in
            guard let d = Timestamp.parse(text) else { throw ValidationError("--to must be like 2026-11-21T00:00:00Z") }
            return d
        }
        try await runClient {
            let report = try await client.client.usage(consumer: consumer, provider: provider, from: fromDate, to: toDate)
            if client.json { return try printJSON(report) }
            var table = Table("TASK", "ATT", "CONSUMER", "RESOURCE", "UNITS", "UNIT-S", "¥/UNIT-H", "AMOUNT ¥", rightAligned: [1, 4, 5, 6, 7])
            for u in report.items {
                table.add(
                    u.task, String(u.attempt), u.consumer, u.resource, String(u.units), String(format: "%.3f", u.unitSeconds),
                    yuan(u.priceFenPerUnitHour), yuan(u.amountFen))
            }
            print(table.render())
            print("\(report.totals.parts) parts, \(String(format: "%.3f", report.totals.unitSeconds)) unit-seconds, ¥\(yuan(report.totals.amountFen))")
        }
    }
}
