// vhtaskd: the vhtask daemon. Everything lives in vhtask_daemon_lib; see daemon/app/run.h.
#include "daemon/app/run.h"

int main(int argc, char** argv) {
  return vhtask::daemon::app::run(argc, argv);
}
