// Where the render-node integration test's processes live (issue #20: "separate network
// namespaces where the machine allows it, else distinct loopback addresses"). With namespaces,
// each node runs in a network namespace of its own (`ip netns`), joined to the test's by a veth
// pair and routed through it, and the controller's node link listens on the test side of the
// first pair: the link is then off loopback, so it is TLS (a certificate made with openssl).
// Without them (no root, no CAP_SYS_ADMIN/CAP_NET_ADMIN, no `ip` or `openssl`, as in many CI
// containers, or OPSWALL_TEST_NETNS=0), every process has its own loopback address: API
// 127.0.0.1, node link 127.0.0.2, nodes from 127.0.0.3, .4, ... The namespaces are removed when
// the object goes.
#pragma once

#include <QHash>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>

#include <cstdio>
#include <unistd.h>

namespace nodetest {

class NodeNetwork {
public:
    NodeNetwork() = default;
    NodeNetwork(const NodeNetwork &) = delete;
    NodeNetwork &operator=(const NodeNetwork &) = delete;
    ~NodeNetwork() {
        for (const QString &ns : std::as_const(m_namespaces))
            run({QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("delete"), ns});
    }

    // Gives each of `nodes` a namespace when the machine allows it; says which way it went.
    void setUp(const QStringList &nodes, const QString &dir) {
        QString why;
        if (qEnvironmentVariable("OPSWALL_TEST_NETNS") == QLatin1String("0"))
            why = QStringLiteral("OPSWALL_TEST_NETNS=0");
        else if (QStandardPaths::findExecutable(QStringLiteral("ip")).isEmpty() ||
                 QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty())
            why = QStringLiteral("no ip or openssl command");
        else if (!makeNamespaces(nodes, &why) || !makeCertificate(dir, &why))
            tearDown();
        std::printf("RESULT nodes: network: %s%s\n",
                    m_namespaces.isEmpty() ? "distinct loopback addresses (no namespaces: "
                                           : "a network namespace per node (veth, TLS link)",
                    m_namespaces.isEmpty() ? qPrintable(why + QLatin1Char(')')) : "");
        std::fflush(stdout);
    }

    bool namespaces() const { return !m_namespaces.isEmpty(); }
    // Where the controller's node link listens.
    QString controllerHost() const {
        return namespaces() ? subnet(1) + QStringLiteral(".1") : QStringLiteral("127.0.0.2");
    }
    // The address a node connects from ("" when it has none of its own: a node without a
    // namespace while the others have one).
    QString nodeAddress(const QString &id) const {
        if (namespaces())
            return m_namespaces.contains(id)
                       ? subnet(int(m_order.indexOf(id)) + 1) + QStringLiteral(".2")
                       : QString();
        return QStringLiteral("127.0.0.%1").arg(3 + (id.back().unicode() - u'a'));
    }
    // What runs a node's opswall in its namespace ({} without one).
    QStringList prefix(const QString &id) const {
        if (!m_namespaces.contains(id))
            return {};
        return {QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("exec"),
                m_namespaces.value(id)};
    }
    // The node link's (and then the API's) TLS certificate and key; empty without namespaces.
    QString certFile() const { return m_cert; }
    QString keyFile() const { return m_key; }

private:
    static bool run(const QStringList &command, QString *why = nullptr) {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(command.first(), command.mid(1));
        const bool ok =
            p.waitForFinished(15000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        if (!ok && why)
            *why = command.join(QLatin1Char(' ')) + QStringLiteral(": ") +
                   QString::fromLocal8Bit(p.readAll()).trimmed();
        return ok;
    }
    QString subnet(int k) const { return QStringLiteral("10.%1.%2").arg(200 + m_pid % 50).arg(k); }
    bool makeNamespaces(const QStringList &nodes, QString *why) {
        m_pid = int(::getpid());
        for (int k = 1; k <= nodes.size(); ++k) {
            const QString ns = QStringLiteral("opswall-test-%1-%2").arg(m_pid).arg(k);
            const QString host = QStringLiteral("owt%1h%2").arg(m_pid % 1000000).arg(k);
            const QString peer = QStringLiteral("owt%1n%2").arg(m_pid % 1000000).arg(k);
            const QString net = subnet(k);
            if (!run({"ip", "netns", "add", ns}, why))
                return false;
            m_namespaces.insert(nodes[k - 1], ns);
            m_order.append(nodes[k - 1]);
            const QList<QStringList> steps{
                {"ip", "link", "add", host, "type", "veth", "peer", "name", peer, "netns", ns},
                {"ip", "addr", "add", net + ".1/24", "dev", host},
                {"ip", "link", "set", host, "up"},
                {"ip", "-n", ns, "addr", "add", net + ".2/24", "dev", peer},
                {"ip", "-n", ns, "link", "set", peer, "up"},
                {"ip", "-n", ns, "link", "set", "lo", "up"},
                {"ip", "-n", ns, "route", "add", "default", "via", net + ".1"}};
            for (const QStringList &step : steps)
                if (!run(step, why))
                    return false;
        }
        return true;
    }
    bool makeCertificate(const QString &dir, QString *why) {
        m_cert = dir + QStringLiteral("/link.crt");
        m_key = dir + QStringLiteral("/link.key");
        return run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", m_key, "-out", m_cert,
                    "-days", "1", "-subj", "/CN=opswall nodes test", "-addext",
                    "subjectAltName=IP:127.0.0.1,IP:" + controllerHost()},
                   why);
    }
    void tearDown() {
        for (const QString &ns : std::as_const(m_namespaces))
            run({QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("delete"), ns});
        m_namespaces.clear();
        m_order.clear();
        m_cert.clear();
        m_key.clear();
    }

    int m_pid = 0;
    QHash<QString, QString> m_namespaces; // node id -> namespace
    QStringList m_order;
    QString m_cert, m_key;
};

} // namespace nodetest
