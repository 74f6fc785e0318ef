#include "triangulate.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

namespace opswall::maps {

namespace {

struct Node {
    std::uint32_t i = 0;
    double x = 0, y = 0;
    Node *prev = nullptr, *next = nullptr;
    std::int32_t z = 0;
    Node *prevZ = nullptr, *nextZ = nullptr;
    bool steiner = false;
};

class Earcut {
public:
    std::vector<std::uint32_t> run(const std::vector<double> &coords,
                                   const std::vector<std::uint32_t> &holeStarts) {
        const std::uint32_t vertexCount = std::uint32_t(coords.size() / 2);
        if (vertexCount < 3)
            return {};
        m_coords = &coords;
        const std::uint32_t outerEnd = holeStarts.empty() ? vertexCount : holeStarts.front();
        Node *outer = linkedList(0, outerEnd, true);
        if (!outer || outer->next == outer->prev)
            return {};
        if (!holeStarts.empty())
            outer = eliminateHoles(holeStarts, vertexCount, outer);
        // Large rings: hash vertices on a z-order curve so ear tests only look nearby.
        if (vertexCount > 80) {
            double minX = coords[0], minY = coords[1], maxX = minX, maxY = minY;
            for (std::uint32_t k = 0; k < outerEnd; ++k) {
                minX = std::min(minX, coords[2 * k]);
                minY = std::min(minY, coords[2 * k + 1]);
                maxX = std::max(maxX, coords[2 * k]);
                maxY = std::max(maxY, coords[2 * k + 1]);
            }
            m_minX = minX;
            m_minY = minY;
            const double size = std::max(maxX - minX, maxY - minY);
            m_invSize = size != 0 ? 32767.0 / size : 0;
            m_hashed = true;
        }
        earcutLinked(outer, 0);
        return std::move(m_triangles);
    }

private:
    Node *newNode(std::uint32_t i, double x, double y) {
        m_pool.emplace_back();
        Node *n = &m_pool.back();
        n->i = i;
        n->x = x;
        n->y = y;
        return n;
    }

    Node *insertNode(std::uint32_t i, double x, double y, Node *last) {
        Node *p = newNode(i, x, y);
        if (!last) {
            p->prev = p;
            p->next = p;
        } else {
            p->next = last->next;
            p->prev = last;
            last->next->prev = p;
            last->next = p;
        }
        return p;
    }

    static void removeNode(Node *p) {
        p->next->prev = p->prev;
        p->prev->next = p->next;
        if (p->prevZ)
            p->prevZ->nextZ = p->nextZ;
        if (p->nextZ)
            p->nextZ->prevZ = p->prevZ;
    }

    double ringArea(std::uint32_t start, std::uint32_t end) const {
        const std::vector<double> &c = *m_coords;
        double sum = 0;
        for (std::uint32_t i = start, j = end - 1; i < end; j = i++)
            sum += (c[2 * j] - c[2 * i]) * (c[2 * i + 1] + c[2 * j + 1]);
        return sum;
    }

    // Circular doubly linked list in the wanted winding (outer: clockwise in earcut's sense).
    Node *linkedList(std::uint32_t start, std::uint32_t end, bool clockwise) {
        const std::vector<double> &c = *m_coords;
        Node *last = nullptr;
        if (clockwise == (ringArea(start, end) > 0)) {
            for (std::uint32_t i = start; i < end; ++i)
                last = insertNode(i, c[2 * i], c[2 * i + 1], last);
        } else {
            for (std::uint32_t i = end; i-- > start;)
                last = insertNode(i, c[2 * i], c[2 * i + 1], last);
        }
        if (last && equals(last, last->next)) {
            removeNode(last);
            last = last->next;
        }
        return last;
    }

    static bool equals(const Node *a, const Node *b) { return a->x == b->x && a->y == b->y; }

    static double area(const Node *p, const Node *q, const Node *r) {
        return (q->y - p->y) * (r->x - q->x) - (q->x - p->x) * (r->y - q->y);
    }

    static bool pointInTriangle(double ax, double ay, double bx, double by, double cx, double cy,
                                double px, double py) {
        return (cx - px) * (ay - py) >= (ax - px) * (cy - py) &&
               (ax - px) * (by - py) >= (bx - px) * (ay - py) &&
               (bx - px) * (cy - py) >= (cx - px) * (by - py);
    }

    static int sign(double v) { return (v > 0) - (v < 0); }

    static bool onSegment(const Node *p, const Node *q, const Node *r) {
        return q->x <= std::max(p->x, r->x) && q->x >= std::min(p->x, r->x) &&
               q->y <= std::max(p->y, r->y) && q->y >= std::min(p->y, r->y);
    }

