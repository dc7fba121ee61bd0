import ArgumentParser
import SuanliCLI

/// The `suanli` executable: the command tree lives in SuanliCLI.
@main
struct SuanliMain: AsyncParsableCommand {
    static let configuration = SuanliCommand.configuration
}
