#!/usr/bin/env python3
"""lint_package_depends: what the wall loads at run time is in the opswall package's Depends.

shlibdeps sees the shared libraries; it cannot see the QML modules the QML imports, nor the
GStreamer plug-ins found by element name. This reads both from the source (every `import` of the
QML files, the element table of app/video/gstsupport.cpp with each element's Debian package) and
fails when packaging/CMakeLists.txt does not list the package, so a missing plug-in is found here
rather than on the wall.
"""
import pathlib
import re
import sys

src = pathlib.Path(sys.argv[1])
packaging = (src / "packaging/CMakeLists.txt").read_text()
depends = set()
for var in ("OPSWALL_QML_DEPENDS", "OPSWALL_GST_DEPENDS", "OPSWALL_RUNTIME_DEPENDS"):
    m = re.search(r"set\(" + var + r"\s+([^)]*)\)", packaging)
    if not m:
        sys.exit(f"packaging/CMakeLists.txt: no set({var} ...)")
    depends.update(w for w in m.group(1).split() if not w.startswith("$"))

# Qt's QML modules and the Debian package of each. An import not here fails the check: add it
# here and to OPSWALL_QML_DEPENDS.
qml_packages = {
    "QtQuick": "qml6-module-qtquick",
    "QtQuick.Controls": "qml6-module-qtquick-controls",
    "QtQuick.Layouts": "qml6-module-qtquick-layouts",
    "QtQuick.Window": "qml6-module-qtquick-window",
    "QtQuick.Shapes": "qml6-module-qtquick-shapes",
    "QtQml": "qml6-module-qtqml",
    "QtQml.Models": "qml6-module-qtqml-models",
    "QtCharts": "qml6-module-qtcharts",
}
problems = []
imports = set()
for qml in list((src / "qml").rglob("*.qml")) + list((src / "app").rglob("*.qml")):
    for line in qml.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*import\s+([A-Za-z][\w.]*)", line)
        if m and not m.group(1).startswith("OpsWall"):
            imports.add((m.group(1), qml.relative_to(src)))
for module, where in sorted(imports):
    package = qml_packages.get(module)
    if package is None:
        problems.append(f"{where}: import {module}: which Debian package? (add it to this map)")
    elif package not in depends:
        problems.append(f"{where}: import {module} needs {package} in OPSWALL_QML_DEPENDS")

table = (src / "app/video/gstsupport.cpp").read_text()
elements = re.findall(r'\{"([\w-]+)",\s*"([\w.+-]+)",\s*(nullptr|"[^"]*")\}', table)
if len(elements) < 10:
    problems.append(f"app/video/gstsupport.cpp: only {len(elements)} elements read from its table")
for element, package, _ in elements:
    if package == "libgstreamer1.0-0":  # the core library: shlibdeps finds it
        continue
    if package not in depends:
        problems.append(f"GStreamer element {element} needs {package} in OPSWALL_GST_DEPENDS")

print(f"{len(imports)} QML imports, {len(elements)} GStreamer elements, {len(depends)} packages")
for p in problems:
    print("lint_package_depends:", p)
sys.exit(1 if problems else 0)