    static bool intersects(const Node *p1, const Node *q1, const Node *p2, const Node *q2) {
        const int o1 = sign(area(p1, q1, p2)), o2 = sign(area(p1, q1, q2));
        const int o3 = sign(area(p2, q2, p1)), o4 = sign(area(p2, q2, q1));
        if (o1 != o2 && o3 != o4)
            return true;
        if (o1 == 0 && onSegment(p1, p2, q1))
            return true;
        if (o2 == 0 && onSegment(p1, q2, q1))
            return true;
        if (o3 == 0 && onSegment(p2, p1, q2))
            return true;
        if (o4 == 0 && onSegment(p2, q1, q2))
            return true;
        return false;
    }

    static bool intersectsPolygon(const Node *a, const Node *b) {
        const Node *p = a;
        do {
            if (p->i != a->i && p->next->i != a->i && p->i != b->i && p->next->i != b->i &&
                intersects(p, p->next, a, b))
                return true;
            p = p->next;
        } while (p != a);
        return false;
    }

    static bool locallyInside(const Node *a, const Node *b) {
        return area(a->prev, a, a->next) < 0 ? area(a, b, a->next) >= 0 && area(a, a->prev, b) >= 0
                                             : area(a, b, a->prev) < 0 || area(a, a->next, b) < 0;
    }

    static bool middleInside(const Node *a, const Node *b) {
        const Node *p = a;
        bool inside = false;
        const double px = (a->x + b->x) / 2, py = (a->y + b->y) / 2;
        do {
            if (((p->y > py) != (p->next->y > py)) && p->next->y != p->y &&
                (px < (p->next->x - p->x) * (py - p->y) / (p->next->y - p->y) + p->x))
                inside = !inside;
            p = p->next;
        } while (p != a);
        return inside;
    }

    static bool isValidDiagonal(const Node *a, const Node *b) {
        return a->next->i != b->i && a->prev->i != b->i && !intersectsPolygon(a, b) &&
               ((locallyInside(a, b) && locallyInside(b, a) && middleInside(a, b) &&
                 (area(a->prev, a, b->prev) != 0 || area(a, b->prev, b) != 0)) ||
                (equals(a, b) && area(a->prev, a, a->next) > 0 && area(b->prev, b, b->next) > 0));
    }

    Node *filterPoints(Node *start, Node *end = nullptr) {
        if (!start)
            return start;
        if (!end)
            end = start;
        Node *p = start;
        bool again;
        do {
            again = false;
            if (!p->steiner && (equals(p, p->next) || area(p->prev, p, p->next) == 0)) {
                removeNode(p);
                p = end = p->prev;
                if (p == p->next)
                    break;
                again = true;
            } else {
                p = p->next;
            }
        } while (again || p != end);
        return end;
    }

    std::int32_t zOrder(double x, double y) const {
        auto spread = [](std::uint32_t v) {
            v = (v | (v << 8)) & 0x00FF00FF;
            v = (v | (v << 4)) & 0x0F0F0F0F;
            v = (v | (v << 2)) & 0x33333333;
            v = (v | (v << 1)) & 0x55555555;
            return v;
        };
        const std::uint32_t ix = std::uint32_t(std::clamp((x - m_minX) * m_invSize, 0.0, 32767.0));
        const std::uint32_t iy = std::uint32_t(std::clamp((y - m_minY) * m_invSize, 0.0, 32767.0));
        return std::int32_t(spread(ix) | (spread(iy) << 1));
    }

    void indexCurve(Node *start) {
        Node *p = start;
        do {
            if (p->z == 0)
                p->z = zOrder(p->x, p->y);
            p->prevZ = p->prev;
            p->nextZ = p->next;
            p = p->next;
        } while (p != start);
        p->prevZ->nextZ = nullptr;
        p->prevZ = nullptr;
        sortLinked(p);
    }

    // Linked-list merge sort on z (Simon Tatham's algorithm).
    static Node *sortLinked(Node *list) {
        int inSize = 1, numMerges;
        do {
            Node *p = list, *tail = nullptr;
            list = nullptr;
            numMerges = 0;
            while (p) {
                ++numMerges;
                Node *q = p;
                int pSize = 0;
                for (int k = 0; k < inSize && q; ++k) {
                    ++pSize;
                    q = q->nextZ;
                }
                int qSize = inSize;
                while (pSize > 0 || (qSize > 0 && q)) {
                    Node *e;
                    if (pSize != 0 && (qSize == 0 || !q || p->z <= q->z)) {
                        e = p;
                        p = p->nextZ;
                        --pSize;
                    } else {
                        e = q;
                        q = q->nextZ;
                        --qSize;
                    }
                    if (tail)
                        tail->nextZ = e;
                    else
                        list = e;
                    e->prevZ = tail;
                    tail = e;
                }
                p = q;
            }
            if (tail)
                tail->nextZ = nullptr;
            inSize *= 2;
        } while (numMerges > 1);
        return list;
    }

