# What `cmake --install` puts where (included by the top-level CMakeLists.txt after the targets).
# Paths are GNUInstallDirs', relative to the prefix chosen at install time:
#   bin/                                   vhtask, vhtaskd, vhtask-supervise
#   lib/systemd/user/                      vhtaskd.socket, vhtaskd.service (user units)
#   share/man/man1/                        vhtask.1, vhtaskd.1 (man/*.1.in)
#   share/bash-completion/completions/     vhtask
#   share/zsh/vendor-completions/          _vhtask
#   share/doc/vhtask/                      README.md, docs, schema docs, examples/

install(TARGETS vhtask vhtaskd vhtask-supervise RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The service's ExecStart= names vhtaskd by its absolute installed path, and the prefix is only
# known at install time (`cmake --install --prefix P` overrides the configured one; CPack
# installs with prefix /usr under a DESTDIR). So the unit is generated when installing, from the
# prefix in effect then, into the build tree, and installed from there.
set(VHTASK_USER_UNIT_DIR lib/systemd/user)
# A relative prefix (`--prefix stage`) is made absolute the way the install resolves it, from
# the current directory: a unit's ExecStart= must be an absolute path.
install(CODE "
  get_filename_component(vhtask_prefix \"\${CMAKE_INSTALL_PREFIX}\" ABSOLUTE)
  set(VHTASK_INSTALL_FULL_BINDIR \"\${vhtask_prefix}/${CMAKE_INSTALL_BINDIR}\")
  configure_file(\"${PROJECT_SOURCE_DIR}/systemd/vhtaskd.service.in\"
                 \"${PROJECT_BINARY_DIR}/systemd/vhtaskd.service\" @ONLY)
")
install(FILES ${PROJECT_SOURCE_DIR}/systemd/vhtaskd.socket
              ${PROJECT_BINARY_DIR}/systemd/vhtaskd.service
        DESTINATION ${VHTASK_USER_UNIT_DIR})

# Man pages: man/*.1.in with the version filled in.
foreach(page vhtask.1 vhtaskd.1)
  configure_file(man/${page}.in ${PROJECT_BINARY_DIR}/man/${page} @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/man/${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endforeach()

install(FILES completions/vhtask.bash RENAME vhtask
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES completions/_vhtask DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES README.md docs/reliability.md docs/metadata.md docs/stop-condition.md docs/slurm.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES schema/README.md schema/protocol.md schema/execution-dir.md schema/examples.sql
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/schema)
