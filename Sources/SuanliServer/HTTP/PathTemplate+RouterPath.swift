import Hummingbird
import SuanliCore

extension PathTemplate {
    /// The template as a Hummingbird route: `{name}` → `:name`, `{name...}` → `**`.
    var route: RouterPath {
        RouterPath(
            segments.map { segment in
                switch segment {
                case .literal(let text): "/" + text
                case .parameter(let name): "/:" + name
                case .rest: "/**"
                }
            }.joined())
    }
}

extension Request {
    /// The rest parameter of `template` (``PathTemplate/takesRest``): the raw path after its
    /// literal prefix, %-decoded and otherwise exactly as sent (``ExactPathMiddleware`` has
    /// refused empty and dot segments).
    func rest(of template: PathTemplate) throws(SuanliError) -> String {
        let path = uri.path
        let prefix = template.literalPrefix
        guard path.hasPrefix(prefix) else { throw SuanliError(.notFound, "no such endpoint") }
        guard let decoded = path.dropFirst(prefix.count).removingPercentEncoding else {
            throw SuanliError(.invalidIdentifier, "the identifier in the path has a malformed %-escape", field: "id")
        }
        return decoded
    }
}

extension SuanliRequestContext {
    /// A path parameter of the matched route, as sent (an empty string if absent).
    func parameter(_ name: String) -> String {
        parameters.get(name) ?? ""
    }
}
