#pragma once
// A real control server on loopback, in-process, over a temporary SQLite file and a FakeSink.

#include "contract.h"
#include "fakesink.h"

#include "control/apiclient.h"
#include "control/apiserver.h"
#include "control/controlservice.h"
#include "store/database.h"

#include <QTemporaryDir>

#include <map>
#include <memory>

struct TestServer {
    explicit TestServer(opswall::control::ServerConfig cfg = defaultConfig()) {
        dbPath = dir.path() + QStringLiteral("/wall.db");
        db = std::make_unique<opswall::store::Database>(dbPath);
        service = std::make_unique<opswall::control::ControlService>(*db, &sink);
        sink.control = service.get();
        server = std::make_unique<opswall::control::ControlServer>(cfg, service.get());
        ok = server->start(&error);
        for (opswall::Role r : opswall::contract::kRoles) // a token of every role
            tokens[r] =
                service->tokens().create(opswall::roleName(r) + QStringLiteral("-1"), r)->token;
    }
    ~TestServer() { server->stop(); }

    static opswall::control::ServerConfig defaultConfig() {
        opswall::control::ServerConfig c;
        c.port = 0;
        c.lineEnabled = true;
        c.linePort = 0;
        c.requestTimeoutMs = 600;
        c.actionTimeoutMs = 1500;
        c.rateBurst = 1000;
        c.ratePerSecond = 1000;
        return c;
    }

    opswall::control::ApiClient client(opswall::Role role) const {
        opswall::control::ClientSettings s;
        s.baseUrl = server->baseUrl();
        s.token = role == opswall::Role::Invalid ? QString() : tokens.at(role);
        s.timeoutMs = 5000;
        return opswall::control::ApiClient(s);
    }

    QTemporaryDir dir;
    QString dbPath;
    FakeSink sink;
    std::unique_ptr<opswall::store::Database> db;
    std::unique_ptr<opswall::control::ControlService> service;
    std::unique_ptr<opswall::control::ControlServer> server;
    std::map<opswall::Role, QString> tokens;
    bool ok = false;
    QString error;
};
