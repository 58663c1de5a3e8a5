#include "supervisor/signal_reset.h"

namespace vhtask::supervisor {

void reset_signals(const sigset_t& mask) {
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) {
      sigaction(sig, &default_action, nullptr);  // EINVAL for libc-reserved signals: fine
    }
  }
  sigprocmask(SIG_SETMASK, &mask, nullptr);
}

}  // namespace vhtask::supervisor
