import ArgumentParser
import Foundation
import SuanliClient
import SuanliCore

/// `suanli consumers` and `suanli consumers add NAME` (operator).
struct ConsumersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumers", abstract: "List consumers, or register one (operator token).",
        subcommands: [List.self, Add.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List consumers (operator token).")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runClient {
                let consumers = try await client.client.consumers()
                if client.json { return try printJSON(ItemList(items: consumers)) }
                var table = Table("ID", "NAME", "CONTACT", "CREATED")
                for c in consumers { table.add(c.id, c.name, c.contact, Timestamp.format(c.createdAt)) }
                print(table.render())
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a consumer; prints its id and token (once).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Consumer name.") var name: String
        @Option(help: "Contact e-mail or phone.") var contact = ""

        func run() async throws {
            try await runClient {
                let record = try await client.client.registerConsumer(ConsumerRegistration(name: name, contact: contact))
                if client.json { return try printJSON(record) }
                print("registered consumer \(record.name) as \(record.id)")
                print("consumer token (shown once): \(record.token ?? "")")
            }
        }
    }
}
