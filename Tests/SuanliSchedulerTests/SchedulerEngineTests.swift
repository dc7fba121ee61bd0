import SuanliScheduler
import Testing

@Test func engineCanBeCreated() {
    _ = SchedulerEngine()
}
