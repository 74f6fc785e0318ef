# Read by cpack (CPACK_PROJECT_CONFIG_FILE) once the package version is known, so a version given
# on cpack's command line (tools/package.sh --version) reaches the inter-package dependency.
if(CPACK_GENERATOR STREQUAL "DEB")
  set(CPACK_DEBIAN_DEMO_PACKAGE_DEPENDS
      "opswall (= ${CPACK_PACKAGE_VERSION}), ${CPACK_DEBIAN_DEMO_PACKAGE_DEPENDS}")
endif()
