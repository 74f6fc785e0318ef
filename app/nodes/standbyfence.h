#pragma once
// A controller that took over tells the one it replaced (README.md "Hot standby"): every probeMs
// it connects to the old primary's --standby-listen and says hello as the active controller with
// its higher epoch. An old primary that has come back answers Fenced and stops taking changes
// (and remembers it across restarts); one that is still down is tried again. GUI thread.

#include <QObject>
#include <QTimer>

#include <memory>

class QTcpSocket;

namespace opswall::nodes::standby {

class FrameReader;

struct FenceProberConfig {
    QString host;
    quint16 port = 0;
    QString id;
    QString token; // a token of the role standby, known to the old primary's store
    qint64 epoch = 0;
    int probeMs = 200;
    QString caFile; // PEM certificates to trust: TLS (required off loopback)
};

class FenceProber : public QObject {
    Q_OBJECT
public:
    explicit FenceProber(FenceProberConfig config, QObject *parent = nullptr);
    ~FenceProber() override;
    void start();
    // The old primary answered Fenced at least once.
    bool fencedSeen() const { return m_fenced; }

Q_SIGNALS:
    // The old primary answered: Fenced (fenced true), or refused with reason.
    void answered(bool fenced, const QString &reason);

private:
    void probe();
    void finish();

    FenceProberConfig m_config;
    QTimer m_timer;
    QTcpSocket *m_socket = nullptr;
    std::unique_ptr<FrameReader> m_reader;
    bool m_fenced = false;
    QString m_lastAnswer;
};

} // namespace opswall::nodes::standby
