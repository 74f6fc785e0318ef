# Common settings for every OpsWall target: warnings, QT_NO_KEYWORDS, -Werror under CI.
function(opswall_defaults target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                           -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused
                           -Woverloaded-virtual -Wimplicit-fallthrough)
    if(OPSWALL_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
  # GLib headers use "signals" as a name; Qt keywords must stay off everywhere.
  target_compile_definitions(${target} PUBLIC QT_NO_KEYWORDS)
endfunction()

# Adds a test executable and registers it with ctest under the given labels.
# opswall_add_test(NAME tst_x SOURCES a.cpp LIBS lib1 lib2 LABELS unit [TIMEOUT 60] [ENV K=V ...])
function(opswall_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT;WORKING_DIRECTORY" "SOURCES;LIBS;LABELS;ENV;ARGS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  opswall_defaults(${T_NAME})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} ${T_ARGS})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  if(NOT T_WORKING_DIRECTORY)
    set(T_WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
                       WORKING_DIRECTORY ${T_WORKING_DIRECTORY}
                       ENVIRONMENT "QT_QPA_PLATFORM=offscreen;OPSWALL_SOURCE_DIR=${PROJECT_SOURCE_DIR};OPSWALL_SHARED_DIR=${OPSWALL_SHARED_DIR};${T_ENV}")
endfunction()

# A fuzz target is a file defining LLVMFuzzerTestOneInput(const uint8_t*, size_t).
# With OPSWALL_FUZZ=ON (clang, preset "fuzz") it becomes a real libFuzzer binary.
# Otherwise it is linked with tests/support/fuzz_main.cpp, which replays every file of the seed
# corpus plus a bounded number of deterministic mutations of them, and runs as a ctest test
# labelled "fuzz" - so every fuzz target is compiled and exercised in every CI run.
# opswall_add_fuzzer(NAME fuzz_x SOURCES f.cpp LIBS lib CORPUS dir [RUNS 2000])
function(opswall_add_fuzzer)
  cmake_parse_arguments(F "" "NAME;CORPUS;RUNS" "SOURCES;LIBS" ${ARGN})
  if(NOT F_RUNS)
    set(F_RUNS 2000)
  endif()
  if(OPSWALL_FUZZ)
    add_executable(${F_NAME} ${F_SOURCES})
    target_compile_options(${F_NAME} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer,address,undefined)
  else()
    add_executable(${F_NAME} ${F_SOURCES} ${PROJECT_SOURCE_DIR}/tests/support/fuzz_main.cpp)
  endif()
  opswall_defaults(${F_NAME})
  target_link_libraries(${F_NAME} PRIVATE ${F_LIBS})
  if(NOT OPSWALL_FUZZ)
    add_test(NAME ${F_NAME} COMMAND ${F_NAME} ${F_CORPUS} ${F_RUNS})
    set_tests_properties(${F_NAME} PROPERTIES LABELS "fuzz;unit" TIMEOUT 120
                         ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
  endif()
endfunction()

# For qt_add_qml_module backing targets: qmlcachegen's generated C++ (compiled QML) shadows its
# own parameters, so -Wshadow is relaxed for these targets only.
function(opswall_qml_defaults target)
  opswall_defaults(${target})
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wno-shadow)
  endif()
endfunction()
