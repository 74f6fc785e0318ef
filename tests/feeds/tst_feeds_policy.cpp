// The pure parts of pulling and pushing: the backoff policy (no timers) and the SSE parser
// (byte vectors, split anywhere, garbage, bounds).
#include "feeds/backoff.h"
#include "feeds/sse.h"

#include <QtTest>

using namespace opswall::feeds;

class TestPolicy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void successFetchesAtInterval() {
        const BackoffPolicy p(BackoffConfig{600000, 5000, 900000, 2.0, 0.2});
        const BackoffDecision d = p.decide(FetchEvent::Success, BackoffState{3}, 0.5);
        QCOMPARE(d.action, BackoffAction::FetchAtInterval);
        QCOMPARE(d.delayMs, 600000);
        QCOMPARE(d.next.consecutiveFailures, 0);
        QCOMPARE(p.decide(FetchEvent::NotModified, {}, 0.5).delayMs, 600000);
    }

    void transientFailuresBackOffExponentiallyAndCap() {
        const BackoffPolicy p(BackoffConfig{3600000, 5000, 60000, 2.0, 0.2});
        BackoffState s;
        QList<int> delays;
        for (int i = 0; i < 6; ++i) {
            const BackoffDecision d =
                p.decide(FetchEvent::TransientFailure, s, 0.5); // 0.5 = no jitter
            QCOMPARE(d.action, BackoffAction::Retry);
            delays << d.delayMs;
            s = d.next;
        }
        QCOMPARE(delays, (QList<int>{5000, 10000, 20000, 40000, 60000, 60000}));
        QCOMPARE(s.consecutiveFailures, 6);
        // Jitter stays within +-20 %.
        QCOMPARE(p.decide(FetchEvent::TransientFailure, {}, 0.0).delayMs, 4000);
        QCOMPARE(p.decide(FetchEvent::TransientFailure, {}, 1.0).delayMs, 6000);
        // The server's Retry-After wins when longer.
        QCOMPARE(p.decide(FetchEvent::TransientFailure, {}, 0.5, 30000).delayMs, 30000);
    }

    void retriesNeverFasterThanIntervalWhenIntervalIsShort() {
        const BackoffPolicy p(BackoffConfig{8000, 5000, 60000, 2.0, 0.0});
        const BackoffDecision d = p.decide(FetchEvent::TransientFailure, BackoffState{4}, 0.5);
        QCOMPARE(d.action, BackoffAction::FetchAtInterval);
        QCOMPARE(d.delayMs, 8000);
    }

    void permanentFailureDoesNotHammer() {
        const BackoffPolicy p(BackoffConfig{600000, 5000, 900000, 2.0, 0.2});
        const BackoffDecision d = p.decide(FetchEvent::PermanentFailure, {}, 0.5);
        QCOMPARE(d.action, BackoffAction::FetchAtInterval);
        QCOMPARE(d.delayMs, 600000);
        QCOMPARE(d.next.consecutiveFailures, 1);
        QCOMPARE(p.decide(FetchEvent::Invalid, {}, 0.5).action, BackoffAction::Invalid);
    }

    void sseEventsSplitAnywhere() {
        const QByteArray stream =
            "retry: 2000\r\n\r\nevent: count\r\nid: 7\r\ndata: {\"value\":12}\r\n\r\n"
            ": keep-alive\n\ndata: a\ndata: b\n\n";
        for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
            SseParser p;
            QList<SseEvent> ev = p.feed(QByteArrayView(stream).first(cut));
            ev += p.feed(QByteArrayView(stream).sliced(cut));
            QCOMPARE(ev.size(), 2);
            QCOMPARE(ev[0].type, QStringLiteral("count"));
            QCOMPARE(ev[0].data, QStringLiteral("{\"value\":12}"));
            QCOMPARE(ev[0].id, QStringLiteral("7"));
            QCOMPARE(ev[1].type, QStringLiteral("message"));
            QCOMPARE(ev[1].data, QStringLiteral("a\nb"));
            QCOMPARE(p.retryMs(), 2000);
        }
    }

    void sseOverlongEventIsDroppedNotBuffered() {
        SseParser p(1024);
        QByteArray big = "data: " + QByteArray(4000, 'x') + "\n\n";
        QVERIFY(p.feed(big).isEmpty());
        QCOMPARE(p.droppedEvents(), 1);
        QCOMPARE(p.feed("data: ok\n\n").value(0).data, QStringLiteral("ok"));
        // A line that never ends does not grow the buffer without bound.
        for (int i = 0; i < 100; ++i)
            p.feed(QByteArray(1000, 'y'));
        QCOMPARE(p.feed("\n\ndata: after\n\n").value(0).data, QStringLiteral("after"));
    }
};

QTEST_GUILESS_MAIN(TestPolicy)
#include "tst_feeds_policy.moc"
