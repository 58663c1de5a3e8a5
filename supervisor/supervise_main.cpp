// vhtask-supervise: the per-execution supervisor vhtaskd starts for every command. Everything
// lives in vhtask_supervisor_lib; see supervisor/supervisor.h.
#include "supervisor/supervisor.h"

int main(int argc, char** argv) {
  return vhtask::supervisor::supervise_main(argc, argv);
}
