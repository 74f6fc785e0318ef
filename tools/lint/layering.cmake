# The layering of DESIGN.md, checked on the sources: app/wall (the wall model, live state and the
# dispatcher) never includes app/store; the store implements the wall's interfaces
# (wall/layoutstore.h, wall/actionstore.h) instead. Run: cmake -DSOURCE_DIR=<repo> -P layering.cmake
# Fails, naming each file and line, when a header or source of app/wall includes "store/...".
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "layering.cmake: pass -DSOURCE_DIR=<the repository>")
endif()
file(GLOB_RECURSE wall_files "${SOURCE_DIR}/app/wall/*.h" "${SOURCE_DIR}/app/wall/*.cpp")
if(NOT wall_files)
  message(FATAL_ERROR "layering.cmake: no sources under ${SOURCE_DIR}/app/wall")
endif()
set(offences "")
foreach(f IN LISTS wall_files)
  file(STRINGS "${f}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](\\.\\./)*(app/)?store/")
  foreach(line IN LISTS lines)
    file(RELATIVE_PATH rel "${SOURCE_DIR}" "${f}")
    string(APPEND offences "\n  ${rel}: ${line}")
  endforeach()
endforeach()
if(offences)
  message(FATAL_ERROR "app/wall must not include app/store (DESIGN.md layering; use "
                      "wall/actionstore.h, implemented in app/store):${offences}")
endif()
list(LENGTH wall_files n)
message(STATUS "layering: ${n} files of app/wall include nothing of app/store")
