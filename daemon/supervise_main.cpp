// vhtask-supervise: the per-execution supervisor vhtaskd starts for every command. Everything
// lives in vhtask_supervisor_lib; see daemon/supervisor.h.
#include "daemon/supervisor.h"

int main(int argc, char** argv) {
  return vhtask::daemon::supervise_main(argc, argv);
}
