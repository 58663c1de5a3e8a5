// vhtask: the command-line client. Everything lives in the libraries of client/; see
// client/app/run.h.
#include "client/app/run.h"

int main(int argc, char** argv) {
  return vhtask::client::app::run(argc, argv);
}
