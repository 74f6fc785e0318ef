# ctest starts the tests that take longest first when it knows their times: from the last run's
# Testing/Temporary/CTestCostData.txt, or, on a clean clone (CI), from the COST property. Without
# either the long ones may start last and run alone at the end (about 85 s of the 2-core CI run).
# Seconds each took in a whole `ctest --preset ci` (-j2) on the 2-core CI machine; only the order
# matters, so refresh when a test's time changes a lot. Tests of 8 s or more; the rest cost 0.
set(OPSWALL_TEST_COSTS
    tst_nodes_skew 81 tst_app_watchdog 62 tst_rendering_opengl 53
    tst_nodes_sync 51 tst_killsave 50 tst_console_shift 50 tst_app_store_reads 47
    tst_video_rebuild 45 tst_briefing_app 44 tst_nodes_liveness 41
    tst_app_attacks_store 38 tst_calibration_service 37 tst_rendering 37 tst_video_glsync 32
    tst_app_store_thread 28 tst_app_store_refused 28 tst_nodes_gl 28 tst_briefing_alert 28
    tst_nodes_skewalone 26 tst_video_livehls 24 tst_nodes_livehls 24 tst_nodes_videosync 23
    tst_calibration_lg_pjlink 22 tst_video_kinds 21 tst_rendering_basic 20 tst_app_store_startup 20
    tst_console_briefing 18 tst_video_tile_opengl 18 tst_devices_reconcile 18
    tst_app_attacks_api 18 tst_nodes_series 16 tst_app_calibration 14 tst_app_metrics 14
    tst_nodes 13 tst_nodes_fence 13 tst_console_qml 13 tst_app_contract 12 tst_panels_devices 10
    tst_nodes_loopback 9 tst_nodes_heartbeat 9 tst_app_api 9)

# Sets COST on those of the table that the calling directory defines (a test's properties can
# only be set where it is added): call it at the end of a tests/ folder's CMakeLists.txt.
function(opswall_test_costs)
  set(_costs ${OPSWALL_TEST_COSTS})
  while(_costs)
    list(POP_FRONT _costs _name _cost)
    if(TEST ${_name})
      set_tests_properties(${_name} PROPERTIES COST ${_cost})
    endif()
  endwhile()
endfunction()
