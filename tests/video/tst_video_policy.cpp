// The supervisor's restart policy, pure: every decision checked without timers or GStreamer.
#include "video/streampolicy.h"

#include <QTest>

using namespace opswall::video;

class TestVideoPolicy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void startBuildsFromIdleAndFailedOnly() {
        const StreamPolicy p;
        Decision d = decide(p, StreamEvent::Start, {StreamState::Idle, 0});
        QCOMPARE(d.next.state, StreamState::Connecting);
        QCOMPARE(d.action, StreamAction::Build);
        d = decide(p, StreamEvent::Start, {StreamState::Failed, 4});
        QCOMPARE(d.next, (SupervisorState{StreamState::Connecting, 0}));
        d = decide(p, StreamEvent::Start, {StreamState::Playing, 0});
        QCOMPARE(d.action, StreamAction::None);
        QCOMPARE(d.next.state, StreamState::Playing);
    }

    void errorRetriesWithBoundedExponentialBackoff() {
        StreamPolicy p;
        p.initialBackoffMs = 250;
        p.maxBackoffMs = 3000;
        SupervisorState s{StreamState::Connecting, 0};
        QList<int> delays;
        for (int i = 0; i < 8; ++i) {
            const Decision d = decide(p, StreamEvent::Error, s);
            QCOMPARE(d.next.state, StreamState::Reconnecting);
            QCOMPARE(d.action, StreamAction::TearDownAndRetry);
            delays.append(d.delayMs);
            const Decision again = decide(p, StreamEvent::RetryTimer, d.next);
            QCOMPARE(again.action, StreamAction::Build); // a fresh pipeline every attempt
            s = again.next;
        }
        QCOMPARE(delays, (QList<int>{250, 500, 1000, 2000, 3000, 3000, 3000, 3000}));
    }

    void firstFrameResetsTheBackoff() {
        const StreamPolicy p;
        const Decision d = decide(p, StreamEvent::FirstFrame, {StreamState::Reconnecting, 5});
        QCOMPARE(d.next, (SupervisorState{StreamState::Playing, 0}));
        QCOMPARE(decide(p, StreamEvent::Error, d.next).delayMs, p.initialBackoffMs);
    }

    void watchdogStallsOnlyWhilePlaying() {
        const StreamPolicy p;
        Decision d = decide(p, StreamEvent::WatchdogTimeout, {StreamState::Playing, 0});
        QCOMPARE(d.next.state, StreamState::Stalled);
        QCOMPARE(d.action, StreamAction::TearDownAndRetry);
        QCOMPARE(d.delayMs, p.initialBackoffMs);
        d = decide(p, StreamEvent::RetryTimer, d.next);
        QCOMPARE(d.next.state, StreamState::Reconnecting);
        QCOMPARE(d.action, StreamAction::Build);
        d = decide(p, StreamEvent::WatchdogTimeout, {StreamState::Connecting, 0});
        QCOMPARE(d.action, StreamAction::None);
    }

    void fatalErrorFailsWithoutRetry() {
        const StreamPolicy p;
        for (StreamState s : {StreamState::Connecting, StreamState::Playing,
                              StreamState::Reconnecting, StreamState::Stalled}) {
            const Decision d = decide(p, StreamEvent::FatalError, {s, 0});
            QCOMPARE(d.next.state, StreamState::Failed);
            QCOMPARE(d.action, StreamAction::TearDown);
        }
        // A late event from a dead pipeline does nothing once Failed or Idle.
        QCOMPARE(decide(p, StreamEvent::Error, {StreamState::Failed, 1}).action,
                 StreamAction::None);
        QCOMPARE(decide(p, StreamEvent::RetryTimer, {StreamState::Idle, 0}).action,
                 StreamAction::None);
    }

    void maxAttemptsGivesUp() {
        StreamPolicy p;
        p.maxAttempts = 3;
        SupervisorState s{StreamState::Connecting, 0};
        s = decide(p, StreamEvent::ConnectTimeout, s).next;
        s = decide(p, StreamEvent::Error, {StreamState::Reconnecting, s.failures}).next;
        QCOMPARE(s.state, StreamState::Reconnecting);
        const Decision d = decide(p, StreamEvent::Error, s);
        QCOMPARE(d.next.state, StreamState::Failed);
        QCOMPARE(d.action, StreamAction::TearDown);
    }

    void stopFromAnyStateTearsDown() {
        const StreamPolicy p;
        for (StreamState s : {StreamState::Connecting, StreamState::Playing, StreamState::Stalled,
                              StreamState::Reconnecting, StreamState::Failed}) {
            const Decision d = decide(p, StreamEvent::Stop, {s, 2});
            QCOMPARE(d.next, (SupervisorState{StreamState::Idle, 0}));
            QCOMPARE(d.action, StreamAction::TearDown);
        }
    }

    void backoffNeverOverflows() {
        StreamPolicy p;
        p.maxBackoffMs = 3000;
        QCOMPARE(p.backoffMs(1000000), 3000);
        QCOMPARE(p.backoffMs(0), p.initialBackoffMs);
    }
};

QTEST_GUILESS_MAIN(TestVideoPolicy)
#include "tst_video_policy.moc"
