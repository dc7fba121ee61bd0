import SuanliCore

/// A failed call: the platform's error (status, code, message as the server answered them)
/// or a transport problem (status 0, code `transport`). The same model the server answers with.
public typealias ClientError = SuanliError
