#pragma once
// A key's face as the app draws it (QImage/QPainter, the bundled Noto Sans so Vietnamese
// diacritics are right on every machine): the label, a thumbnail of the preset's tiles, and the
// state the wall is in - the active preset lit, the control lock held, the open alert count, the
// page shown. encodeKeyFace() turns the upright picture into what the model wants (JPEG or BMP,
// flipped or rotated as the model will undo).
#include "streamdeck.h"

#include <QByteArray>
#include <QImage>
#include <QList>
#include <QRectF>
#include <QSize>
#include <QString>

namespace opswall::panels {

struct KeyFace {
    enum class Kind {
        Invalid = 0,
        Empty,
        Preset,
        Briefing,
        Audio,
        Power,
        Alert,
        Lock,
        Page,
        Other
    };
    Kind kind = Kind::Empty;
    QString label;
    bool active = false;     // this preset is on the wall / this page is shown
    bool locked = false;     // the control lock is held (changes are held back)
    int alertCount = 0;      // open alerts (alert buttons)
    QList<QRectF> thumbnail; // the preset's tiles, in 0..1 of the canvas

    bool operator==(const KeyFace &o) const = default;
};

QImage renderKeyFace(const KeyFace &face, QSize size);
QByteArray encodeKeyFace(const QImage &upright, const drivers::streamdeck::Model &model);

} // namespace opswall::panels
