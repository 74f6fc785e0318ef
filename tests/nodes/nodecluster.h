// A controller for the render-node tests that need the real API: its process, its admin token, a
// node token made with wallctl, the API, nodes started against it. Where the processes live is
// `net` (nodenetwork.h): each process on its own loopback address (API 127.0.0.1, node link
// 127.0.0.2, nodes 127.0.0.3, .4, ...), unless the test gives each node a network namespace with
// net.setUp() before start(): then the node link and the API are TLS with its certificate.
#pragma once

#include "control/apiclient.h"
#include "nodelayouts.h"
#include "nodenetwork.h"
#include "nodeprocess.h"

#include <QFile>
#include <QHash>
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
    NodeNetwork net;
    Process controller{QStringLiteral("controller")};
    quint16 apiPort = 0;
    quint16 nodePort = 0;
    QString admin;
    QString nodeTokenFile;
    // Where nodes link when the controller is lost (a hot standby's --node-listen), if set.
    QString fallbackLink;

    // Starts the controller with the test wall (or wallFile, and more arguments, also on every
    // restart) and makes a node token; false with *why.
    bool start(QString *why, const QString &wallFile = QStringLiteral(NODES_WALL),
               const QStringList &more = {}) {
        m_wall = wallFile;
        m_more = more;
        apiPort = testports::freePortPair();
        nodePort = testports::freePort();
        if (!dir.isValid() || !apiPort || !nodePort)
            return fail(why, QStringLiteral("no temporary folder or free port"));
        const QString config = dir.filePath(QStringLiteral("api.json"));
        QFile c(config);
        if (!c.open(QIODevice::WriteOnly))
            return fail(why, QStringLiteral("cannot write %1").arg(config));
        // The nodes' reports are polled through health (recalls wait for their switch time): the
        // per-token rate limit is raised so that the poll measures the nodes, not the limit
        // (429s were read as "no node reported").
        QJsonObject apiConfig{
            {"requestTimeoutMs", 10000}, {"rateBurst", 2000}, {"ratePerSecond", 1000}};
        if (net.namespaces()) { // the node link is off loopback: TLS, with the API's certificate
            apiConfig.insert("tlsCert", net.certFile());
            apiConfig.insert("tlsKey", net.keyFile());
        }
        c.write(QJsonDocument(apiConfig).toJson());
        c.close();
        const QString tokenFile = dir.filePath(QStringLiteral("admin-token"));
        startController();
        if (!QTest::qWaitFor([&] { return QFile::exists(tokenFile); }, 30000) ||
            !QTest::qWaitFor(
                [&] {
                    return controller.log.contains("render nodes connect on " +
                                                   nodeLink().toLatin1());
                },
                30000))
            return fail(why, QStringLiteral("the controller did not start"));
        QFile f(tokenFile);
        if (!f.open(QIODevice::ReadOnly))
            return fail(why, QStringLiteral("no admin token"));
        admin = QString::fromUtf8(f.readAll()).trimmed();
        // A node token, made as an admin makes one: with wallctl.
        QProcess wallctl;
        wallctl.start(QStringLiteral(WALLCTL_PATH),
                      QStringList{QStringLiteral("token"), QStringLiteral("create"),
                                  QStringLiteral("--role"), QStringLiteral("node"),
                                  QStringLiteral("--name"), QStringLiteral("nodes"),
                                  QStringLiteral("--json"), QStringLiteral("--token"), admin} +
                          wallctlTarget());
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

    // The controller's process (again), with start()'s wall and arguments, then more (a later
    // --wall replaces the first).
    void startController(const QStringList &more = {}) {
        controller.start(
            QStringList{
                QStringLiteral("--role"), QStringLiteral("controller"),
                QStringLiteral("--node-listen"), nodeLink(), QStringLiteral("--wall"), m_wall,
                QStringLiteral("--db"), dir.filePath(QStringLiteral("controller.db")),
                QStringLiteral("--api"), QStringLiteral("127.0.0.1:%1").arg(apiPort),
                QStringLiteral("--api-config"), dir.filePath(QStringLiteral("api.json")),
                QStringLiteral("--admin-token-file"), dir.filePath(QStringLiteral("admin-token")),
                QStringLiteral("--lang"), QStringLiteral("en"), QStringLiteral("-platform"),
                QStringLiteral("offscreen")} +
            m_more + more);
    }

    QString apiUrl() const {
        return QStringLiteral("%1://127.0.0.1:%2")
            .arg(net.namespaces() ? QStringLiteral("https") : QStringLiteral("http"))
            .arg(apiPort);
    }
    QString nodeLink() const {
        return QStringLiteral("%1:%2").arg(net.controllerHost()).arg(nodePort);
    }
    // wallctl's --url and, with TLS, --cacert.
    QStringList wallctlTarget() const {
        QStringList args{QStringLiteral("--url"), apiUrl()};
        if (net.namespaces())
            args << QStringLiteral("--cacert") << net.certFile();
        return args;
    }

    opswall::control::ApiResponse api(const QByteArray &method, const QString &path,
                                      const QJsonObject &body = {}, const QString &token = {}) {
        opswall::control::ClientSettings s;
        s.baseUrl = apiUrl();
        s.caCertFile = net.certFile(); // the API speaks TLS with the link's certificate
        s.token = token.isEmpty() ? admin : token;
        s.timeoutMs = 15000;
        opswall::control::ApiClient client(s);
        return client.request(method, path, body);
    }

    static QJsonObject json(const opswall::control::ApiResponse &r) {
        return QJsonDocument::fromJson(r.body).object();
    }

    QJsonObject health() { return json(api("GET", QStringLiteral("/health"))); }

    QJsonObject nodeHealth(const QString &id) {
        const QJsonArray nodes = health()["nodes"].toArray();
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

    // True once node-a and node-b both report live revision `revision` (30 s at most).
    bool bothShow(quint64 revision) {
        return QTest::qWaitFor(
            [&] {
                for (const QString &id : {QStringLiteral("node-a"), QStringLiteral("node-b")})
                    if (quint64(nodeHealth(id)["revision"].toInteger()) != revision)
                        return false;
                return true;
            },
            30000);
    }

    // Both node-a and node-b report a skew for the one stream they show, `stream` (60 s at most).
    bool bothShowOnly(const QString &stream) {
        return QTest::qWaitFor(
            [&] {
                const QJsonObject a = nodeHealth(QStringLiteral("node-a"));
                const QJsonObject b = nodeHealth(QStringLiteral("node-b"));
                return a["skewMs"].isDouble() && b["skewMs"].isDouble() &&
                       streamsOf(a) == QStringList{stream} && streamsOf(b) == QStringList{stream};
            },
            60000);
    }

    // A node's skewMs from health every 500 ms, `count` times (where it has one).
    QList<double> skewSamples(int count, const QString &node = QStringLiteral("node-a")) {
        QList<double> skews;
        for (int i = 0; i < count; ++i) {
            const QJsonObject n = nodeHealth(node);
            if (n["skewMs"].isDouble())
                skews.append(n["skewMs"].toDouble());
            QTest::qWait(500);
        }
        return skews;
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

    // Defines a video source ({"id", "name", "kind", "uri"}) through the API; empty when it was
    // taken, else the HTTP status and body.
    QString addSource(const QJsonObject &source) {
        const auto r = api("POST", QStringLiteral("/sources"), {{"source", source}});
        return r.status == 201 || r.status == 200
                   ? QString()
                   : QStringLiteral("HTTP %1: %2").arg(r.status).arg(QString::fromUtf8(r.body));
    }

    // A file source `id` (the clip at path, which every node reads at the same path).
    QString addFile(const QString &id, const QString &path) {
        return addSource({{"id", id}, {"name", id}, {"kind", "file"}, {"uri", path}});
    }

    // True once the node runs its video on the controller's shared clock (its log; 60 s at most).
    static bool onSharedClock(const Process &node) {
        return QTest::qWaitFor(
            [&] { return node.log.contains("video on the controller's clock at 127.0.0.2:"); },
            60000);
    }

    // Saves a layout as a preset; its id (0 on failure).
    int savePreset(const QString &name, const QJsonObject &layout) {
        const auto r =
            api("POST", QStringLiteral("/layouts"), {{"name", name}, {"layout", layout}});
        return r.status == 201 ? json(r)["id"].toInt() : 0;
    }

    // start() with the test wall, then saveColourPresets() (red and blue); false with *why.
    bool startWithColourPresets(QHash<QString, int> *presets, QString *why) {
        if (!start(why))
            return false;
        *presets = saveColourPresets();
        return presets->values().contains(0) ? fail(why, QStringLiteral("a preset was not saved"))
                                             : true;
    }

    // A preset of one colour over the whole wall per {name, colour} (by default "red" and
    // "blue"): name -> its id (0 when it was not saved).
    QHash<QString, int>
    saveColourPresets(const QList<std::pair<QString, QString>> &presets = {
                          {QStringLiteral("red"), QStringLiteral("#d02020")},
                          {QStringLiteral("blue"), QStringLiteral("#2040d0")}}) {
        QHash<QString, int> ids;
        for (const auto &[name, colour] : presets)
            ids.insert(name, savePreset(name, colourLayout(name, colour)));
        return ids;
    }

    // A node: in its own network namespace, or from its own loopback address (nodenetwork.h).
    void startNode(std::unique_ptr<Process> &node, const QString &id, const QString &outputs,
                   const QString &tokenFile, const QStringList &more = {}) {
        if (!node)
            node = std::make_unique<Process>(QStringLiteral("node ") + id);
        QStringList args{QStringLiteral("--role"),
                         QStringLiteral("node"),
                         QStringLiteral("--controller"),
                         fallbackLink.isEmpty() ? nodeLink() : nodeLink() + u',' + fallbackLink,
                         QStringLiteral("--outputs"),
                         outputs,
                         QStringLiteral("--token-file"),
                         tokenFile,
                         QStringLiteral("--node-id"),
                         id,
                         QStringLiteral("--db"),
                         dir.filePath(id + QStringLiteral(".db")),
                         QStringLiteral("--lang"),
                         QStringLiteral("en"),
                         QStringLiteral("-platform"),
                         QStringLiteral("offscreen")};
        if (const QString from = net.nodeAddress(id); !from.isEmpty())
            args << QStringLiteral("--node-address") << from;
        if (net.namespaces())
            args << QStringLiteral("--controller-ca") << net.certFile();
        node->startWith(net.prefix(id), args + more);
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
    QString m_wall;
    QStringList m_more;
};

// A video tile `id` showing source `source` (stretched, no frame) over the rectangle (mm).
inline QJsonObject videoTile(const QString &id, const QString &source, int xMm, int yMm,
                             int widthMm, int heightMm) {
    return {{"id", id},
            {"kind", "video"},
            {"title", ""},
            {"frame", false},
            {"rect", QJsonObject{{"x", xMm}, {"y", yMm}, {"width", widthMm}, {"height", heightMm}}},
            {"z", 0},
            {"binding", QJsonObject{{"source", source}, {"fill", "stretch"}}}};
}

// An H.264 clip at 30 fps (a keyframe each second) of `frames` frames in a Matroska file, made
// by gst-launch-1.0; false when it could not be made.
inline bool makeClip(const QString &path, int frames, int width, int height) {
    return QProcess::execute(QStringLiteral("gst-launch-1.0"),
                             {QStringLiteral("-q"), QStringLiteral("videotestsrc"),
                              QStringLiteral("num-buffers=%1").arg(frames), QStringLiteral("!"),
                              QStringLiteral("video/x-raw,width=%1,height=%2,framerate=30/1")
                                  .arg(width)
                                  .arg(height),
                              QStringLiteral("!"), QStringLiteral("x264enc"),
                              QStringLiteral("key-int-max=30"), QStringLiteral("!"),
                              QStringLiteral("matroskamux"), QStringLiteral("!"),
                              QStringLiteral("filesink"), QStringLiteral("location=") + path}) == 0;
}

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
