import SuanliCLI

/// The `suanli` executable: the command tree lives in SuanliCLI.
@main
struct SuanliMain {
    static func main() async { await SuanliCommand.runMain() }
}
