// Must NOT compile: vhtask::Result is [[nodiscard]], so a call whose error is ignored is a
// warning, and the project builds with -Werror (test `result_is_nodiscard`, tests/CMakeLists.txt).
#include "common/result.h"

namespace {

vhtask::Result<void> write_something() {
  return vhtask::Error::io("disk full");
}

}  // namespace

int main() {
  write_something();  // the error is dropped: this line is the failure the test expects
  return 0;
}
