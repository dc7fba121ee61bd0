import SuanliServer

extension Platform {
    /// The federation module installed as this platform's resolver, directly or behind
    /// ``AggregationModule``; nil when the platform is in no federation.
    public var federationModule: FederationModule? {
        switch remoteResolution.current {
        case let federation as FederationModule: federation
        case let aggregation as AggregationModule: aggregation.federation
        default: nil
        }
    }
}
