#pragma once
// MapCredits: the boundary data's licence and attribution for the About view and the README,
// without needing a map on screen.   Text { text: MapCredits.attribution }

#include "maps/geolibrary.h"

#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace opswall::maps {

class MapCredits : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QString attribution READ attribution CONSTANT)
    Q_PROPERTY(QString licenseName READ licenseName CONSTANT)
    Q_PROPERTY(QString licenseUrl READ licenseUrl CONSTANT)

public:
    using QObject::QObject;
    QString attribution() const { return GeoLibrary::attribution(); }
    QString licenseName() const { return QStringLiteral("CC BY-SA 4.0"); }
    QString licenseUrl() const {
        return QStringLiteral("https://creativecommons.org/licenses/by-sa/4.0/");
    }
};

} // namespace opswall::maps
