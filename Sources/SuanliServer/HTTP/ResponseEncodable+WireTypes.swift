import Hummingbird
import SuanliCore

// The API's wire types (SuanliCore) are returned by route handlers as they are and encoded by
// the context's ``SuanliResponseEncoder``.
extension WhoAmI: ResponseEncodable {}
extension ProviderRecord: ResponseEncodable {}
extension ConsumerRecord: ResponseEncodable {}
extension ItemList: ResponseEncodable {}
extension Page: ResponseEncodable {}
extension TaskSubmission: ResponseEncodable {}
extension TaskRecord: ResponseEncodable {}
extension Explanation: ResponseEncodable {}
extension WorkResponse: ResponseEncodable {}
extension EventAck: ResponseEncodable {}
extension UsageReport: ResponseEncodable {}
extension SuanliCore.ResourceRecord: ResponseEncodable {}
extension ResolveBatchResult: ResponseEncodable {}
extension TelemetryAck: ResponseEncodable {}
extension TopologyDocument: ResponseEncodable {}
extension StatsReport: ResponseEncodable {}
