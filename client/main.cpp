// vhtask: the command-line client. Everything lives in vhtask_client_lib; see client/run.h.
#include "client/run.h"

int main(int argc, char** argv) {
  return vhtask::client::run(argc, argv);
}
