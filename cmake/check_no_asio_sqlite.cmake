# cmake -DBINARY=<executable> -P check_no_asio_sqlite.cmake
# Fails when BINARY defines or references any Boost.Asio or SQLite symbol (nm -C: demangled names
# containing "boost::asio" or starting with "sqlite3"). Run by ctest as
# supervisor_links_no_asio_or_sqlite on vhtask-supervise, the plain-POSIX supervisor.
if(NOT DEFINED BINARY OR NOT EXISTS "${BINARY}")
  message(FATAL_ERROR "check_no_asio_sqlite: BINARY '${BINARY}' does not exist")
endif()
find_program(NM nm REQUIRED)
execute_process(COMMAND ${NM} -C "${BINARY}"
  OUTPUT_VARIABLE symbols ERROR_VARIABLE nm_error RESULT_VARIABLE nm_result)
if(NOT nm_result EQUAL 0)
  message(FATAL_ERROR "check_no_asio_sqlite: nm -C ${BINARY} failed: ${nm_error}")
endif()
string(REGEX MATCHALL "[^\n]*(boost::asio|[ \t]sqlite3)[^\n]*" found "${symbols}")
if(found)
  list(LENGTH found count)
  list(SUBLIST found 0 5 first)
  list(JOIN first "\n  " shown)
  message(FATAL_ERROR "${BINARY} links ${count} Asio or SQLite symbols, e.g.:\n  ${shown}")
endif()
string(LENGTH "${symbols}" symbols_chars)
if(symbols_chars EQUAL 0)
  message(FATAL_ERROR "check_no_asio_sqlite: nm -C ${BINARY} printed no symbols (stripped?)")
endif()
message(STATUS "${BINARY}: no Asio or SQLite symbol")
