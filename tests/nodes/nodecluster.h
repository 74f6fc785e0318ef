// A controller on loopback for the render-node tests that need the real API: its process, its
// admin token, a node token made with wallctl, the API, nodes started against it. Each process
// has its own loopback address (API 127.0.0.1, node link 127.0.0.2, nodes 127.0.0.3, .4, ...).
#pragma once

#include "control/apiclient.h"
#include "nodeprocess.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

namespace nodetest {

class Cluster {
public:
    QTemporaryDir dir;
    Process controller{QStringLiteral("controller")};
    quint16 apiPort = 0;
    quint16 nodePort = 0;
    QString admin;
    QString nodeTokenFile;

    // Starts the controller with the test wall and makes a node token; false with *why.
    bool start(QString *why) {
        apiPort = testports::freePortPair();
        nodePort = testports::freePort();
        if (!dir.isValid() || !apiPort || !nodePort)
            return fail(why, QStringLiteral("no temporary folder or free port"));
        const QString config = dir.filePath(QStringLiteral("api.json"));
        QFile c(config);
        if (!c.open(QIODevice::WriteOnly))
            return fail(why, QStringLiteral("cannot write %1").arg(config));
        c.write(R"({"requestTimeoutMs": 10000, "rateBurst": 2000, "ratePerSecond": 1000})");
        c.close();
        const QString tokenFile = dir.filePath(QStringLiteral("admin-token"));
        controller.start(
            {QStringLiteral("--role"), QStringLiteral("controller"),
             QStringLiteral("--node-listen"), QStringLiteral("127.0.0.2:%1").arg(nodePort),
             QStringLiteral("--wall"), QStringLiteral(NODES_WALL), QStringLiteral("--db"),
             dir.filePath(QStringLiteral("controller.db")), QStringLiteral("--api"),
             QStringLiteral("127.0.0.1:%1").arg(apiPort), QStringLiteral("--api-config"), config,
             QStringLiteral("--admin-token-file"), tokenFile, QStringLiteral("--lang"),
             QStringLiteral("en"), QStringLiteral("-platform"), QStringLiteral("offscreen")});
        if (!QTest::qWaitFor([&] { return QFile::exists(tokenFile); }, 30000) ||
            !QTest::qWaitFor(
                [&] { return controller.log.contains("render nodes connect on 127.0.0.2:"); },
                30000))
            return fail(why, QStringLiteral("the controller did not start"));
        QFile f(tokenFile);
        if (!f.open(QIODevice::ReadOnly))
            return fail(why, QStringLiteral("no admin token"));
        admin = QString::fromUtf8(f.readAll()).trimmed();
        // A node token, made as an admin makes one: with wallctl.
        QProcess wallctl;
        wallctl.start(QStringLiteral(WALLCTL_PATH),
                      {QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--role"),
                       QStringLiteral("node"), QStringLiteral("--name"), QStringLiteral("nodes"),
                       QStringLiteral("--json"), QStringLiteral("--url"),
                       QStringLiteral("http://127.0.0.1:%1").arg(apiPort),
                       QStringLiteral("--token"), admin});
        if (!wallctl.waitForFinished(30000) || wallctl.exitCode() != 0)
            return fail(why, QStringLiteral("wallctl token create failed"));
        const QByteArray out = wallctl.readAllStandardOutput();
        const QString token = QJsonDocument::fromJson(out).object()["token"].toString();
        if (!token.startsWith(QLatin1String("owt_")))
            return fail(why, QString::fromUtf8(out));
        nodeTokenFile = dir.filePath(QStringLiteral("node-token"));
        QFile t(nodeTokenFile);
        if (!t.open(QIODevice::WriteOnly))
            return fail(why, QStringLiteral("cannot write the node token"));
        t.write(token.toUtf8() + '\n');
        return true;
    }

    opswall::control::ApiResponse api(const QByteArray &method, const QString &path,
                                      const QJsonObject &body = {}, const QString &token = {}) {
        opswall::control::ClientSettings s;
        s.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(apiPort);
        s.token = token.isEmpty() ? admin : token;
        s.timeoutMs = 15000;
        opswall::control::ApiClient client(s);
        return client.request(method, path, body);
    }

