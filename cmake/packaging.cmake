# CPack: a Debian package of everything `cmake --install` installs (cmake/install.cmake), built by
# scripts/package (`cpack -G DEB` in the release build). Included by the top-level CMakeLists.txt.
#
# The package installs under /usr whatever CMAKE_INSTALL_PREFIX the build was configured with.
# CPack's DEB generator installs with CMAKE_INSTALL_PREFIX=/usr under a DESTDIR (its staging
# directory), so the user unit's ExecStart=, generated at install time from the prefix, is
# /usr/bin/vhtaskd (scripts/package --install-check checks it).

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME vhtask)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "vhtask maintainers <vhtask@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "local task runner for hyperparameter searches over valohai.yaml steps")
set(CPACK_PACKAGE_DESCRIPTION
    "vhtask runs a valohai.yaml step over a parameter search (grid or random) on one machine. \
A per-user daemon, vhtaskd, expands the search, runs the executions under concurrency limits \
and keeps their history in SQLite; the vhtask client starts, watches, stops and reruns them. \
Includes systemd user units for socket activation.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Runtime library dependencies from the binaries themselves (dpkg-shlibdeps, from dpkg-dev):
# always exactly what they link, with the versions they need.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The example's `python train.py` needs a `python`; completions and man pages need nothing.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python-is-python3, bash-completion")

include(CPack)
