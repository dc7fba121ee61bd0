import ArgumentParser
import Foundation
import SuanliCore

/// Better messages for command lines that do not parse: "did you mean" for a misspelt command,
/// a misspelt option reported before any other complaint, and where the command of
/// `suanli submit` goes.
///
/// The command tree (names, options, flags) comes from the parser's own description of it
/// (`_dumpHelp()`), so the hints follow the commands without a list to maintain.
enum UsageHints {
    /// One command of the tree as the parser describes it.
    struct Node: Decodable {
        var commandName: String
        var subcommands: [Node]?
        var defaultSubcommand: String?
        var arguments: [Argument]?

        struct Argument: Decodable {
            var kind: String
            var names: [Name]?
        }

        struct Name: Decodable {
            var kind: String
            var name: String

            /// As typed: `--kind`, `-h`.
            var spelled: String { kind == "short" ? "-" + name : (kind == "longWithSingleDash" ? "-" : "--") + name }
        }

        struct Document: Decodable { var command: Node }

        func child(_ name: String) -> Node? { subcommands?.first { $0.commandName == name } }

        /// Every spelling of every option and flag, plus the parser's built-ins.
        var optionNames: Set<String> {
            var names: Set<String> = [
                "-h", "--help", "-help", "--version", "--experimental-dump-help", "--generate-completion-script",
            ]
            for argument in arguments ?? [] where argument.kind != "positional" {
                for name in argument.names ?? [] { names.insert(name.spelled) }
            }
            return names
        }

        /// Spellings of the options that take a value (not flags).
        var valueOptionNames: Set<String> {
            var names: Set<String> = ["--generate-completion-script"]
            for argument in arguments ?? [] where argument.kind == "option" {
                for name in argument.names ?? [] { names.insert(name.spelled) }
            }
            return names
        }
    }

    /// The command tree of `command`.
    static func tree(of command: ParsableCommand.Type) -> Node? {
        try? JSONDecoder().decode(Node.Document.self, from: Data(command._dumpHelp().utf8)).command
    }

    /// A message to print instead of the parser's, and the exit status.
    struct Rewrite: Equatable {
        var message: String
        var status: Int32 = ExitCode.validationFailure.rawValue
    }

    /// A clearer message for `error`, raised while parsing `arguments` (without the program
    /// name), or `nil` to keep the parser's.
    static func rewrite(_ error: any Error, arguments: [String], root: ParsableCommand.Type = SuanliCommand.self) -> Rewrite? {
        // Help, version and completion scripts arrive as "errors" that end the program successfully.
        guard root.exitCode(for: error) != .success, let tree = tree(of: root) else { return nil }
        let parserMessage = root.message(for: error)
        let options = arguments.prefix { $0 != "--" }
        // Walk down the subcommands named on the line.
        var node = tree
        var path = [tree.commandName]
        var positionals: [String] = []
        var index = options.startIndex
        var expectsValue = false
        while index < options.endIndex {
            let word = options[index]
            index += 1
            if expectsValue {
                expectsValue = false
                continue
            }
            if word.hasPrefix("-") && word.count > 1 {
                expectsValue = !word.contains("=") && node.valueOptionNames.contains(word)
                continue
            }
            if positionals.isEmpty, let child = node.child(word) {
                node = child
                path.append(word)
                continue
            }
            if positionals.isEmpty, let children = node.subcommands, !children.isEmpty, !takesPositionals(node) {
                // A word where a command was expected.
                let names = children.map(\.commandName)
                let command = path.joined(separator: " ")
                if let guess = Suggestion.closest(to: word, among: names) {
                    return Rewrite(
                        message: "unknown command '\(word)'. Did you mean '\(command) \(guess)'?\nSee '\(command) --help' for the commands.")
                }
                return Rewrite(message: "unknown command '\(word)'.\nSee '\(command) --help' for the commands.")
            }
            positionals.append(word)
        }
        let command = path.joined(separator: " ")
        let see = "See '\(command) --help' for more information."
        // A misspelt option first: the parser would report another option's validation before it.
        let known = node.optionNames
        for word in options where word.hasPrefix("--") && word.count > 2 {
            let name = String(word.prefix { $0 != "=" })
            guard !known.contains(name) else { continue }
            if let guess = Suggestion.closest(to: name, among: known.filter { $0.hasPrefix("--") }.sorted()) {
                return Rewrite(message: "unknown option '\(name)' for '\(command)'. Did you mean '\(guess)'?\n\(see)")
            }
            return Rewrite(message: "unknown option '\(name)' for '\(command)'.\n\(see)")
        }
        // `suanli submit --kind cpu echo hi`: the command goes after `--`.
        if path.last == "submit", !arguments.contains("--"), parserMessage.contains("Unexpected argument") {
            let flags = options.filter { !positionals.contains($0) && $0 != "submit" }
            let line = (["suanli submit"] + flags + ["--"] + positionals).joined(separator: " ")
            return Rewrite(
                message: "\(parserMessage)\nThe command to run goes after '--' (a single word before it is read as a task file):\n  \(line)\n\(see)"
            )
        }
        return nil
    }

    /// Whether a command takes positional arguments of its own (then an unknown word is one).
    static func takesPositionals(_ node: Node) -> Bool {
        (node.arguments ?? []).contains { $0.kind == "positional" }
    }
}

extension SuanliCommand {
    /// Parses the command line and runs the command, with ``UsageHints`` for lines that do not
    /// parse and short messages for errors a command reports.
    public static func runMain(arguments: [String] = Array(CommandLine.arguments.dropFirst())) async {
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            if let hint = UsageHints.rewrite(error, arguments: arguments) {
                FileHandle.standardError.write(Data(("Error: " + hint.message + "\n").utf8))
                Foundation.exit(hint.status)
            }
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ArgumentParser.ValidationError {
            // From a command's run: its message alone (the root's usage would not help).
            FileHandle.standardError.write(Data(("Error: \(error.message)\n").utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