    bool isEar(const Node *ear) const {
        const Node *a = ear->prev, *b = ear, *c = ear->next;
        if (area(a, b, c) >= 0)
            return false; // reflex
        const Node *p = ear->next->next;
        while (p != ear->prev) {
            if (pointInTriangle(a->x, a->y, b->x, b->y, c->x, c->y, p->x, p->y) &&
                area(p->prev, p, p->next) >= 0)
                return false;
            p = p->next;
        }
        return true;
    }

    bool isEarHashed(const Node *ear) const {
        const Node *a = ear->prev, *b = ear, *c = ear->next;
        if (area(a, b, c) >= 0)
            return false;
        const double minTX = std::min({a->x, b->x, c->x}), minTY = std::min({a->y, b->y, c->y});
        const double maxTX = std::max({a->x, b->x, c->x}), maxTY = std::max({a->y, b->y, c->y});
        const std::int32_t minZ = zOrder(minTX, minTY), maxZ = zOrder(maxTX, maxTY);
        const Node *p = ear->prevZ, *n = ear->nextZ;
        auto blocks = [&](const Node *q) {
            return q != ear->prev && q != ear->next &&
                   pointInTriangle(a->x, a->y, b->x, b->y, c->x, c->y, q->x, q->y) &&
                   area(q->prev, q, q->next) >= 0;
        };
        while (p && p->z >= minZ && n && n->z <= maxZ) {
            if (blocks(p) || blocks(n))
                return false;
            p = p->prevZ;
            n = n->nextZ;
        }
        while (p && p->z >= minZ) {
            if (blocks(p))
                return false;
            p = p->prevZ;
        }
        while (n && n->z <= maxZ) {
            if (blocks(n))
                return false;
            n = n->nextZ;
        }
        return true;
    }

    void earcutLinked(Node *ear, int pass) {
        if (!ear)
            return;
        if (pass == 0 && m_hashed)
            indexCurve(ear);
        Node *stop = ear;
        while (ear->prev != ear->next) {
            Node *prev = ear->prev, *next = ear->next;
            if (m_hashed ? isEarHashed(ear) : isEar(ear)) {
                m_triangles.insert(m_triangles.end(), {prev->i, ear->i, next->i});
                removeNode(ear);
                ear = next->next;
                stop = next->next;
                continue;
            }
            ear = next;
            if (ear == stop) {
                // No ear found in a full turn: filter degenerate points, then cure local
                // self-intersections, then split the polygon in two.
                if (pass == 0) {
                    earcutLinked(filterPoints(ear), 1);
                } else if (pass == 1) {
                    ear = cureLocalIntersections(filterPoints(ear));
                    earcutLinked(ear, 2);
                } else if (pass == 2) {
                    splitEarcut(ear);
                }
                break;
            }
        }
    }

    Node *cureLocalIntersections(Node *start) {
        Node *p = start;
        do {
            Node *a = p->prev, *b = p->next->next;
            if (!equals(a, b) && intersects(a, p, p->next, b) && locallyInside(a, b) &&
                locallyInside(b, a)) {
                m_triangles.insert(m_triangles.end(), {a->i, p->i, b->i});
                removeNode(p);
                removeNode(p->next);
                p = start = b;
            }
            p = p->next;
        } while (p != start);
        return filterPoints(p);
    }

    void splitEarcut(Node *start) {
        Node *a = start;
        do {
            Node *b = a->next->next;
            while (b != a->prev) {
                if (a->i != b->i && isValidDiagonal(a, b)) {
                    Node *c = splitPolygon(a, b);
                    a = filterPoints(a, a->next);
                    c = filterPoints(c, c->next);
                    earcutLinked(a, 0);
                    earcutLinked(c, 0);
                    return;
                }
                b = b->next;
            }
            a = a->next;
        } while (a != start);
    }

    Node *splitPolygon(Node *a, Node *b) {
        Node *a2 = newNode(a->i, a->x, a->y);
        Node *b2 = newNode(b->i, b->x, b->y);
        Node *an = a->next, *bp = b->prev;
        a->next = b;
        b->prev = a;
        a2->next = an;
        an->prev = a2;
        b2->next = a2;
        a2->prev = b2;
        bp->next = b2;
        b2->prev = bp;
        return b2;
    }

    Node *eliminateHoles(const std::vector<std::uint32_t> &holeStarts, std::uint32_t vertexCount,
                         Node *outer) {
        std::vector<Node *> queue;
        for (std::size_t k = 0; k < holeStarts.size(); ++k) {
            const std::uint32_t start = holeStarts[k];
            const std::uint32_t end = k + 1 < holeStarts.size() ? holeStarts[k + 1] : vertexCount;
            if (end <= start + 2)
                continue;
            Node *list = linkedList(start, end, false);
            if (!list)
                continue;
            if (list == list->next)
                list->steiner = true;
            queue.push_back(leftmost(list));
        }
        std::sort(queue.begin(), queue.end(), [](const Node *a, const Node *b) {
            return a->x != b->x ? a->x < b->x : a->y < b->y;
        });
        for (Node *hole : queue)
            outer = eliminateHole(hole, outer);
        return outer;
    }