    static QJsonObject json(const opswall::control::ApiResponse &r) {
        return QJsonDocument::fromJson(r.body).object();
    }

    QJsonObject nodeHealth(const QString &id) {
        const QJsonArray nodes = json(api("GET", QStringLiteral("/health")))["nodes"].toArray();
        for (const QJsonValue &n : nodes)
            if (n.toObject()["id"].toString() == id)
                return n.toObject();
        return {};
    }

    quint64 liveRevision() {
        return quint64(json(api("GET", QStringLiteral("/layout")))["revision"].toInteger());
    }

    // Recalls a preset through the API; the live revision after it.
    quint64 recall(int presetId) {
        const auto r = api("POST", QStringLiteral("/presets/%1/recall").arg(presetId));
        if (r.status != 200)
            qWarning("recall %d: HTTP %d %s", presetId, r.status, r.body.constData());
        return liveRevision();
    }

    // node-a (output 0) and node-b (output 1) with the node token; true once both are linked.
    bool startTwoNodes(std::unique_ptr<Process> &a, std::unique_ptr<Process> &b) {
        startNode(a, QStringLiteral("node-a"), QStringLiteral("0"), nodeTokenFile);
        startNode(b, QStringLiteral("node-b"), QStringLiteral("1"), nodeTokenFile);
        return QTest::qWaitFor(
            [&] {
                return nodeHealth(QStringLiteral("node-a"))["connected"].toBool() &&
                       nodeHealth(QStringLiteral("node-b"))["connected"].toBool();
            },
            60000);
    }

    // Saves a layout as a preset; its id (0 on failure).
    int savePreset(const QString &name, const QJsonObject &layout) {
        const auto r =
            api("POST", QStringLiteral("/layouts"), {{"name", name}, {"layout", layout}});
        return r.status == 201 ? json(r)["id"].toInt() : 0;
    }

    // Each node connects from its own loopback address (no network namespaces here).
    static QString addressOf(const QString &id) {
        return QStringLiteral("127.0.0.%1").arg(3 + (id.back().unicode() - u'a'));
    }

    void startNode(std::unique_ptr<Process> &node, const QString &id, const QString &outputs,
                   const QString &tokenFile) {
        if (!node)
            node = std::make_unique<Process>(QStringLiteral("node ") + id);
        node->start(
            {QStringLiteral("--role"), QStringLiteral("node"), QStringLiteral("--controller"),
             QStringLiteral("127.0.0.2:%1").arg(nodePort), QStringLiteral("--node-address"),
             addressOf(id), QStringLiteral("--outputs"), outputs, QStringLiteral("--token-file"),
             tokenFile, QStringLiteral("--node-id"), id, QStringLiteral("--db"),
             dir.filePath(id + QStringLiteral(".db")), QStringLiteral("--lang"),
             QStringLiteral("en"), QStringLiteral("-platform"), QStringLiteral("offscreen")});
    }

    // The centre pixel of output `index` as the controller serves it (from the node drawing it).
    std::optional<QRgb> centreOf(int index, QString *why) {
        const auto r = api("GET", QStringLiteral("/outputs/%1/snapshot?width=160").arg(index));
        if (r.status != 200) {
            *why = QStringLiteral("HTTP %1: %2").arg(r.status).arg(QString::fromUtf8(r.body));
            return std::nullopt;
        }
        const QImage image = QImage::fromData(r.body, "JPEG");
        if (image.isNull()) {
            *why = QStringLiteral("not a JPEG");
            return std::nullopt;
        }
        return image.pixel(image.width() / 2, image.height() / 2);
    }

private:
    static bool fail(QString *why, const QString &text) {
        *why = text;
        return false;
    }
};

// One tile over the given rectangle (mm) of the 2000 × 600 mm test wall.
inline QJsonObject oneTileLayout(const QString &name, const QString &background,
                                 const QJsonObject &tile) {
    return {{"schemaVersion", 1},
            {"kind", "opswall.layout"},
            {"name", name},
            {"background", background},
            {"tiles", QJsonArray{tile}}};
}

} // namespace nodetest