    Node *eliminateHole(Node *hole, Node *outer) {
        Node *bridge = findHoleBridge(hole, outer);
        if (!bridge)
            return outer;
        Node *reverse = splitPolygon(bridge, hole);
        filterPoints(reverse, reverse->next);
        return filterPoints(bridge, bridge->next);
    }

    // David Eberly's algorithm: a visible outer vertex to connect the hole's leftmost point to.
    Node *findHoleBridge(Node *hole, Node *outer) {
        Node *p = outer;
        const double hx = hole->x, hy = hole->y;
        double qx = -std::numeric_limits<double>::infinity();
        Node *m = nullptr;
        do {
            if (hy <= p->y && hy >= p->next->y && p->next->y != p->y) {
                const double x = p->x + (hy - p->y) * (p->next->x - p->x) / (p->next->y - p->y);
                if (x <= hx && x > qx) {
                    qx = x;
                    m = p->x < p->next->x ? p : p->next;
                    if (x == hx)
                        return m;
                }
            }
            p = p->next;
        } while (p != outer);
        if (!m)
            return nullptr;
        const Node *stop = m;
        const double mx = m->x, my = m->y;
        double tanMin = std::numeric_limits<double>::infinity();
        p = m;
        do {
            if (hx >= p->x && p->x >= mx && hx != p->x &&
                pointInTriangle(hy < my ? hx : qx, hy, mx, my, hy < my ? qx : hx, hy, p->x, p->y)) {
                const double tanCur = std::abs(hy - p->y) / (hx - p->x);
                if (locallyInside(p, hole) &&
                    (tanCur < tanMin ||
                     (tanCur == tanMin &&
                      (p->x > m->x || (p->x == m->x && sectorContainsSector(m, p)))))) {
                    m = p;
                    tanMin = tanCur;
                }
            }
            p = p->next;
        } while (p != stop);
        return m;
    }

    static bool sectorContainsSector(const Node *m, const Node *p) {
        return area(m->prev, m, p->prev) < 0 && area(p->next, m, m->next) < 0;
    }

    static Node *leftmost(Node *start) {
        Node *p = start, *left = start;
        do {
            if (p->x < left->x || (p->x == left->x && p->y < left->y))
                left = p;
            p = p->next;
        } while (p != start);
        return left;
    }

    const std::vector<double> *m_coords = nullptr;
    std::deque<Node> m_pool; // stable addresses
    std::vector<std::uint32_t> m_triangles;
    bool m_hashed = false;
    double m_minX = 0, m_minY = 0, m_invSize = 0;
};

} // namespace

std::vector<std::uint32_t> earcut(const std::vector<double> &coords,
                                  const std::vector<std::uint32_t> &holeStarts) {
    return Earcut().run(coords, holeStarts);
}

double FeatureMesh::triangleArea() const {
    double sum = 0;
    for (qsizetype t = 0; t + 2 < indices.size(); t += 3) {
        const QPointF a = vertices[indices[t]], b = vertices[indices[t + 1]],
                      c = vertices[indices[t + 2]];
        sum += std::abs((b.x() - a.x()) * (c.y() - a.y()) - (c.x() - a.x()) * (b.y() - a.y())) / 2;
    }
    return sum;
}

FeatureMesh triangulate(const Feature &feature) {
    FeatureMesh mesh;
    for (const Polygon &polygon : feature.polygons) {
        std::vector<double> coords;
        std::vector<std::uint32_t> holes;
        auto add = [&](const Ring &ring) {
            for (const QPointF &p : ring) {
                coords.push_back(p.x());
                coords.push_back(p.y());
            }
        };
        add(polygon.outer);
        for (const Ring &hole : polygon.holes) {
            holes.push_back(std::uint32_t(coords.size() / 2));
            add(hole);
        }
        const std::uint32_t base = std::uint32_t(mesh.vertices.size());
        for (std::size_t k = 0; k + 1 < coords.size(); k += 2)
            mesh.vertices.append(QPointF(coords[k], coords[k + 1]));
        for (std::uint32_t index : earcut(coords, holes))
            mesh.indices.append(base + index);
    }
    return mesh;
}

QList<FeatureMesh> triangulate(const FeatureSet &set) {
    QList<FeatureMesh> meshes;
    meshes.reserve(set.features.size());
    for (const Feature &feature : set.features)
        meshes.append(triangulate(feature));
    return meshes;
}

} // namespace opswall::maps
